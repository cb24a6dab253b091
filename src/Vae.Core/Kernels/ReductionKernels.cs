using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Vae.Core.Kernels;

/// <summary>
/// Span kernels for reductions over the middle axis of a contiguous <c>[outer, n, inner]</c> view: arg-max/min
/// with values, log-sum-exp and (log-)softmax. <c>inner == 1</c> is a reduction along rows (one vectorised call per
/// row); <c>inner &gt; 1</c> combines whole rows of length <c>inner</c> elementwise (vectorised across columns).
/// </summary>
[SkipLocalsInit]
internal static class ReductionKernels
{
    /// <summary>Stack buffer length for chunked row passes (keeps rows of any length allocation-free).</summary>
    private const int Chunk = 512;

    /// <summary>
    /// values[o, i] = max_j (or min_j) src[o, j, i] and indices[o, i] = the first j attaining it. NaN counts as the
    /// extreme value (the first NaN wins), like PyTorch.
    /// </summary>
    public static void ArgReduce<T>(ReadOnlySpan<T> src, int outer, int n, int inner, Span<T> values, Span<T> indices, bool max)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var row = src.Slice(o * n, n);
                int k = max ? TensorPrimitives.IndexOfMax(row) : TensorPrimitives.IndexOfMin(row);
                values[o] = row[k];
                indices[o] = T.CreateTruncating(k);
            }

            return;
        }

        for (int o = 0; o < outer; o++)
        {
            var best = values.Slice(o * inner, inner);
            var bestIdx = indices.Slice(o * inner, inner);
            int baseIdx = o * n * inner;
            src.Slice(baseIdx, inner).CopyTo(best);
            bestIdx.Clear();
            for (int j = 1; j < n; j++)
            {
                UpdateBest(src.Slice(baseIdx + (j * inner), inner), T.CreateTruncating(j), best, bestIdx, max);
            }
        }
    }

    /// <summary>Where x beats best (strictly, or x is the first NaN), best = x and bestIdx = j.</summary>
    private static void UpdateBest<T>(ReadOnlySpan<T> x, T j, Span<T> best, Span<T> bestIdx, bool max)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var jv = new Vector<T>(j);
            for (; i <= x.Length - w; i += w)
            {
                var xv = new Vector<T>(x.Slice(i));
                var bv = new Vector<T>(best.Slice(i));
                var beats = max ? Vector.GreaterThan(xv, bv) : Vector.LessThan(xv, bv);
                var newNaN = Vector.AndNot(Vector.Equals(bv, bv), Vector.Equals(xv, xv));
                var take = beats | newNaN;
                if (take == Vector<T>.Zero)
                {
                    continue;
                }

                Vector.ConditionalSelect(take, xv, bv).CopyTo(best.Slice(i));
                Vector.ConditionalSelect(take, jv, new Vector<T>(bestIdx.Slice(i))).CopyTo(bestIdx.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            T xi = x[i], bi = best[i];
            if ((max ? xi > bi : xi < bi) || (T.IsNaN(xi) && !T.IsNaN(bi)))
            {
                best[i] = xi;
                bestIdx[i] = j;
            }
        }
    }

    /// <summary>mask[o, idx[o, i], i] = 1 and 0 elsewhere, for a <c>[outer, n, inner]</c> mask (the scatter of arg-max/min).</summary>
    public static void IndexMask<T>(ReadOnlySpan<T> idx, int outer, int n, int inner, Span<T> mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        mask.Clear();
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int j = int.CreateTruncating(idx[(o * inner) + i]);
                mask[(((o * n) + j) * inner) + i] = T.One;
            }
        }
    }

    /// <summary>
    /// dst[o, i] = log Σ_j exp(src[o, j, i]), stably (the maximum is subtracted first). A slice whose maximum is
    /// ±∞ gives that maximum (so all −∞ gives −∞, not NaN); NaN propagates.
    /// </summary>
    public static void LogSumExp<T>(ReadOnlySpan<T> src, int outer, int n, int inner, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var row = src.Slice(o * n, n);
                T m = TensorPrimitives.Max(row);
                dst[o] = T.IsFinite(m) ? m + T.Log(SumExp(row, m)) : m;
            }

            return;
        }

        T[] rented = ArrayPool<T>.Shared.Rent(2 * inner);
        try
        {
            var sum = rented.AsSpan(0, inner);
            var tmp = rented.AsSpan(inner, inner);
            for (int o = 0; o < outer; o++)
            {
                var slab = src.Slice(o * n * inner, n * inner);
                var m = dst.Slice(o * inner, inner);
                ColumnMax(slab, n, inner, m);
                sum.Clear();
                for (int j = 0; j < n; j++)
                {
                    TensorPrimitives.Subtract(slab.Slice(j * inner, inner), m, tmp);
                    TensorPrimitives.Exp(tmp, tmp);
                    TensorPrimitives.Add(sum, tmp, sum);
                }

                TensorPrimitives.Log(sum, sum);
                for (int i = 0; i < inner; i++)
                {
                    if (T.IsFinite(m[i]))
                    {
                        m[i] += sum[i];
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// dst = softmax (or log-softmax when <paramref name="log"/>) of src over the middle axis of <c>[outer, n, inner]</c>,
    /// stably. Slices whose entries are all −∞ give NaN, like PyTorch.
    /// </summary>
    public static void Softmax<T>(ReadOnlySpan<T> src, int outer, int n, int inner, Span<T> dst, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var row = src.Slice(o * n, n);
                var y = dst.Slice(o * n, n);
                T m = TensorPrimitives.Max(row);
                TensorPrimitives.Subtract(row, m, y);
                if (log)
                {
                    TensorPrimitives.Subtract(y, T.Log(SumExp(y, T.Zero)), y);
                }
                else
                {
                    TensorPrimitives.Exp(y, y);
                    TensorPrimitives.Divide(y, TensorPrimitives.Sum<T>(y), y);
                }
            }

            return;
        }

        T[] rented = ArrayPool<T>.Shared.Rent(3 * inner);
        try
        {
            var m = rented.AsSpan(0, inner);
            var sum = rented.AsSpan(inner, inner);
            var tmp = rented.AsSpan(2 * inner, inner);
            for (int o = 0; o < outer; o++)
            {
                var slab = src.Slice(o * n * inner, n * inner);
                var y = dst.Slice(o * n * inner, n * inner);
                ColumnMax(slab, n, inner, m);
                sum.Clear();
                for (int j = 0; j < n; j++)
                {
                    var yj = y.Slice(j * inner, inner);
                    TensorPrimitives.Subtract(slab.Slice(j * inner, inner), m, yj);
                    if (log)
                    {
                        TensorPrimitives.Exp(yj, tmp);
                        TensorPrimitives.Add(sum, tmp, sum);
                    }
                    else
                    {
                        TensorPrimitives.Exp(yj, yj);
                        TensorPrimitives.Add(sum, yj, sum);
                    }
                }

                if (log)
                {
                    TensorPrimitives.Log(sum, sum);
                }

                for (int j = 0; j < n; j++)
                {
                    var yj = y.Slice(j * inner, inner);
                    if (log)
                    {
                        TensorPrimitives.Subtract(yj, sum, yj);
                    }
                    else
                    {
                        TensorPrimitives.Divide(yj, sum, yj);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>Σ exp(x − shift), in stack-buffered chunks.</summary>
    private static T SumExp<T>(ReadOnlySpan<T> x, T shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> buf = stackalloc T[Math.Min(Chunk, x.Length)];
        T s = T.Zero;
        for (int start = 0; start < x.Length; start += Chunk)
        {
            int len = Math.Min(Chunk, x.Length - start);
            var b = buf.Slice(0, len);
            TensorPrimitives.Subtract(x.Slice(start, len), shift, b);
            TensorPrimitives.Exp(b, b);
            s += TensorPrimitives.Sum<T>(b);
        }

        return s;
    }

    /// <summary>m[i] = max_j slab[j, i] for a contiguous <c>[n, inner]</c> slab (NaN propagates).</summary>
    private static void ColumnMax<T>(ReadOnlySpan<T> slab, int n, int inner, Span<T> m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        slab.Slice(0, inner).CopyTo(m);
        for (int j = 1; j < n; j++)
        {
            TensorPrimitives.Max(m, slab.Slice(j * inner, inner), m);
        }
    }

    /// <summary>d = 1 where x == y, else 0 (for tie masks of max/min gradients).</summary>
    internal readonly struct EqualMaskOp : IBinaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = x[i] == y[i] ? T.One : T.Zero;
            }
        }

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = x[i] == y ? T.One : T.Zero;
            }
        }

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = x == y[i] ? T.One : T.Zero;
            }
        }
    }
}
