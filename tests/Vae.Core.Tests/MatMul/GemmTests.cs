using System.Numerics;
using System.Runtime.Intrinsics;
using Vae.Core.Kernels;

namespace Vae.Core.Tests;

/// <summary>
/// The GEMM kernel against a naive double-precision reference: odd sizes around the tile and block edges, all four
/// transpose combinations, accumulate on/off, padded leading dimensions, every kernel family this machine can
/// run, one and two threads, float32 and float64.
/// </summary>
public sealed class GemmTests
{
    private static readonly (int M, int N, int K)[] Sizes =
    [
        (1, 1, 1), (3, 5, 7), (1, 17, 33), (17, 1, 65), (33, 17, 3), (17, 33, 65), (65, 129, 17), (129, 33, 65),
        (8, 32, 16), (16, 48, 1), (40, 31, 129), (3, 129, 129), (64, 20, 50), (40, 96, 30),
    ];

    public static TheoryData<bool, bool> TransCombos => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    private static IEnumerable<GemmPath> Paths()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            yield return GemmPath.Vector512;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            yield return GemmPath.Vector256;
        }

        if (Vector128.IsHardwareAccelerated)
        {
            yield return GemmPath.Vector128;
        }

        yield return GemmPath.Scalar;
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void Float32_matches_reference_for_odd_sizes_on_every_path(bool transA, bool transB)
    {
        foreach (var (m, n, k) in Sizes)
        {
            foreach (var path in Paths())
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    CheckCase<float>(path, 1 + ((m + n) % 2), transA, transB, m, n, k, accumulate, pad: (m + k) % 3, 1e-6);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void Float64_matches_reference_for_odd_sizes_on_every_path(bool transA, bool transB)
    {
        foreach (var (m, n, k) in Sizes)
        {
            foreach (var path in Paths())
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    CheckCase<double>(path, 1 + ((m + n) % 2), transA, transB, m, n, k, accumulate, pad: (n + k) % 3, 1e-14);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void Sizes_spanning_several_cache_blocks_match_reference(bool transA, bool transB)
    {
        // m > mc (256 rows), n > nc and k > kc for both element types, with one and two threads.
        foreach (int threads in new[] { 1, 2 })
        {
            CheckCase<float>(Gemm.BestPath, threads, transA, transB, 300, 9, 20, false, pad: 1, 1e-6);
            CheckCase<float>(Gemm.BestPath, threads, transA, transB, 5, 1400, 1100, true, pad: 2, 1e-6);
            CheckCase<double>(Gemm.BestPath, threads, transA, transB, 5, 1400, 1100, false, pad: 0, 1e-14);
        }
    }

    [Fact]
    public void Public_entry_point_chooses_a_path_and_handles_empty_and_k_zero()
    {
        CheckCase<float>(null, 0, false, true, 128, 40, 400, false, pad: 0, 1e-6);
        CheckCase<double>(null, 0, true, false, 2, 3, 4, true, pad: 0, 1e-14);

        var c = new float[] { 1, 2, 3, 4 };
        Gemm.Run<float>(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: true);
        c.Should().Equal(1, 2, 3, 4);
        Gemm.Run<float>(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: false);
        c.Should().Equal(0, 0, 0, 0);
        Gemm.Run<float>(false, false, 0, 2, 3, [], 3, new float[6], 2, [], 2, accumulate: false);
    }

    [Fact]
    public void Operands_too_short_for_their_shape_throw()
    {
        var act = () => Gemm.Run<float>(false, false, 2, 2, 3, new float[5], 3, new float[6], 2, new float[4], 2, false);
        act.Should().Throw<ArgumentException>().WithMessage("*operand A*");
        act = () => Gemm.Run<float>(false, true, 2, 2, 3, new float[6], 3, new float[6], 2, new float[4], 2, false);
        act.Should().Throw<ArgumentException>().WithMessage("*operand B*");
    }

    /// <summary>
    /// Runs one GEMM on operands stored with <paramref name="pad"/> extra elements per row (filled with NaN, so any
    /// read of padding poisons the result) and checks C against the reference, the padding of C untouched.
    /// A null path uses the public entry point.
    /// </summary>
    private static void CheckCase<T>(
        GemmPath? path, int threads, bool transA, bool transB, int m, int n, int k, bool accumulate, int pad, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random((m * 131) + (n * 17) + k + (transA ? 5 : 0) + (transB ? 11 : 0));
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        var a = Random<T>(rng, aRows, aCols, lda);
        var b = Random<T>(rng, bRows, bCols, ldb);
        var c = Random<T>(rng, m, n, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = n; j < ldc; j++)
            {
                c[(i * ldc) + j] = T.CreateTruncating(12345.0);
            }

            if (!accumulate)
            {
                // With accumulate off C must not be read: NaN here would leak into the result.
                for (int j = 0; j < n; j++)
                {
                    c[(i * ldc) + j] = T.NaN;
                }
            }
        }

        var c0 = (T[])c.Clone();
        if (path is { } p)
        {
            Gemm.Run<T>(p, threads, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        }
        else
        {
            Gemm.Run<T>(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        }

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? double.CreateTruncating(c0[(i * ldc) + j]) : 0, abs = Math.Abs(sum);
                for (int q = 0; q < k; q++)
                {
                    double x = double.CreateTruncating(transA ? a[(q * lda) + i] : a[(i * lda) + q]);
                    double y = double.CreateTruncating(transB ? b[(j * ldb) + q] : b[(q * ldb) + j]);
                    sum += x * y;
                    abs += Math.Abs(x * y);
                }

                double got = double.CreateTruncating(c[(i * ldc) + j]);
                double tol = (4 * (k + 1) * eps * abs) + 1e-30;
                if (!(Math.Abs(got - sum) <= tol))
                {
                    Assert.Fail($"{typeof(T).Name} {path} threads={threads} trans=({transA},{transB}) m={m} n={n} k={k} " +
                        $"acc={accumulate} pad={pad}: C[{i},{j}] = {got}, expected {sum} (tol {tol}).");
                }
            }

            for (int j = n; j < ldc; j++)
            {
                double.CreateTruncating(c[(i * ldc) + j]).Should().Be(12345.0, "the padding of C must not be written");
            }
        }
    }

    private static T[] Random<T>(Random rng, int rows, int cols, int ld)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[Math.Max(0, ((rows - 1) * ld) + cols) + (rows > 0 ? ld - cols : 0)];
        x.AsSpan().Fill(T.NaN);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                x[(i * ld) + j] = T.CreateTruncating((rng.NextDouble() * 2) - 1);
            }
        }

        return x;
    }
}
