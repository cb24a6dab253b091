using System.Numerics;
using System.Numerics.Tensors;

namespace Vae.Core.Kernels;

/// <summary>
/// Direct loops for 2-D pooling over <see cref="PoolGeometry"/> windows (clipped to the input, so padding adds
/// nothing). Two adjoint pairs: a scaled window sum and its spread (average pooling, nearest upsampling), and a
/// gather/scatter at per-window argmax positions (max pooling).
/// </summary>
internal static class Pool2dKernel
{
    /// <summary>y [planes, OH, OW] = scale · (sum of x [planes, H, W] over each window).</summary>
    public static void SumPool<T>(ReadOnlySpan<T> x, Span<T> y, PoolGeometry g, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, p = g.OH * g.OW;
        for (int pl = 0; pl < g.Planes; pl++)
        {
            var src = x.Slice(pl * hw, hw);
            var dst = y.Slice(pl * p, p);
            for (int oh = 0; oh < g.OH; oh++)
            {
                var (h0, h1) = Clip((oh * g.SH) - g.PH, g.KH, g.H);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (w0, w1) = Clip((ow * g.SW) - g.PW, g.KW, g.W);
                    T s = T.Zero;
                    for (int ih = h0; ih < h1; ih++)
                    {
                        s += TensorPrimitives.Sum(src.Slice((ih * g.W) + w0, w1 - w0));
                    }

                    dst[(oh * g.OW) + ow] = s * scale;
                }
            }
        }
    }

    /// <summary>x [planes, H, W] = the adjoint of <see cref="SumPool{T}"/>: every window adds scale · y[window] to the positions it covers.</summary>
    public static void SumPoolAdjoint<T>(ReadOnlySpan<T> y, Span<T> x, PoolGeometry g, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, p = g.OH * g.OW;
        if (g.KH == g.SH && g.KW == g.SW && g.PH == 0 && g.PW == 0)
        {
            SpreadTiles(y, x, g, scale);
            return;
        }

        x[..(g.Planes * hw)].Clear();
        for (int pl = 0; pl < g.Planes; pl++)
        {
            var src = y.Slice(pl * p, p);
            var dst = x.Slice(pl * hw, hw);
            for (int oh = 0; oh < g.OH; oh++)
            {
                var (h0, h1) = Clip((oh * g.SH) - g.PH, g.KH, g.H);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (w0, w1) = Clip((ow * g.SW) - g.PW, g.KW, g.W);
                    T v = src[(oh * g.OW) + ow] * scale;
                    for (int ih = h0; ih < h1; ih++)
                    {
                        var row = dst.Slice((ih * g.W) + w0, w1 - w0);
                        TensorPrimitives.Add(row, v, row);
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="SumPoolAdjoint{T}"/> for non-overlapping windows (kernel = stride, no padding), e.g. nearest
    /// upsampling: each value fills its KH×KW tile; rows and columns no window covers are zero.
    /// </summary>
    private static void SpreadTiles<T>(ReadOnlySpan<T> y, Span<T> x, PoolGeometry g, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, p = g.OH * g.OW, covered = g.OW * g.KW;
        for (int pl = 0; pl < g.Planes; pl++)
        {
            var src = y.Slice(pl * p, p);
            var dst = x.Slice(pl * hw, hw);
            for (int oh = 0; oh < g.OH; oh++)
            {
                var first = dst.Slice(oh * g.KH * g.W, g.W);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    first.Slice(ow * g.KW, g.KW).Fill(src[(oh * g.OW) + ow] * scale);
                }

                first[covered..].Clear();
                for (int r = 1; r < g.KH; r++)
                {
                    first.CopyTo(dst.Slice(((oh * g.KH) + r) * g.W, g.W));
                }
            }

            dst[(g.OH * g.KH * g.W)..].Clear();
        }
    }

    /// <summary>
    /// y [planes, OH, OW] = window maxima of x [planes, H, W]; <paramref name="argmax"/> receives each maximum's
    /// index within its plane (the first one on ties; NaN wins, as in PyTorch).
    /// </summary>
    public static void MaxPool<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> argmax, PoolGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, p = g.OH * g.OW;
        for (int pl = 0; pl < g.Planes; pl++)
        {
            var src = x.Slice(pl * hw, hw);
            for (int oh = 0; oh < g.OH; oh++)
            {
                var (h0, h1) = Clip((oh * g.SH) - g.PH, g.KH, g.H);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (w0, w1) = Clip((ow * g.SW) - g.PW, g.KW, g.W);
                    int best = (h0 * g.W) + w0;
                    T bv = src[best];
                    for (int ih = h0; ih < h1; ih++)
                    {
                        for (int iw = w0; iw < w1; iw++)
                        {
                            T v = src[(ih * g.W) + iw];
                            if (v > bv || (T.IsNaN(v) && !T.IsNaN(bv)))
                            {
                                bv = v;
                                best = (ih * g.W) + iw;
                            }
                        }
                    }

                    int o = (pl * p) + (oh * g.OW) + ow;
                    y[o] = bv;
                    argmax[o] = best;
                }
            }
        }
    }

    /// <summary>x [planes, H, W] = zeros with y [planes, P] added at the positions <paramref name="argmax"/>.</summary>
    public static void Scatter<T>(ReadOnlySpan<T> y, ReadOnlySpan<int> argmax, Span<T> x, int planes, int hw, int p)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        x[..(planes * hw)].Clear();
        for (int pl = 0; pl < planes; pl++)
        {
            var dst = x.Slice(pl * hw, hw);
            for (int i = pl * p, end = i + p; i < end; i++)
            {
                dst[argmax[i]] += y[i];
            }
        }
    }

    /// <summary>y [planes, P] = x [planes, H, W] read at the positions <paramref name="argmax"/>.</summary>
    public static void Gather<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> argmax, Span<T> y, int planes, int hw, int p)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int pl = 0; pl < planes; pl++)
        {
            var src = x.Slice(pl * hw, hw);
            for (int i = pl * p, end = i + p; i < end; i++)
            {
                y[i] = src[argmax[i]];
            }
        }
    }

    /// <summary>The part <c>[lo, hi)</c> of the window <c>[start, start + size)</c> inside <c>[0, limit)</c>.</summary>
    private static (int Lo, int Hi) Clip(int start, int size, int limit) =>
        (Math.Max(start, 0), Math.Max(Math.Max(start, 0), Math.Min(start + size, limit)));
}
