using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Vae.Core.Kernels;

/// <summary>The weight-gradient helpers of <see cref="DirectConv"/>: multi-tap row products and the exact per-row path.</summary>
internal static unsafe partial class DirectConv
{
    /// <summary>
    /// For taps s &lt; <paramref name="kw"/>: the vector partial sums <c>lanes[s] += y[e..e+v) · x[s + e..s + e + v)</c> over the
    /// whole vectors of <paramref name="len"/>, and <c>acc[s] += Σ y[e]·x[s + e]</c> over the remainder. Up to eight taps
    /// share one load of y (one load per multiply-add instead of two for separate dot products).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TapRow<TVec, TV, T>(T* y, T* x, int len, int kw, T* lanes, T* acc)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = TVec.Count, lenV = len - (len % v);
        for (int s0 = 0; s0 < kw; s0 += 8)
        {
            int nt = Math.Min(8, kw - s0);
            T* q0 = x + s0;
            T* la = lanes + ((nint)s0 * v);
            TV a0 = TVec.Load(la), a1 = nt > 1 ? TVec.Load(la + v) : TVec.Zero, a2 = nt > 2 ? TVec.Load(la + (2 * v)) : TVec.Zero;
            TV a3 = nt > 3 ? TVec.Load(la + (3 * v)) : TVec.Zero, a4 = nt > 4 ? TVec.Load(la + (4 * v)) : TVec.Zero;
            TV a5 = nt > 5 ? TVec.Load(la + (5 * v)) : TVec.Zero, a6 = nt > 6 ? TVec.Load(la + (6 * v)) : TVec.Zero;
            TV a7 = nt > 7 ? TVec.Load(la + (7 * v)) : TVec.Zero;
            for (int e = 0; e < lenV; e += v)
            {
                TV yv = TVec.Load(y + e);
                T* q = q0 + e;
                a0 = TVec.MulAdd(TVec.Load(q), yv, a0);
                if (nt > 1)
                {
                    a1 = TVec.MulAdd(TVec.Load(q + 1), yv, a1);
                }

                if (nt > 2)
                {
                    a2 = TVec.MulAdd(TVec.Load(q + 2), yv, a2);
                }

                if (nt > 3)
                {
                    a3 = TVec.MulAdd(TVec.Load(q + 3), yv, a3);
                }

                if (nt > 4)
                {
                    a4 = TVec.MulAdd(TVec.Load(q + 4), yv, a4);
                }

                if (nt > 5)
                {
                    a5 = TVec.MulAdd(TVec.Load(q + 5), yv, a5);
                }

                if (nt > 6)
                {
                    a6 = TVec.MulAdd(TVec.Load(q + 6), yv, a6);
                }

                if (nt > 7)
                {
                    a7 = TVec.MulAdd(TVec.Load(q + 7), yv, a7);
                }
            }

            TVec.Store(la, a0);
            StoreIf<TVec, TV, T>(nt > 1, la + v, a1);
            StoreIf<TVec, TV, T>(nt > 2, la + (2 * v), a2);
            StoreIf<TVec, TV, T>(nt > 3, la + (3 * v), a3);
            StoreIf<TVec, TV, T>(nt > 4, la + (4 * v), a4);
            StoreIf<TVec, TV, T>(nt > 5, la + (5 * v), a5);
            StoreIf<TVec, TV, T>(nt > 6, la + (6 * v), a6);
            StoreIf<TVec, TV, T>(nt > 7, la + (7 * v), a7);
            for (int t = 0; t < nt; t++)
            {
                T sum = T.Zero;
                for (int e = lenV; e < len; e++)
                {
                    sum += y[e] * q0[t + e];
                }

                acc[s0 + t] += sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreIf<TVec, TV, T>(bool store, T* p, TV v)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (store)
        {
            TVec.Store(p, v);
        }
    }

    /// <summary>
    /// acc [O, C, KH, KW] += the weight gradient of one sample from its padded input planes (row stride
    /// <paramref name="wp"/>) and output-gradient rows (stride <paramref name="wp"/>, <paramref name="len"/> per channel),
    /// with dot products over the OW real columns of each output row only.
    /// </summary>
    private static void ExactRows<T>(T[] pad, T[] rows, Span<T> acc, ConvGeometry g, int wp, int plane, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0, e = 0; o < g.O; o++)
        {
            for (int c = 0; c < g.C; c++)
            {
                for (int r = 0; r < g.KH; r++)
                {
                    for (int s = 0; s < g.KW; s++, e++)
                    {
                        T sum = T.Zero;
                        for (int i = 0; i < g.OH; i++)
                        {
                            sum += TensorPrimitives.Dot(
                                new ReadOnlySpan<T>(rows, (o * len) + (i * wp), g.OW),
                                new ReadOnlySpan<T>(pad, (c * plane) + ((r + i) * wp) + s, g.OW));
                        }

                        acc[e] += sum;
                    }
                }
            }
        }
    }
}
