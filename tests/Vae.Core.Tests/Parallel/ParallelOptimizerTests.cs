using Vae.Core;
using Vae.Core.Kernels;
using Vae.Core.Optim;

namespace Vae.Core.Tests;

/// <summary>
/// Adam and AdamW run all parameters of a step as one batch split over threads; the parameters and moment buffers
/// must come out bit-for-bit as on one thread, for sizes around the split threshold and many small parameters.
/// </summary>
public sealed class ParallelOptimizerTests
{
    public static TheoryData<string, DType> Cases()
    {
        var d = new TheoryData<string, DType>();
        foreach (var name in new[] { "adam", "adam-l2-amsgrad", "adamw", "adamw-maximize" })
        {
            d.Add(name, DType.Float32);
            d.Add(name, DType.Float64);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_match_the_serial_path(string name, DType dtype)
    {
        var serial = Train(name, dtype, threads: 1);
        foreach (int threads in new[] { 2, 3 })
        {
            var split = Train(name, dtype, threads);
            for (int i = 0; i < serial.Length; i++)
            {
                ParallelParityTests.Bits(split[i]).Should().Equal(ParallelParityTests.Bits(serial[i]),
                    $"tensor {i} of {name} ({dtype}) with {threads} threads should match the serial bits");
            }
        }
    }

    [Fact]
    public void A_batch_below_the_threshold_runs_serially_and_queued_updates_run_even_after_an_error()
    {
        var p = Tensor.Ones(new Shape(3)).SetRequiresGrad();
        p.Grad = Tensor.Ones(new Shape(3));
        var bad = Tensor.Ones(new Shape(2)).SetRequiresGrad();
        bad.Grad = Tensor.Ones(new Shape(5));
        var adam = new Adam([p, bad], lr: 0.1);
        var act = adam.Step;
        act.Should().Throw<InvalidOperationException>();
        p.ToArray().Should().AllSatisfy(v => v.Should().BeApproximately(0.9f, 1e-6f), "the parameter queued before the error is updated");
        bad.ToArray().Should().Equal(1f, 1f);
    }

    /// <summary>Three steps over parameters whose total straddles the threshold; returns parameters, then buffers.</summary>
    private static Tensor[] Train(string name, DType dtype, int threads)
    {
        int t = 2 * UpdateBatch.MinPerThread;
        int[][] shapes = [[t + 1], [7], [123, 45], [1], [t - 3], [3, 5]];
        var gen = new Generator(42);
        var ps = shapes.Select(s => Tensor.Randn(new Shape(s), gen, dtype).SetRequiresGrad()).ToArray();
        Optimizer opt = name switch
        {
            "adam" => new Adam(ps, lr: 1e-2),
            "adam-l2-amsgrad" => new Adam(ps, lr: 1e-2, weightDecay: 0.1, amsgrad: true),
            "adamw" => new AdamW(ps, lr: 1e-2, weightDecay: 0.05),
            _ => new AdamW(ps, lr: 1e-2, weightDecay: 0.05, maximize: true),
        };
        using (ParallelWork.OverrideThreads(threads))
        {
            for (int step = 0; step < 3; step++)
            {
                foreach (var p in ps)
                {
                    p.Grad = Tensor.Randn(p.Shape, gen, dtype);
                }

                opt.Step();
            }
        }

        var state = opt.StateDict();
        return [.. ps, .. state.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value)];
    }
}
