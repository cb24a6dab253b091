using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vae.Core.Kernels;

/// <summary>
/// Direct (unlowered) stride-1 convolution for layers with very few channels on one side, such as a decoder's last
/// 16 → 1 layer: there the im2col GEMM degenerates into a matrix-vector product over a column matrix KH·KW times the
/// size of the input. Here each output row is computed in registers, vectorised along the row: per (output channel,
/// output row, 2W-column block) the sum over (input channel, kh, kw) of a broadcast weight times a vector load from the
/// zero-padded input plane. All three products of <see cref="Conv2dKernel"/> reduce to that row correlation:
/// the forward directly, the transposed convolution as a correlation of the padded output gradient with the flipped,
/// transposed kernel, and the weight gradient as per-tap dot products of padded rows.
/// </summary>
/// <remarks>
/// Padded planes have vector slack at their end: vector loads may run past a row (into the next row or the slack); the
/// lanes this affects are either discarded (forward, data gradient) or multiplied by zero lanes (weight gradient; a
/// sample with non-finite inputs takes exact per-row dot products there, since 0·Inf would be NaN).
/// Samples are processed in chunks drawn by <see cref="ParallelWork.For"/>.
/// </remarks>
internal static unsafe partial class DirectConv
{
    /// <summary>Whether this path handles the geometry (stride 1, no dilation or groups, padding below the kernel size, ≤ 2 channels on a side, rows at least half a vector wide).</summary>
    public static bool Supports<T>(ConvGeometry g)
        where T : unmanaged
    {
        int lanes = Gemm.BestPath switch
        {
            GemmPath.Vector512 => Vector512<T>.Count,
            GemmPath.Vector256 => Vector256<T>.Count,
            GemmPath.Vector128 => Vector128<T>.Count,
            _ => 0,
        };
        return lanes > 0 && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.Groups == 1 &&
            g.PH < g.KH && g.PW < g.KW && Math.Min(g.O, g.C) <= 2 && 2 * Math.Min(g.OW, g.W) >= lanes;
    }

    /// <summary>y [N, O, OH, OW] = conv(x [N, C, H, W], w [O, C, KH, KW]) + bias [O].</summary>
    public static void Forward<T>(T[] x, T[] w, T[]? bias, T[] y, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (Gemm.BestPath)
        {
            case GemmPath.Vector512:
                Forward<Vec512<T>, Vector512<T>, T>(x, w, bias, y, g);
                break;
            case GemmPath.Vector256:
                Forward<Vec256<T>, Vector256<T>, T>(x, w, bias, y, g);
                break;
            default:
                Forward<Vec128<T>, Vector128<T>, T>(x, w, bias, y, g);
                break;
        }
    }

    /// <summary>x [N, C, H, W] = convᵀ(y [N, O, OH, OW], w [O, C, KH, KW]) + bias [C].</summary>
    public static void BackwardData<T>(T[] y, T[] w, T[]? bias, T[] x, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (Gemm.BestPath)
        {
            case GemmPath.Vector512:
                BackwardData<Vec512<T>, Vector512<T>, T>(y, w, bias, x, g);
                break;
            case GemmPath.Vector256:
                BackwardData<Vec256<T>, Vector256<T>, T>(y, w, bias, x, g);
                break;
            default:
                BackwardData<Vec128<T>, Vector128<T>, T>(y, w, bias, x, g);
                break;
        }
    }

    /// <summary>dw [O, C, KH, KW] = Σ over samples and output pixels of y [N, O, OH, OW] times the matching x [N, C, H, W] window.</summary>
    public static void BackwardWeight<T>(T[] x, T[] y, T[] dw, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (Gemm.BestPath)
        {
            case GemmPath.Vector512:
                BackwardWeight<Vec512<T>, Vector512<T>, T>(x, y, dw, g);
                break;
            case GemmPath.Vector256:
                BackwardWeight<Vec256<T>, Vector256<T>, T>(x, y, dw, g);
                break;
            default:
                BackwardWeight<Vec128<T>, Vector128<T>, T>(x, y, dw, g);
                break;
        }
    }

    private static void Forward<TVec, TV, T>(T[] x, T[] w, T[]? bias, T[] y, ConvGeometry g)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = TVec.Count, hp = g.H + (2 * g.PH), wp = g.W + (2 * g.PW), plane = hp * wp, hw = g.H * g.W, p = g.P;
        int slack = SlackLength(g.KH, wp, v);
        ForChunks(g, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int n0, int n1) =>
        {
            var pad = ArrayPool<T>.Shared.Rent((g.C * plane) + slack);
            var wide = ArrayPool<T>.Shared.Rent(WideLength(g.OH, wp, v));
            try
            {
                fixed (T* pp = pad, pk = w, pb = bias, py = y, pw = wide)
                {
                    for (int n = n0; n < n1; n++)
                    {
                        PadPlanes(x.AsSpan(n * g.C * hw, g.C * hw), pad, g.C, g.H, g.W, g.PH, g.PW, hp, wp, slack);
                        Correlate<TVec, TV, T>(pp, g.C, wp, plane, pk, g.O, g.KH, g.KW, py + ((nint)n * g.O * p), g.OH, g.OW, pb, pw);
                    }
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(pad);
                ArrayPool<T>.Shared.Return(wide);
            }
        });
    }

    private static void BackwardData<TVec, TV, T>(T[] y, T[] w, T[]? bias, T[] x, ConvGeometry g)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // dx[c, i, j] = Σ_(o, r, s) w[o, c, KH−1−r, KW−1−s] · yp[o, i + r, j + s], with y padded by (K − 1 − pad) on top/left.
        int v = TVec.Count, th = g.KH - 1 - g.PH, tw = g.KW - 1 - g.PW;
        int hd = g.H + g.KH - 1, wd = g.W + g.KW - 1, plane = hd * wd, hw = g.H * g.W, p = g.P, taps = g.KH * g.KW;
        int slack = SlackLength(g.KH, wd, v);
        var flipped = ArrayPool<T>.Shared.Rent(g.C * g.O * taps);
        for (int o = 0; o < g.O; o++)
        {
            for (int c = 0; c < g.C; c++)
            {
                for (int t = 0; t < taps; t++)
                {
                    flipped[(((c * g.O) + o) * taps) + t] = w[(((o * g.C) + c) * taps) + (taps - 1 - t)];
                }
            }
        }

        try
        {
            ForChunks(g, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int n0, int n1) =>
            {
                var pad = ArrayPool<T>.Shared.Rent((g.O * plane) + slack);
                var wide = ArrayPool<T>.Shared.Rent(WideLength(g.H, wd, v));
                try
                {
                    fixed (T* pp = pad, pf = flipped, pb = bias, px = x, pw = wide)
                    {
                        for (int n = n0; n < n1; n++)
                        {
                            PadPlanes(y.AsSpan(n * g.O * p, g.O * p), pad, g.O, g.OH, g.OW, th, tw, hd, wd, slack);
                            Correlate<TVec, TV, T>(pp, g.O, wd, plane, pf, g.C, g.KH, g.KW, px + ((nint)n * g.C * hw), g.H, g.W, pb, pw);
                        }
                    }
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(pad);
                    ArrayPool<T>.Shared.Return(wide);
                }
            });
        }
        finally
        {
            ArrayPool<T>.Shared.Return(flipped);
        }
    }

    private static void BackwardWeight<TVec, TV, T>(T[] x, T[] y, T[] dw, ConvGeometry g)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // dw[o, c, r, s] = Σ_n dot(yw[n, o], xp[n, c] shifted by r·wp + s), where yw is y with rows of stride wp (zero past OW).
        int v = TVec.Count, hp = g.H + (2 * g.PH), wp = g.W + (2 * g.PW), plane = hp * wp, hw = g.H * g.W, p = g.P;
        int slack = SlackLength(g.KH, wp, v), size = g.O * g.C * g.KH * g.KW, len = g.OH * wp;
        int chunks = Chunks(g);

        // Partial sums per chunk: [chunks, O·C·KH·KW].
        var partial = ArrayPool<T>.Shared.Rent(chunks * size);
        try
        {
            partial.AsSpan(0, chunks * size).Clear();
            ParallelChunks(g, chunks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int i, int n0, int n1) =>
            {
                var pad = ArrayPool<T>.Shared.Rent((g.C * plane) + slack);
                var rows = ArrayPool<T>.Shared.Rent(g.O * len);
                var lanes = ArrayPool<T>.Shared.Rent(size * v);   // per-tap vector partial sums of this chunk
                var acc = partial.AsSpan(i * size, size);
                lanes.AsSpan(0, size * v).Clear();
                try
                {
                    for (int n = n0; n < n1; n++)
                    {
                        var xs = x.AsSpan(n * g.C * hw, g.C * hw);
                        PadPlanes(xs, pad, g.C, g.H, g.W, g.PH, g.PW, hp, wp, slack);
                        PadPlanes(y.AsSpan(n * g.O * p, g.O * p), rows, g.O, g.OH, g.OW, 0, 0, g.OH, wp, 0);
                        if (!T.IsFinite(TensorPrimitives.Sum<T>(xs)))
                        {
                            // ±Inf or NaN in this sample: the flat dot products below would multiply the zero lanes past
                            // each output row by x values that this tap never meets (0·Inf = NaN). Row by row instead.
                            ExactRows(pad, rows, acc, g, wp, plane, len);
                            continue;
                        }

                        fixed (T* py = rows, px = pad, pl = lanes, pa = acc)
                        {
                            for (int o = 0, e = 0; o < g.O; o++)
                            {
                                for (int c = 0; c < g.C; c++)
                                {
                                    for (int r = 0; r < g.KH; r++, e += g.KW)
                                    {
                                        TapRow<TVec, TV, T>(py + ((nint)o * len), px + ((nint)c * plane) + ((nint)r * wp), len, g.KW, pl + ((nint)e * v), pa + e);
                                    }
                                }
                            }
                        }
                    }

                    for (int e = 0; e < size; e++)
                    {
                        T t = T.Zero;
                        for (int l = 0; l < v; l++)
                        {
                            t += lanes[(e * v) + l];
                        }

                        acc[e] += t;
                    }
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(pad);
                    ArrayPool<T>.Shared.Return(rows);
                    ArrayPool<T>.Shared.Return(lanes);
                }
            });

            var sum = dw.AsSpan(0, size);
            partial.AsSpan(0, size).CopyTo(sum);
            for (int i = 1; i < chunks; i++)
            {
                TensorPrimitives.Add(sum, partial.AsSpan(i * size, size), sum);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(partial);
        }
    }

    /// <summary>
    /// dst [co, ho, wo] = bias[co] (or 0) + Σ_(c, r, s) k[co, c, r, s] · src[c, i + r, j + s], for src planes of row
    /// stride <paramref name="ws"/> and plane stride <paramref name="planeS"/> (with slack after the last plane).
    /// Computed on the flat, row-stride-<paramref name="ws"/> output (its columns past <paramref name="wo"/> are
    /// discarded) in blocks of 8 vectors, each the sum over (c, r, s) of a broadcast weight times the source shifted by
    /// <c>r·ws + s</c>; <paramref name="wide"/> (≥ ho·ws rounded up to 8 vectors, plus slack for the vector-wide row copies)
/// holds one output channel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correlate<TVec, TV, T>(
        T* src, int ci, int ws, int planeS, T* k, int co, int kh, int kw, T* dst, int ho, int wo, T* bias, T* wide)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = TVec.Count, taps = kh * kw, len = ho * ws;
        for (int o = 0; o < co; o++)
        {
            var b0 = TVec.Splat(bias is null ? T.Zero : bias[o]);
            T* ko = k + ((nint)o * ci * taps);
            for (int e = 0; e < len; e += 8 * v)
            {
                TV a0 = b0, a1 = b0, a2 = b0, a3 = b0, a4 = b0, a5 = b0, a6 = b0, a7 = b0;
                for (int c = 0; c < ci; c++)
                {
                    T* kc = ko + (c * taps);
                    T* sc = src + ((nint)c * planeS) + e;
                    for (int r = 0; r < kh; r++)
                    {
                        T* sr = sc + ((nint)r * ws);
                        T* kr = kc + (r * kw);
                        for (int s = 0; s < kw; s++)
                        {
                            var wv = TVec.Splat(kr[s]);
                            T* q = sr + s;
                            a0 = TVec.MulAdd(TVec.Load(q), wv, a0);
                            a1 = TVec.MulAdd(TVec.Load(q + v), wv, a1);
                            a2 = TVec.MulAdd(TVec.Load(q + (2 * v)), wv, a2);
                            a3 = TVec.MulAdd(TVec.Load(q + (3 * v)), wv, a3);
                            a4 = TVec.MulAdd(TVec.Load(q + (4 * v)), wv, a4);
                            a5 = TVec.MulAdd(TVec.Load(q + (5 * v)), wv, a5);
                            a6 = TVec.MulAdd(TVec.Load(q + (6 * v)), wv, a6);
                            a7 = TVec.MulAdd(TVec.Load(q + (7 * v)), wv, a7);
                        }
                    }
                }

                T* d = wide + e;
                TVec.Store(d, a0);
                TVec.Store(d + v, a1);
                TVec.Store(d + (2 * v), a2);
                TVec.Store(d + (3 * v), a3);
                TVec.Store(d + (4 * v), a4);
                TVec.Store(d + (5 * v), a5);
                TVec.Store(d + (6 * v), a6);
                TVec.Store(d + (7 * v), a7);
            }

            // Rows in whole vectors (writing past a row into the next, which is written after it), except the very
            // last row of dst, which may be followed by another thread's sample.
            T* dO = dst + ((nint)o * ho * wo);
            int bytes = wo * sizeof(T);
            for (int i = 0; i < ho; i++)
            {
                if (o == co - 1 && i == ho - 1)
                {
                    new ReadOnlySpan<T>(wide + ((nint)i * ws), wo).CopyTo(new Span<T>(dO + ((nint)i * wo), wo));
                }
                else
                {
                    Im2Col.CopyWide(ref *(byte*)(dO + ((nint)i * wo)), ref *(byte*)(wide + ((nint)i * ws)), bytes);
                }
            }
        }
    }

    /// <summary>Elements of the wide output buffer of <see cref="Correlate"/>.</summary>
    private static int WideLength(int ho, int ws, int v) => (((ho * ws) + (8 * v) - 1) / (8 * v) * (8 * v)) + Im2Col.Slack;

    /// <summary>Zeros after the padded planes, for the vector reads of <see cref="Correlate"/> past their end.</summary>
    private static int SlackLength(int kh, int ws, int v) => ((kh + 1) * ws) + (8 * v);

    /// <summary>
    /// planes [count, h, w] → dst [count, hp, wp] with each plane at row offset <paramref name="top"/> and column offset
    /// <paramref name="left"/>, zeros elsewhere, then <paramref name="slack"/> zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PadPlanes<T>(ReadOnlySpan<T> planes, Span<T> dst, int count, int h, int w, int top, int left, int hp, int wp, int slack)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = hp * wp;
        dst[..((count * plane) + slack)].Clear();
        int rowsIn = Math.Min(h, hp - top), cols = Math.Min(w, wp - left);
        for (int c = 0; c < count; c++)
        {
            for (int i = 0; i < rowsIn; i++)
            {
                planes.Slice(((c * h) + i) * w, cols).CopyTo(dst.Slice((c * plane) + ((i + top) * wp) + left, cols));
            }
        }
    }

    /// <summary>Chunks of samples: a few per worker when the work is worth spreading, else one.</summary>
    private static int Chunks(ConvGeometry g)
    {
        long work = (long)g.N * g.O * g.C * g.KH * g.KW * g.OH * g.OW;
        int threads = ParallelWork.ThreadsFor(work, Gemm.ParallelWorkPerThread);
        return threads <= 1 ? 1 : Math.Min(g.N, 4 * threads);
    }

    private static void ForChunks(ConvGeometry g, Action<int, int> body) => ParallelChunks(g, Chunks(g), (_, n0, n1) => body(n0, n1));

    private static void ParallelChunks(ConvGeometry g, int chunks, Action<int, int, int> body)
    {
        if (chunks <= 1)
        {
            body(0, 0, g.N);
            return;
        }

        ParallelWork.For(chunks, i => body(i, (int)((long)g.N * i / chunks), (int)((long)g.N * (i + 1) / chunks)));
    }
}
