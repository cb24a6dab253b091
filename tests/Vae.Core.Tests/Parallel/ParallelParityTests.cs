using Vae.Core;
using Vae.Core.Kernels;
using Vae.Core.NN;

namespace Vae.Core.Tests;

/// <summary>
/// The parallel elementwise and reduction paths give bit-for-bit the single-threaded values, just below and just
/// above the size threshold, for odd sizes, broadcasting, float32 and float64, and for more parts than cores.
/// </summary>
public sealed class ParallelParityTests
{
    /// <summary>
    /// Element counts straddling both thresholds (2 × the per-thread minimum for cheap and for transcendental ops)
    /// plus a larger odd size.
    /// </summary>
    public static TheoryData<int, DType> Sizes()
    {
        int t = 2 * Elementwise.ParallelMinPerThread, te = 2 * Elementwise.ExpensiveMinPerThread;
        var d = new TheoryData<int, DType>();
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            foreach (int n in new[] { te - 1, te + 1, t - 1, t + 1, (3 * t) + 13 })
            {
                d.Add(n, dtype);
            }
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Unary_and_scalar_ops_match_the_serial_path(int n, DType dtype)
    {
        var x = Input(n, dtype, seed: 1);
        AssertSameBits(() => x.Exp(), "Exp");
        AssertSameBits(() => x.Abs().Log(), "Log");
        AssertSameBits(() => x.Relu(), "Relu");
        AssertSameBits(() => x.Sigmoid(), "Sigmoid");
        AssertSameBits(() => x.Tanh(), "Tanh");
        AssertSameBits(() => x * 0.37, "x * s");
        AssertSameBits(() => 2.5 - x, "s - x");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Binary_lane_and_loss_kernels_match_the_serial_path(int n, DType dtype)
    {
        var a = Input(n, dtype, seed: 2);
        var b = Input(n, dtype, seed: 3);
        var t = Tensor.Rand(new Shape(n), new Generator(4), dtype);
        AssertSameBits(() => a + b, "a + b");
        AssertSameBits(() => a / b, "a / b");
        AssertSameBits(() => a * Tensor.Scalar(1.5, dtype), "a * scalar tensor");
        AssertSameBits(() => Losses.BinaryCrossEntropyWithLogits(a, t, Vae.Core.NN.Reduction.None), "BCE with logits");
        AssertSameBits(() => LossKernels.BceWithLogitsBackward(b, a, t), "BCE with logits backward");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Broadcasting_ops_match_the_serial_path(DType dtype)
    {
        // [rows, cols] op [cols], [rows, 1] op [rows, cols] and a 3-D broadcast, each just above the threshold.
        int cols = 397, rows = (2 * Elementwise.ParallelMinPerThread / cols) + 1;
        var m = Input(rows * cols, dtype, seed: 5).Reshape(rows, cols);
        var row = Input(cols, dtype, seed: 6);
        var col = Input(rows, dtype, seed: 7).Reshape(rows, 1);
        AssertSameBits(() => m + row, "[rows, cols] + [cols]");
        AssertSameBits(() => col * m, "[rows, 1] * [rows, cols]");
        AssertSameBits(() => col - row, "[rows, 1] - [cols]");
        var a3 = Input(3 * 97, dtype, seed: 8).Reshape(3, 1, 97);
        var b3 = Input(131 * 97, dtype, seed: 9).Reshape(131, 97);
        AssertSameBits(() => a3 * b3, "[3, 1, 97] * [131, 97]");
        AssertSameBits(() => row.Expand(rows, cols), "Expand");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Reductions_match_the_serial_path(DType dtype)
    {
        int cols = 785, rows = (2 * Elementwise.ParallelMinPerThread / cols) + 1;
        var m = Input(rows * cols, dtype, seed: 10).Reshape(rows, cols);
        AssertSameBits(() => m.Sum(0), "Sum(0)");
        AssertSameBits(() => m.Sum(1), "Sum(1)");
        AssertSameBits(() => m.Mean(0), "Mean(0)");
        AssertSameBits(() => m.AMax([1]), "AMax([1])");
        AssertSameBits(() => m.AMax([0]), "AMax([0])");
        AssertSameBits(() => m.Sum(), "Sum()");
        var c = Input(5 * 67 * 131, dtype, seed: 11).Reshape(5, 67, 131);
        AssertSameBits(() => c.Sum([0, 2]), "Sum([0, 2])");
        AssertSameBits(() => c.Sum(1), "Sum(1) of 3-D");
        var narrow = Input(3 * 30_000, dtype, seed: 12).Reshape(3, 30_000);
        AssertSameBits(() => narrow.Sum(0), "Sum(0) of a wide, short matrix");
    }

    [Fact]
    public void Below_the_threshold_nothing_is_split()
    {
        int n = 2 * Elementwise.ParallelMinPerThread;
        using (ParallelWork.OverrideThreads(2))
        {
            Elementwise.PartsFor(n - 1).Should().Be(1);
            Elementwise.PartsFor(n).Should().BeGreaterThan(1);
            int ne = 2 * Elementwise.ExpensiveMinPerThread;
            Elementwise.PartsFor(ne - 1, expensive: true).Should().Be(1);
            Elementwise.PartsFor(ne, expensive: true).Should().BeGreaterThan(1);
        }

        using (ParallelWork.OverrideThreads(1))
        {
            Elementwise.PartsFor(100 * n).Should().Be(1);
        }
    }

    /// <summary>Runs <paramref name="op"/> on one thread, then split for 2 and 3 threads, and compares the bits.</summary>
    internal static void AssertSameBits(Func<Tensor> op, string what)
    {
        Tensor serial;
        using (ParallelWork.OverrideThreads(1))
        {
            serial = op();
        }

        foreach (int threads in new[] { 2, 3 })
        {
            Tensor split;
            using (ParallelWork.OverrideThreads(threads))
            {
                split = op();
            }

            split.Shape.Should().Equal(serial.Shape.ToArray());
            Bits(split).Should().Equal(Bits(serial), $"{what} with {threads} threads should give the serial bits");
        }
    }

    internal static long[] Bits(Tensor t) =>
        t.DType == DType.Float32
            ? t.ToArray().Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray()
            : t.ToDoubleArray().Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static Tensor Input(int n, DType dtype, int seed) => Tensor.Randn(new Shape(n), new Generator((ulong)seed), dtype) * 3.0;
}
