using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Vae.Core.Kernels;

/// <summary>
/// The three products of a 2-D convolution, each lowered with <see cref="Im2Col"/> to one large
/// <c>Gemm.Run</c> per group and chunk of samples (the column matrix spans many samples, so the GEMMs are
/// wide rather than numerous):
/// <list type="bullet">
/// <item><see cref="Forward{T}"/>: y = conv(x, w) + b, per group <c>Y[Og, nb·P] = W[Og, K] · col(x)[K, nb·P]</c>.</item>
/// <item><see cref="BackwardData{T}"/> (transposed convolution): x = convᵀ(y, w) + b, <c>col = Wᵀ · Y</c>, then col2im.</item>
/// <item><see cref="BackwardWeight{T}"/>: dw = Σₙ y ⋆ x, <c>dW[Og, K] = Y[Og, nb·P] · col(x)ᵀ</c>, accumulated over chunks.</item>
/// </list>
/// Scratch buffers come from <see cref="ArrayPool{T}"/> and are reused across chunks.
/// </summary>
internal static class Conv2dKernel
{
    /// <summary>Upper bound on the column-matrix entries of one chunk of samples (at least one sample per chunk).</summary>
    private const long ColumnBudget = 1 << 21;

    /// <summary>Test hook: when positive, the number of samples per chunk on this thread (instead of the budget's choice).</summary>
    [ThreadStatic]
    internal static int ChunkSizeOverride;

    /// <summary>y [N, O, OH, OW] = conv(x [N, C, H, W], w [O, C/G, KH, KW]) + bias [O].</summary>
    public static void Forward<T>(T[] x, T[] w, T[]? bias, T[] y, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nb = ChunkSize(g), p = g.P, og = g.Og, k = g.K;
        var col = ArrayPool<T>.Shared.Rent(Math.Max(1, g.C * g.KH * g.KW * nb * p));
        var tmp = nb > 1 ? ArrayPool<T>.Shared.Rent(g.O * nb * p) : null;
        try
        {
            for (int n0 = 0; n0 < g.N; n0 += nb)
            {
                int cnt = Math.Min(nb, g.N - n0), ld = cnt * p;
                Im2Col.Fill(x, col, g, n0, cnt);

                // With one sample the product [O, P] is already in the output layout.
                var dst = cnt == 1 ? y.AsSpan(n0 * g.O * p, g.O * p) : tmp.AsSpan(0, g.O * ld);
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    Gemm.Run<T>(false, false, og, ld, k, w.AsSpan(grp * og * k), k, col.AsSpan(grp * k * ld), ld, dst[(grp * og * ld)..], ld, false);
                }

                if (cnt == 1)
                {
                    if (bias is not null)
                    {
                        for (int o = 0; o < g.O; o++)
                        {
                            var yo = dst.Slice(o * p, p);
                            TensorPrimitives.Add(yo, bias[o], yo);
                        }
                    }

                    continue;
                }

                // [O, cnt·P] → [cnt, O, P], adding the bias on the way.
                for (int j = 0; j < cnt; j++)
                {
                    for (int o = 0; o < g.O; o++)
                    {
                        var src = dst.Slice((o * ld) + (j * p), p);
                        var yo = y.AsSpan((((n0 + j) * g.O) + o) * p, p);
                        if (bias is null)
                        {
                            src.CopyTo(yo);
                        }
                        else
                        {
                            TensorPrimitives.Add(src, bias[o], yo);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(col);
            if (tmp is not null)
            {
                ArrayPool<T>.Shared.Return(tmp);
            }
        }
    }

    /// <summary>x [N, C, H, W] = convᵀ(y [N, O, OH, OW], w [O, C/G, KH, KW]) + bias [C] (the adjoint of <see cref="Forward{T}"/> in x).</summary>
    public static void BackwardData<T>(T[] y, T[] w, T[]? bias, T[] x, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W;
        if (bias is null)
        {
            x.AsSpan(0, g.N * g.C * hw).Clear();
        }
        else
        {
            for (int n = 0; n < g.N; n++)
            {
                for (int c = 0; c < g.C; c++)
                {
                    x.AsSpan(((n * g.C) + c) * hw, hw).Fill(bias[c]);
                }
            }
        }

        int nb = ChunkSize(g), p = g.P, og = g.Og, k = g.K;
        var col = ArrayPool<T>.Shared.Rent(Math.Max(1, g.C * g.KH * g.KW * nb * p));
        var yp = nb > 1 ? ArrayPool<T>.Shared.Rent(g.O * nb * p) : null;
        try
        {
            for (int n0 = 0; n0 < g.N; n0 += nb)
            {
                int cnt = Math.Min(nb, g.N - n0), ld = cnt * p;
                ReadOnlySpan<T> src = cnt == 1 ? y.AsSpan(n0 * g.O * p, g.O * p) : Gather(y, yp!, g, n0, cnt);
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    Gemm.Run<T>(true, false, k, ld, og, w.AsSpan(grp * og * k), k, src[(grp * og * ld)..], ld, col.AsSpan(grp * k * ld), ld, false);
                }

                Im2Col.Accumulate(col, x, g, n0, cnt);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(col);
            if (yp is not null)
            {
                ArrayPool<T>.Shared.Return(yp);
            }
        }
    }

    /// <summary>dw [O, C/G, KH, KW] = the gradient of ⟨y, conv(x, w)⟩ with respect to w, for x [N, C, H, W] and y [N, O, OH, OW].</summary>
    public static void BackwardWeight<T>(T[] x, T[] y, T[] dw, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = g.P, og = g.Og, k = g.K;
        if (g.N == 0)
        {
            dw.AsSpan(0, g.O * k).Clear();
            return;
        }

        int nb = ChunkSize(g);
        var col = ArrayPool<T>.Shared.Rent(Math.Max(1, g.C * g.KH * g.KW * nb * p));
        var yp = nb > 1 ? ArrayPool<T>.Shared.Rent(g.O * nb * p) : null;
        try
        {
            for (int n0 = 0; n0 < g.N; n0 += nb)
            {
                int cnt = Math.Min(nb, g.N - n0), ld = cnt * p;
                Im2Col.Fill(x, col, g, n0, cnt);
                ReadOnlySpan<T> src = cnt == 1 ? y.AsSpan(n0 * g.O * p, g.O * p) : Gather(y, yp!, g, n0, cnt);
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    Gemm.Run<T>(false, true, og, k, ld, src[(grp * og * ld)..], ld, col.AsSpan(grp * k * ld), ld, dw.AsSpan(grp * og * k), k, n0 > 0);
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(col);
            if (yp is not null)
            {
                ArrayPool<T>.Shared.Return(yp);
            }
        }
    }

    /// <summary>sums [C] += x [N, C, HW] summed over N and HW.</summary>
    public static void ChannelSum<T>(ReadOnlySpan<T> x, Span<T> sums, int n, int c, int hw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < c; j++)
            {
                sums[j] += TensorPrimitives.Sum(x.Slice(((i * c) + j) * hw, hw));
            }
        }
    }

    /// <summary>Samples per chunk, so that one chunk's column matrix stays within <see cref="ColumnBudget"/>.</summary>
    private static int ChunkSize(ConvGeometry g)
    {
        if (ChunkSizeOverride > 0)
        {
            return Math.Clamp(ChunkSizeOverride, 1, Math.Max(1, g.N));
        }

        long perSample = Math.Max(1L, (long)g.C * g.KH * g.KW * g.P);
        return (int)Math.Clamp(ColumnBudget / perSample, 1, Math.Max(1, g.N));
    }

    /// <summary>Copies samples <c>n0 .. n0+cnt</c> of y [N, O, P] into <paramref name="dst"/> as [O, cnt·P].</summary>
    private static ReadOnlySpan<T> Gather<T>(T[] y, T[] dst, ConvGeometry g, int n0, int cnt)
    {
        int p = g.P, ld = cnt * p;
        for (int j = 0; j < cnt; j++)
        {
            for (int o = 0; o < g.O; o++)
            {
                new ReadOnlySpan<T>(y, (((n0 + j) * g.O) + o) * p, p).CopyTo(dst.AsSpan((o * ld) + (j * p), p));
            }
        }

        return new ReadOnlySpan<T>(dst, 0, g.O * ld);
    }
}
