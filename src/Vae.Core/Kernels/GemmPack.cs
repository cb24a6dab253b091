using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vae.Core.Kernels;

/// <summary>
/// Packing of GEMM operands into the contiguous, zero-padded micro-panels the micro-kernels stream through. Packing
/// absorbs the transpose flags: op(A) and op(B) are read in whatever layout they are stored in and always come out
/// in the same panel format, so all four transA/transB combinations run the same kernels.
/// </summary>
internal static unsafe class GemmPack
{
    /// <summary>
    /// Packs rows [i0, i0 + rows) and k-range [p0, p0 + kc) of op(A) into micro-panels of
    /// <see cref="GemmMicroKernel.MR"/> rows: panel r holds, for each k step p, the MR values op(A)[i, p] of its rows
    /// contiguously (rows past the end are zero).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(T* dst, T* a, int lda, bool transA, int i0, int rows, int p0, int kc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = GemmMicroKernel.MR;
        for (int ir = 0; ir < rows; ir += mr)
        {
            int mrows = Math.Min(mr, rows - ir);
            T* panel = dst + ((nint)ir * kc);
            if (!transA)
            {
                // op(A)[i, p] = a[i * lda + p]: a transpose of the mrows × kc block into the panel.
                GemmTranspose.Run(a + (((nint)(i0 + ir) * lda) + p0), lda, panel, mr, mrows, kc);
            }
            else
            {
                // op(A)[i, p] = a[p * lda + i]: each k step is a contiguous run of rows.
                T* src = a + (((nint)p0 * lda) + i0 + ir);
                if (mrows == mr)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        T* s = src + ((nint)p * lda);
                        T* d = panel + (p * mr);
                        d[0] = s[0];
                        d[1] = s[1];
                        d[2] = s[2];
                        d[3] = s[3];
                        d[4] = s[4];
                        d[5] = s[5];
                        d[6] = s[6];
                        d[7] = s[7];
                    }

                    continue;
                }

                for (int p = 0; p < kc; p++)
                {
                    T* s = src + ((nint)p * lda);
                    T* d = panel + (p * mr);
                    for (int i = 0; i < mrows; i++)
                    {
                        d[i] = s[i];
                    }
                }
            }

            if (mrows < mr)
            {
                for (int p = 0; p < kc; p++)
                {
                    for (int i = mrows; i < mr; i++)
                    {
                        panel[(p * mr) + i] = T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs columns [j0, j0 + cols) and k-range [p0, p0 + kc) of op(B) into micro-panels of 2W columns (W = vector
    /// width), the last one W wide when at most W columns remain: the panel starting at relative column j sits at
    /// offset j·kc and holds, for each k step, its row of op(B) contiguously (columns past the end are zero).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<TVec, TV, T>(T* dst, T* b, int ldb, bool transB, int j0, int cols, int p0, int kc)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TVec.Count;
        for (int jr = 0; jr < cols; jr += 2 * w)
        {
            int ncols = Math.Min(2 * w, cols - jr);
            int pw = ncols <= w ? w : 2 * w;
            T* panel = dst + ((nint)jr * kc);
            if (!transB)
            {
                // op(B)[p, j] = b[p * ldb + j]: each k step is a contiguous run of columns.
                T* src = b + (((nint)p0 * ldb) + j0 + jr);
                if (ncols == pw)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        T* s = src + ((nint)p * ldb);
                        T* d = panel + (p * pw);
                        TVec.Store(d, TVec.Load(s));
                        if (pw != w)
                        {
                            TVec.Store(d + w, TVec.Load(s + w));
                        }
                    }

                    continue;
                }

                for (int p = 0; p < kc; p++)
                {
                    T* s = src + ((nint)p * ldb);
                    T* d = panel + (p * pw);
                    int j = 0;
                    for (; j < ncols; j++)
                    {
                        d[j] = s[j];
                    }

                    for (; j < pw; j++)
                    {
                        d[j] = T.Zero;
                    }
                }
            }
            else
            {
                // op(B)[p, j] = b[j * ldb + p]: a transpose of the ncols × kc block into the panel.
                GemmTranspose.Run(b + (((nint)(j0 + jr) * ldb) + p0), ldb, panel, pw, ncols, kc);

                for (int j = ncols; j < pw; j++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        panel[(p * pw) + j] = T.Zero;
                    }
                }
            }
        }
    }
}
