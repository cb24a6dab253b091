using System.Numerics;
using System.Numerics.Tensors;

namespace Vae.Core.Kernels;

/// <summary>
/// Copy kernels along one dimension of a contiguous tensor viewed as <c>[outer, size, inner]</c>: slicing,
/// embedding into a larger tensor (the inverse of slicing, also used by concatenation), row selection and
/// scatter-add by index, and triangular masks. Contiguous runs move with <see cref="Span{T}.CopyTo(Span{T})"/>.
/// </summary>
internal static class AxisCopy
{
    /// <summary>Runs shorter than this are copied element by element (cheaper than a memmove call).</summary>
    private const int ShortRun = 8;

    /// <summary>dst[o, i, :] = src[o, start + i·step, :] for i &lt; count; src is [outer, srcSize, inner], dst [outer, count, inner].</summary>
    public static void Slice<T>(ReadOnlySpan<T> src, Span<T> dst, int outer, int srcSize, int inner, int start, int count, int step)
    {
        if (count == 0 || inner == 0)
        {
            return;
        }

        if (step == 1)
        {
            int run = count * inner;
            for (int o = 0; o < outer; o++)
            {
                CopyRun(src.Slice(((o * srcSize) + start) * inner, run), dst.Slice(o * run, run));
            }

            return;
        }

        for (int o = 0; o < outer; o++)
        {
            int s = ((o * srcSize) + start) * inner, d = o * count * inner;
            for (int i = 0; i < count; i++, s += step * inner, d += inner)
            {
                CopyRun(src.Slice(s, inner), dst.Slice(d, inner));
            }
        }
    }

    /// <summary>
    /// dst[o, start + i·step, :] = src[o, i, :] for i &lt; count; src is [outer, count, inner], dst [outer, dstSize, inner].
    /// Other elements of dst are left as they are (callers zero them or fill them with other parts).
    /// </summary>
    public static void Embed<T>(ReadOnlySpan<T> src, Span<T> dst, int outer, int dstSize, int inner, int start, int count, int step)
    {
        if (count == 0 || inner == 0)
        {
            return;
        }

        if (step == 1)
        {
            int run = count * inner;
            for (int o = 0; o < outer; o++)
            {
                CopyRun(src.Slice(o * run, run), dst.Slice(((o * dstSize) + start) * inner, run));
            }

            return;
        }

        for (int o = 0; o < outer; o++)
        {
            int d = ((o * dstSize) + start) * inner, s = o * count * inner;
            for (int i = 0; i < count; i++, d += step * inner, s += inner)
            {
                CopyRun(src.Slice(s, inner), dst.Slice(d, inner));
            }
        }
    }

    /// <summary>dst[o, j, :] = src[o, index[j], :]; src is [outer, srcSize, inner], dst [outer, index.Length, inner].</summary>
    public static void IndexSelect<T>(ReadOnlySpan<T> src, Span<T> dst, int outer, int srcSize, int inner, ReadOnlySpan<int> index)
    {
        int m = index.Length;
        if (inner == 0)
        {
            return;
        }

        for (int o = 0; o < outer; o++)
        {
            int sBase = o * srcSize * inner, dBase = o * m * inner;
            for (int j = 0; j < m; j++)
            {
                CopyRun(src.Slice(sBase + (index[j] * inner), inner), dst.Slice(dBase + (j * inner), inner));
            }
        }
    }

    /// <summary>dst[o, index[j], :] += src[o, j, :]; src is [outer, index.Length, inner], dst [outer, dstSize, inner].</summary>
    public static void IndexAdd<T>(ReadOnlySpan<T> src, Span<T> dst, int outer, int dstSize, int inner, ReadOnlySpan<int> index)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = index.Length;
        for (int o = 0; o < outer; o++)
        {
            int sBase = o * m * inner, dBase = o * dstSize * inner;
            for (int j = 0; j < m; j++)
            {
                var s = src.Slice(sBase + (j * inner), inner);
                var d = dst.Slice(dBase + (index[j] * inner), inner);
                if (inner < ShortRun)
                {
                    for (int k = 0; k < s.Length; k++)
                    {
                        d[k] += s[k];
                    }
                }
                else
                {
                    TensorPrimitives.Add(d, s, d);
                }
            }
        }
    }

    /// <summary>
    /// Triangular part of each of <paramref name="batch"/> [rows, cols] matrices: keeps element (i, j) where
    /// j − i ≤ diagonal (<paramref name="lower"/>) or j − i ≥ diagonal (upper) and writes zero elsewhere.
    /// </summary>
    public static void Triangle<T>(ReadOnlySpan<T> src, Span<T> dst, int batch, int rows, int cols, int diagonal, bool lower)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < rows; i++)
            {
                int off = ((b * rows) + i) * cols;
                var s = src.Slice(off, cols);
                var d = dst.Slice(off, cols);

                // Boundary column computed in long to stay clear of overflow for extreme diagonals.
                int edge = (int)Math.Clamp((long)i + diagonal + (lower ? 1 : 0), 0, cols);
                if (lower)
                {
                    CopyRun(s[..edge], d[..edge]);
                    d[edge..].Clear();
                }
                else
                {
                    d[..edge].Clear();
                    CopyRun(s[edge..], d[edge..]);
                }
            }
        }
    }

    /// <summary>Copies a contiguous run; short runs element by element, longer ones with a block move.</summary>
    private static void CopyRun<T>(ReadOnlySpan<T> src, Span<T> dst)
    {
        if (src.Length < ShortRun)
        {
            for (int k = 0; k < src.Length; k++)
            {
                dst[k] = src[k];
            }
        }
        else
        {
            src.CopyTo(dst);
        }
    }
}
