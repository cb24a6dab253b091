using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vae.Core.Kernels;

/// <summary>
/// The cache-blocked GEMM driver (GotoBLAS/BLIS loop nest, mirrored for row-major C with vectors along n):
/// for each column block of nc (packed B block kc × nc kept in L2), for each k block of kc, for each row block of
/// mc (packed A block), for each MR-row A micro-panel (kept in L1), for each 2W-column B micro-panel: one
/// register-tiled micro-kernel call. Pack buffers are per thread and reused across calls.
/// </summary>
internal static unsafe class GemmBlocked
{
    /// <summary>Bytes of one A micro-panel k-run budget: kc·sizeof(T) ≤ this (kc = 512 floats, 256 doubles).</summary>
    internal static int KcBytes = 2048;

    /// <summary>Bytes of the packed B block kept in L2 (half of a 2 MB L2).</summary>
    internal static int L2Bytes = 1 << 20;

    /// <summary>Rows of the packed A block.</summary>
    internal static int Mc = 256;

    /// <summary>Computes rows [i0, i1) × columns [j0, j1) of C = op(A)·op(B) (+ C when accumulate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TVec, TV, T>(
        bool transA, bool transB, int k, T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate,
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

        T* aBuf = GemmBuffers<T>.A(mc * kc);
        T* bBuf = GemmBuffers<T>.B(nc * kc);
        for (int jc = j0; jc < j1; jc += nc)
        {
            int ncb = Math.Min(nc, j1 - jc);
            for (int pc = 0; pc < k; pc += kc)
            {
                int kcb = Math.Min(kc, k - pc);
                bool add = accumulate || pc > 0;
                GemmPack.PackB<TVec, TV, T>(bBuf, b, ldb, transB, jc, ncb, pc, kcb);
                for (int ic = i0; ic < i1; ic += mc)
                {
                    int mcb = Math.Min(mc, i1 - ic);
                    GemmPack.PackA(aBuf, a, lda, transA, ic, mcb, pc, kcb);
                    for (int ir = 0; ir < mcb; ir += mr)
                    {
                        int rows = Math.Min(mr, mcb - ir);
                        T* ap = aBuf + ((nint)ir * kcb);
                        T* crow = c + (((nint)(ic + ir) * ldc) + jc);
                        for (int jr = 0; jr < ncb; jr += nr)
                        {
                            int cols = Math.Min(nr, ncb - jr);
                            T* bp = bBuf + ((nint)jr * kcb);
                            if (cols <= w)
                            {
                                GemmMicroKernel.Tile1<TVec, TV, T>(kcb, ap, bp, crow + jr, ldc, rows, cols, add);
                            }
                            else
                            {
                                GemmMicroKernel.Tile2<TVec, TV, T>(kcb, ap, bp, crow + jr, ldc, rows, cols, add);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
