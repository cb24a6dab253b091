using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vae.Core.Kernels;

/// <summary>
/// The cache-blocked GEMM driver (GotoBLAS/BLIS loop nest, mirrored for row-major C with vectors along n):
/// for each column block of nc (packed B block kc × nc kept in L2), for each k block of kc, for each row block of
/// mc (packed A block), for each MR-row A micro-panel (kept in L1), for each 2W-column B micro-panel: one
/// register-tiled micro-kernel call. Pack buffers are per thread and reused across calls.
/// </summary>
/// <remarks>
/// Packing is skipped where it would only copy: when op(A) is stored transposed (each k step already holds MR
/// contiguous rows) and few column panels reuse it, and when op(B) is stored untransposed (each k step holds a
/// contiguous row) and few row panels reuse it. Ragged edge panels are always packed (zero-padded).
/// </remarks>
internal static unsafe class GemmBlocked
{
    /// <summary>Bytes of one k block of an A micro-panel row: kc·sizeof(T) ≤ this (kc = 384 floats, 192 doubles).</summary>
    internal static int KcBytes = 1536;

    /// <summary>Bytes of the packed B block kept in L2 (half of a 2 MB L2).</summary>
    internal static int L2Bytes = 1 << 20;

    /// <summary>Rows of the packed A block.</summary>
    internal static int Mc = 256;

    /// <summary>Read op(B) in place when at most this many rows (of C) reuse it.</summary>
    internal static int DirectBMaxRows = 64;

    /// <summary>Read op(A) in place when at most this many columns (of C) reuse it.</summary>
    internal static int DirectAMaxCols = 128;

    /// <summary>
    /// Computes rows [i0, i1) × columns [j0, j1) of C = op(A)·op(B) (+ C when accumulate). With
    /// <paramref name="transC"/>, C is stored transposed: element (i, j) lives at c[j·ldc + i].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TVec, TV, T>(
        bool transA, bool transB, int k, T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate, bool transC,
        int i0, int i1, int j0, int j1)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = GemmMicroKernel.MR;
        int w = TVec.Count, nr = 2 * w;
        int m = i1 - i0, n = j1 - j0;
        if (m <= 0 || n <= 0)
        {
            return;
        }

        int kcMax = KcBytes / sizeof(T);
        int kBlocks = (k + kcMax - 1) / kcMax;
        int kc = (k + kBlocks - 1) / kBlocks;
        int ncMax = Math.Max(nr, L2Bytes / (kc * sizeof(T)) / nr * nr);
        int nBlocks = (n + ncMax - 1) / ncMax;
        int nc = RoundUp((n + nBlocks - 1) / nBlocks, nr);
        int mBlocks = (m + Mc - 1) / Mc;
        int mc = RoundUp((m + mBlocks - 1) / mBlocks, mr);
        bool directA = transA && n <= DirectAMaxCols;
        bool directB = !transB && m <= DirectBMaxRows;

        T* aBuf = GemmBuffers<T>.A(mc * kc);
        T* bBuf = GemmBuffers<T>.B(nc * kc);
        for (int jc = j0; jc < j1; jc += nc)
        {
            int ncb = Math.Min(nc, j1 - jc);

            // Full 2W-wide panels that are read in place (directB) end at nFull; the rest is packed.
            int nFull = directB ? ncb / nr * nr : 0;
            for (int pc = 0; pc < k; pc += kc)
            {
                int kcb = Math.Min(kc, k - pc);
                bool add = accumulate || pc > 0;
                if (nFull < ncb)
                {
                    GemmPack.PackB<TVec, TV, T>(bBuf + ((nint)nFull * kcb), b, ldb, transB, jc + nFull, ncb - nFull, pc, kcb);
                }

                for (int ic = i0; ic < i1; ic += mc)
                {
                    int mcb = Math.Min(mc, i1 - ic);
                    int mFull = directA ? mcb / mr * mr : 0;
                    if (mFull < mcb)
                    {
                        GemmPack.PackA(aBuf + ((nint)mFull * kcb), a, lda, transA, ic + mFull, mcb - mFull, pc, kcb);
                    }

                    for (int ir = 0; ir < mcb; ir += mr)
                    {
                        int rows = Math.Min(mr, mcb - ir);
                        T* ap;
                        nint aStride;
                        if (ir < mFull)
                        {
                            ap = a + (((nint)pc * lda) + ic + ir);
                            aStride = lda;
                        }
                        else
                        {
                            ap = aBuf + ((nint)ir * kcb);
                            aStride = mr;
                        }

                        for (int jr = 0; jr < ncb; jr += nr)
                        {
                            int cols = Math.Min(nr, ncb - jr);
                            T* bp;
                            nint bStride;
                            if (jr < nFull)
                            {
                                bp = b + (((nint)pc * ldb) + jc + jr);
                                bStride = ldb;
                            }
                            else
                            {
                                bp = bBuf + ((nint)jr * kcb);
                                bStride = cols <= w ? w : nr;
                            }

                            int ci = ic + ir, cj = jc + jr;
                            T* cp = transC ? c + (((nint)cj * ldc) + ci) : c + (((nint)ci * ldc) + cj);
                            if (cols <= w && jr >= nFull)
                            {
                                GemmMicroKernel.Tile1<TVec, TV, T>(kcb, ap, aStride, bp, bStride, cp, ldc, rows, cols, add, transC);
                            }
                            else
                            {
                                GemmMicroKernel.Tile2<TVec, TV, T>(kcb, ap, aStride, bp, bStride, cp, ldc, rows, cols, add, transC);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
