using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Vae.Core.Kernels;

/// <summary>
/// General matrix multiply on row-major spans: C = op(A)·op(B) (+ C when <c>accumulate</c>), where op(X) is X or
/// Xᵀ. A is m×k after op, B is k×n after op, C is m×n. Leading dimensions are the row strides of the stored
/// matrices. This is the single entry point every matmul, linear layer and convolution goes through.
/// </summary>
/// <remarks>
/// Large problems go through the cache-blocked, packed, register-tiled driver (<see cref="GemmBlocked"/>) with the
/// widest accelerated vectors (Vector512, else Vector256, else Vector128, all with FMA), split over cores above
/// <see cref="ParallelWorkPerThread"/>; tiny ones and machines without SIMD FMA use a plain loop.
/// </remarks>
internal static unsafe class Gemm
{
    /// <summary>m·n·k at or below which the plain loop beats packing.</summary>
    internal const long SmallWork = 2048;

    /// <summary>Minimum m·n·k per worker thread.</summary>
    internal const long ParallelWorkPerThread = 1_000_000;

    /// <summary>Whether narrow-n problems may be computed as Cᵀ = op(B)ᵀ·op(A)ᵀ (a tuning knob for benchmarks).</summary>
    internal static bool AllowTransposedC = true;

    /// <summary>The fastest kernel family this machine supports.</summary>
    internal static GemmPath BestPath { get; } =
        Vector512.IsHardwareAccelerated ? GemmPath.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmPath.Vector256
        : Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.Arm64.IsSupported) ? GemmPath.Vector128
        : GemmPath.Scalar;

    public static void Run<T>(
        bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var path = (long)m * n * k <= SmallWork ? GemmPath.Scalar : BestPath;
        int threads = path == GemmPath.Scalar ? 1 : ParallelWork.ThreadsFor((long)m * n * k, ParallelWorkPerThread);
        Run(path, threads, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /// <summary>The main entry point with an explicit kernel family and thread count (for tests and benchmarks).</summary>
    internal static void Run<T>(
        GemmPath path, int threads, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (T* pa = a, pb = b, pc = c)
        {
            if (k == 0 || path == GemmPath.Scalar)
            {
                GemmReference.Run(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
                return;
            }

            switch (path)
            {
                case GemmPath.Vector512:
                    Split<Vec512<T>, Vector512<T>, T>(threads, transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
                    break;
                case GemmPath.Vector256:
                    Split<Vec256<T>, Vector256<T>, T>(threads, transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
                    break;
                default:
                    Split<Vec128<T>, Vector128<T>, T>(threads, transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
                    break;
            }
        }
    }

    /// <summary>
    /// Orients the problem and splits C over <paramref name="threads"/> workers. When n is too narrow to fill the
    /// 2W-wide vector tiles but m is not, computes Cᵀ = op(B)ᵀ·op(A)ᵀ instead (the tiles then run along m and are
    /// written back transposed). Workers split along n (each packs its own columns of B and all of A) or along m
    /// (its own rows of A, all of B), whichever duplicates less packing.
    /// </summary>
    private static void Split<TVec, TV, T>(
        int threads, bool transA, bool transB, int m, int n, int k,
        T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TVec.Count;
        bool transC = AllowTransposedC && PaddedArea(n, m, w) * 11 < PaddedArea(m, n, w) * 10;
        if (transC)
        {
            (m, n, lda, ldb) = (n, m, ldb, lda);
            T* t = a;
            a = b;
            b = t;
            (transA, transB) = (!transB, !transA);
        }

        int nUnits = (n + w - 1) / w, mUnits = (m + GemmMicroKernel.MR - 1) / GemmMicroKernel.MR;
        bool splitN = m <= n ? nUnits >= threads : mUnits < threads;
        threads = Math.Min(threads, splitN ? nUnits : mUnits);
        if (threads <= 1)
        {
            GemmBlocked.Run<TVec, TV, T>(transA, transB, k, a, lda, b, ldb, c, ldc, accumulate, transC, 0, m, 0, n);
            return;
        }

        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        ParallelWork.For(threads, t =>
        {
            if (splitN)
            {
                int j0 = Math.Min(n, (int)((long)nUnits * t / threads) * w);
                int j1 = Math.Min(n, (int)((long)nUnits * (t + 1) / threads) * w);
                GemmBlocked.Run<TVec, TV, T>(transA, transB, k, (T*)pa, lda, (T*)pb, ldb, (T*)pc, ldc, accumulate, transC, 0, m, j0, j1);
            }
            else
            {
                int i0 = Math.Min(m, (int)((long)mUnits * t / threads) * GemmMicroKernel.MR);
                int i1 = Math.Min(m, (int)((long)mUnits * (t + 1) / threads) * GemmMicroKernel.MR);
                GemmBlocked.Run<TVec, TV, T>(transA, transB, k, (T*)pa, lda, (T*)pb, ldb, (T*)pc, ldc, accumulate, transC, i0, i1, 0, n);
            }
        });
    }

    /// <summary>Elements the micro-kernels compute (padding included) for an m × n result.</summary>
    private static long PaddedArea(int m, int n, int w)
    {
        int rem = n % (2 * w);
        long cols = (n - rem) + (rem == 0 ? 0 : rem <= w ? w : 2 * w);
        long rows = (m + GemmMicroKernel.MR - 1) / GemmMicroKernel.MR * GemmMicroKernel.MR;
        return rows * cols;
    }

    private static void Validate(bool transA, bool transB, int m, int n, int k, int aLen, int lda, int bLen, int ldb, int cLen, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentException($"Gemm: negative size (m={m}, n={n}, k={k}).");
        }

        CheckOperand("A", transA ? k : m, transA ? m : k, aLen, lda);
        CheckOperand("B", transB ? n : k, transB ? k : n, bLen, ldb);
        CheckOperand("C", m, n, cLen, ldc);
    }

    private static void CheckOperand(string name, int rows, int cols, int length, int ld)
    {
        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (ld < cols || ((long)(rows - 1) * ld) + cols > length)
        {
            throw new ArgumentException(
                $"Gemm: operand {name} stored as {rows}×{cols} with leading dimension {ld} does not fit in {length} elements.");
        }
    }
}
