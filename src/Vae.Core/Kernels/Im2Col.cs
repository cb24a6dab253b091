using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vae.Core.Kernels;

/// <summary>
/// Lowering of a 2-D convolution to a matrix product. The column matrix of samples <c>n0 .. n0+nb</c> has one row per
/// (input channel, kernel row, kernel column) — row <c>(c·KH + kh)·KW + kw</c>, so each group's rows are contiguous —
/// and one column per (sample, output pixel): <c>col[r, j·P + oh·OW + ow] = x[n0+j, c, oh·SH − PH + kh·DH, ow·SW − PW + kw·DW]</c>
/// (zero where that falls into the padding). <see cref="Fill{T}"/> builds it; <see cref="Accumulate{T}"/> is its
/// adjoint (col2im), adding every entry back onto the input position it came from.
/// </summary>
internal static class Im2Col
{
    /// <summary>Below this many column entries the lowering runs on the calling thread.</summary>
    private const long ParallelThreshold = 1 << 16;

    /// <summary>Writes the column matrix <c>[C·KH·KW, nb·P]</c> of samples <c>n0 .. n0+nb</c> of <paramref name="x"/> into <paramref name="col"/>.</summary>
    public static void Fill<T>(T[] x, T[] col, ConvGeometry g, int n0, int nb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = g.C * g.KH * g.KW;
        if (Environment.ProcessorCount > 1 && rows > 1 && (long)rows * nb * g.P >= ParallelThreshold)
        {
            Parallel.For(0, rows, r => FillRow(x, col, g, n0, nb, r));
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                FillRow(x, col, g, n0, nb, r);
            }
        }
    }

    /// <summary>Adds the column matrix <c>[C·KH·KW, nb·P]</c> onto samples <c>n0 .. n0+nb</c> of <paramref name="x"/> (col2im).</summary>
    public static void Accumulate<T>(T[] col, T[] x, ConvGeometry g, int n0, int nb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Rows of one channel overlap on the input plane; different channels never do.
        if (Environment.ProcessorCount > 1 && g.C > 1 && (long)g.C * g.KH * g.KW * nb * g.P >= ParallelThreshold)
        {
            Parallel.For(0, g.C, c => AccumulateChannel(col, x, g, n0, nb, c));
        }
        else
        {
            for (int c = 0; c < g.C; c++)
            {
                AccumulateChannel(col, x, g, n0, nb, c);
            }
        }
    }

    /// <summary>
    /// The output positions <c>o</c> in <c>[0, count)</c> whose input position <c>o·stride + offset</c> lies in
    /// <c>[0, size)</c>: a contiguous range <c>[lo, hi)</c>.
    /// </summary>
    internal static (int Lo, int Hi) ValidRange(int offset, int stride, int size, int count)
    {
        int lo = offset >= 0 ? 0 : Math.Min(count, (-offset + stride - 1) / stride);
        int last = size - 1 - offset;
        int hi = last < 0 ? 0 : Math.Min(count, (last / stride) + 1);
        return (lo, Math.Max(lo, hi));
    }

    private static void FillRow<T>(T[] x, T[] col, ConvGeometry g, int n0, int nb, int r)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int kw = r % g.KW, t = r / g.KW, kh = t % g.KH, c = t / g.KH;
        int p = g.P, ld = nb * p, hw = g.H * g.W;
        int offW = (kw * g.DW) - g.PW;
        var (lo, hi) = ValidRange(offW, g.SW, g.W, g.OW);
        var row = col.AsSpan(r * ld, ld);
        for (int j = 0; j < nb; j++)
        {
            var plane = new ReadOnlySpan<T>(x, (((n0 + j) * g.C) + c) * hw, hw);
            for (int oh = 0; oh < g.OH; oh++)
            {
                var dst = row.Slice((j * p) + (oh * g.OW), g.OW);
                int ih = (oh * g.SH) - g.PH + (kh * g.DH);
                if ((uint)ih >= (uint)g.H)
                {
                    dst.Clear();
                    continue;
                }

                dst[..lo].Clear();
                dst[hi..].Clear();
                var src = plane.Slice(ih * g.W, g.W);
                if (g.SW == 1)
                {
                    src.Slice(lo + offW, hi - lo).CopyTo(dst[lo..hi]);
                }
                else
                {
                    // [lo, hi) maps into [0, W) by construction; skip the bounds checks of the strided gather.
                    ref T s0 = ref MemoryMarshal.GetReference(src);
                    ref T d0 = ref MemoryMarshal.GetReference(dst);
                    for (int ow = lo, iw = (lo * g.SW) + offW; ow < hi; ow++, iw += g.SW)
                    {
                        Unsafe.Add(ref d0, ow) = Unsafe.Add(ref s0, iw);
                    }
                }
            }
        }
    }

    private static void AccumulateChannel<T>(T[] col, T[] x, ConvGeometry g, int n0, int nb, int c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = g.P, ld = nb * p, hw = g.H * g.W;
        for (int kh = 0; kh < g.KH; kh++)
        {
            for (int kw = 0; kw < g.KW; kw++)
            {
                int r = (((c * g.KH) + kh) * g.KW) + kw;
                int offW = (kw * g.DW) - g.PW;
                var (lo, hi) = ValidRange(offW, g.SW, g.W, g.OW);
                if (hi == lo)
                {
                    continue;
                }

                var row = new ReadOnlySpan<T>(col, r * ld, ld);
                for (int j = 0; j < nb; j++)
                {
                    var plane = x.AsSpan((((n0 + j) * g.C) + c) * hw, hw);
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = (oh * g.SH) - g.PH + (kh * g.DH);
                        if ((uint)ih >= (uint)g.H)
                        {
                            continue;
                        }

                        var src = row.Slice((j * p) + (oh * g.OW), g.OW);
                        var dst = plane.Slice(ih * g.W, g.W);
                        if (g.SW == 1)
                        {
                            var d = dst.Slice(lo + offW, hi - lo);
                            TensorPrimitives.Add(d, src[lo..hi], d);
                        }
                        else
                        {
                            ref T s0 = ref MemoryMarshal.GetReference(src);
                            ref T d0 = ref MemoryMarshal.GetReference(dst);
                            for (int ow = lo, iw = (lo * g.SW) + offW; ow < hi; ow++, iw += g.SW)
                            {
                                Unsafe.Add(ref d0, iw) += Unsafe.Add(ref s0, ow);
                            }
                        }
                    }
                }
            }
        }
    }
}
