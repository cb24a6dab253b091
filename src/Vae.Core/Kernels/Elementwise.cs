using System.Numerics;

namespace Vae.Core.Kernels;

/// <summary>Drivers that run span kernels over whole tensors, handling dtype dispatch and NumPy broadcasting.</summary>
internal static class Elementwise
{
    /// <summary>
    /// Minimum elements per worker thread of the elementwise drivers: below twice this a tensor is processed on the
    /// calling thread alone (measured on the canonical VAE's shapes; see benchmarks/Vae.Benchmarks par-quick).
    /// </summary>
    internal static int ParallelMinPerThread { get; set; } = 16 * 1024;

    /// <summary>
    /// <see cref="ParallelMinPerThread"/> for ops whose elements cost a transcendental function (exp, log, tanh,
    /// sigmoid, the fused losses): these pay for the split from 8K elements per thread (par-quick --sweep).
    /// </summary>
    internal static int ExpensiveMinPerThread { get; set; } = 8 * 1024;

    /// <summary>Smallest part (elements) that the drivers cut a tensor into when it is split over threads.</summary>
    internal const int MinPart = 4 * 1024;

    /// <summary>
    /// Parts to split <paramref name="numel"/> elements into: 1 below the threshold, else a few per thread (see
    /// <see cref="ParallelWork.PartsFor"/>).
    /// </summary>
    internal static int PartsFor(long numel, bool expensive = false) =>
        ParallelWork.PartsFor(numel, ParallelWork.ThreadsFor(numel, expensive ? ExpensiveMinPerThread : ParallelMinPerThread), MinPart);

    /// <summary>Inner split points are multiples of this many elements (one 64-byte cache line of float32).</summary>
    internal const int SplitAlign = 16;

    /// <summary>y = f(x) elementwise into a new tensor.</summary>
    public static Tensor Unary<TOp>(Tensor x)
        where TOp : IUnaryOp
    {
        var y = Tensor.Empty(x.Shape, x.DType);
        int parts = PartsFor(y.Numel, TOp.Expensive);
        if (parts > 1)
        {
            ParallelWork.For(parts, t =>
            {
                var (s, e) = ParallelWork.Range(y.Numel, parts, t, SplitAlign);
                UnaryRange<TOp>(x, y, s, e);
            });
        }
        else
        {
            UnaryRange<TOp>(x, y, 0, y.Numel);
        }

        return y;
    }

    private static void UnaryRange<TOp>(Tensor x, Tensor y, int start, int end)
        where TOp : IUnaryOp
    {
        if (x.DType == DType.Float32)
        {
            TOp.Apply<float>(x.Span<float>()[start..end], y.Span<float>()[start..end]);
        }
        else
        {
            TOp.Apply<double>(x.Span<double>()[start..end], y.Span<double>()[start..end]);
        }
    }

    /// <summary>d = f(a, b) elementwise with broadcasting into a new tensor.</summary>
    public static Tensor Binary<TOp>(Tensor a, Tensor b, string opName)
        where TOp : IBinaryOp
    {
        Tensor.CheckSameDType(a, b, opName);
        Shape shape;
        try
        {
            shape = Shape.Broadcast(a.Shape, b.Shape);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{opName}: {e.Message}", e);
        }

        var d = Tensor.Empty(shape, a.DType);
        if (a.DType == DType.Float32)
        {
            Binary<float, TOp>(a, b, d);
        }
        else
        {
            Binary<double, TOp>(a, b, d);
        }

        return d;
    }

    /// <summary>d = f(a, s) elementwise with a scalar into a new tensor.</summary>
    public static Tensor BinaryScalar<TOp>(Tensor a, double s)
        where TOp : IBinaryOp
    {
        var d = Tensor.Empty(a.Shape, a.DType);
        int parts = PartsFor(d.Numel, TOp.Expensive);
        if (parts > 1)
        {
            ParallelWork.For(parts, t =>
            {
                var (s0, e0) = ParallelWork.Range(d.Numel, parts, t, SplitAlign);
                ScalarRange<TOp>(a, s, d, s0, e0, scalarLeft: false);
            });
        }
        else
        {
            ScalarRange<TOp>(a, s, d, 0, d.Numel, scalarLeft: false);
        }

        return d;
    }

    /// <summary>d = f(s, a) elementwise with a scalar on the left into a new tensor.</summary>
    public static Tensor ScalarBinary<TOp>(double s, Tensor a)
        where TOp : IBinaryOp
    {
        var d = Tensor.Empty(a.Shape, a.DType);
        int parts = PartsFor(d.Numel, TOp.Expensive);
        if (parts > 1)
        {
            ParallelWork.For(parts, t =>
            {
                var (s0, e0) = ParallelWork.Range(d.Numel, parts, t, SplitAlign);
                ScalarRange<TOp>(a, s, d, s0, e0, scalarLeft: true);
            });
        }
        else
        {
            ScalarRange<TOp>(a, s, d, 0, d.Numel, scalarLeft: true);
        }

        return d;
    }

    private static void ScalarRange<TOp>(Tensor a, double s, Tensor d, int start, int end, bool scalarLeft)
        where TOp : IBinaryOp
    {
        if (a.DType == DType.Float32)
        {
            var sa = a.Span<float>()[start..end];
            var sd = d.Span<float>()[start..end];
            if (scalarLeft)
            {
                TOp.Apply((float)s, sa, sd);
            }
            else
            {
                TOp.Apply(sa, (float)s, sd);
            }
        }
        else
        {
            var sa = a.Span<double>()[start..end];
            var sd = d.Span<double>()[start..end];
            if (scalarLeft)
            {
                TOp.Apply(s, sa, sd);
            }
            else
            {
                TOp.Apply(sa, s, sd);
            }
        }
    }

    /// <summary>Copies <paramref name="x"/> broadcast to <paramref name="target"/> into a new tensor.</summary>
    public static Tensor BroadcastTo(Tensor x, Shape target)
    {
        var d = Tensor.Empty(target, x.DType);
        if (x.DType == DType.Float32)
        {
            Binary<float, TakeLeft>(x, x, d);
        }
        else
        {
            Binary<double, TakeLeft>(x, x, d);
        }

        return d;
    }

    /// <summary>
    /// d = f(a, b) with broadcasting; above the threshold split over threads (contiguous ranges of d for equal shapes
    /// and scalar operands, else whole rows of the coalesced outer index space), which leaves every value unchanged.
    /// </summary>
    private static void Binary<T, TOp>(Tensor a, Tensor b, Tensor d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp
    {
        int parts = PartsFor(d.Numel, TOp.Expensive);
        if (parts <= 1)
        {
            BinaryRange<T, TOp>(a, b, d, 0, d.Numel);
            return;
        }

        bool flat = (a.Shape == d.Shape || a.Numel == 1) && (b.Shape == d.Shape || b.Numel == 1);
        if (flat)
        {
            ParallelWork.For(parts, t =>
            {
                var (s, e) = ParallelWork.Range(d.Numel, parts, t, SplitAlign);
                BinaryRange<T, TOp>(a, b, d, s, e);
            });
            return;
        }

        var (dims, strideA, strideB) = Coalesce(d.Shape, a.Shape, b.Shape);
        int inner = dims[^1], outer = d.Numel / inner;
        parts = Math.Min(parts, outer);
        if (parts <= 1)
        {
            BroadcastRows<T, TOp>(a, b, d, dims, strideA, strideB, 0, outer);
            return;
        }

        ParallelWork.For(parts, t =>
        {
            var (o0, o1) = ParallelWork.Range(outer, parts, t, 1);
            BroadcastRows<T, TOp>(a, b, d, dims, strideA, strideB, o0, o1);
        });
    }

    /// <summary>d[start..end] = f(a, b) when each operand has d's shape or is a single element (else the whole of d).</summary>
    private static void BinaryRange<T, TOp>(Tensor a, Tensor b, Tensor d, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp
    {
        ReadOnlySpan<T> sa = a.Span<T>(), sb = b.Span<T>();
        Span<T> sd = d.Span<T>()[start..end];
        if (a.Shape == d.Shape && b.Shape == d.Shape)
        {
            TOp.Apply(sa[start..end], sb[start..end], sd);
            return;
        }

        if (b.Numel == 1 && a.Shape == d.Shape)
        {
            TOp.Apply(sa[start..end], sb[0], sd);
            return;
        }

        if (a.Numel == 1 && b.Shape == d.Shape)
        {
            TOp.Apply(sa[0], sb[start..end], sd);
            return;
        }

        if (d.Numel == 0)
        {
            return;
        }

        // General case: strides of a and b in the output's index space (0 along broadcast dimensions), with
        // adjacent dimensions merged where both operands are contiguous across them.
        var (dims, strideA, strideB) = Coalesce(d.Shape, a.Shape, b.Shape);
        BroadcastRows<T, TOp>(a, b, d, dims, strideA, strideB, 0, d.Numel / dims[^1]);
    }

    /// <summary>Rows [o0, o1) of the coalesced broadcast d = f(a, b) (a row is the innermost dimension).</summary>
    private static void BroadcastRows<T, TOp>(Tensor a, Tensor b, Tensor d, int[] dims, int[] strideA, int[] strideB, int o0, int o1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp
    {
        ReadOnlySpan<T> sa = a.Span<T>(), sb = b.Span<T>();
        Span<T> sd = d.Span<T>();
        int rank = dims.Length;
        int inner = dims[rank - 1];
        int ia = strideA[rank - 1], ib = strideB[rank - 1];
        Span<int> counter = stackalloc int[rank];
        counter.Clear();
        int offA = 0, offB = 0;
        for (int k = rank - 2, rest = o0; k >= 0; k--)
        {
            counter[k] = rest % dims[k];
            rest /= dims[k];
            offA += counter[k] * strideA[k];
            offB += counter[k] * strideB[k];
        }

        for (int o = o0; o < o1; o++)
        {
            var dst = sd.Slice(o * inner, inner);
            if (ia == 1 && ib == 1)
            {
                TOp.Apply(sa.Slice(offA, inner), sb.Slice(offB, inner), dst);
            }
            else if (ia == 1)
            {
                TOp.Apply(sa.Slice(offA, inner), sb[offB], dst);
            }
            else if (ib == 1)
            {
                TOp.Apply(sa[offA], sb.Slice(offB, inner), dst);
            }
            else
            {
                TOp.Apply(sa.Slice(offA, 1), sb[offB], dst.Slice(0, 1));
                dst.Slice(1).Fill(dst[0]);
            }

            // Advance the multi-index over the outer dimensions.
            for (int k = rank - 2; k >= 0; k--)
            {
                counter[k]++;
                offA += strideA[k];
                offB += strideB[k];
                if (counter[k] < dims[k])
                {
                    break;
                }

                offA -= strideA[k] * dims[k];
                offB -= strideB[k] * dims[k];
                counter[k] = 0;
            }
        }
    }

    /// <summary>
    /// Broadcast strides of two operands against an output shape, merging adjacent dimensions where possible.
    /// </summary>
    internal static (int[] Dims, int[] StrideA, int[] StrideB) Coalesce(Shape output, Shape a, Shape b)
    {
        int rank = output.Rank;
        var sa = BroadcastStrides(a, output);
        var sb = BroadcastStrides(b, output);
        var dims = new List<int>(rank);
        var la = new List<int>(rank);
        var lb = new List<int>(rank);
        for (int i = 0; i < rank; i++)
        {
            int n = output.Dims[i];
            if (n == 1)
            {
                continue;
            }

            if (dims.Count > 0)
            {
                int last = dims.Count - 1;
                if (la[last] == sa[i] * n && lb[last] == sb[i] * n)
                {
                    dims[last] *= n;
                    la[last] = sa[i];
                    lb[last] = sb[i];
                    continue;
                }
            }

            dims.Add(n);
            la.Add(sa[i]);
            lb.Add(sb[i]);
        }

        if (dims.Count == 0)
        {
            return ([1], [0], [0]);
        }

        return (dims.ToArray(), la.ToArray(), lb.ToArray());
    }

    /// <summary>Strides of <paramref name="x"/> viewed in <paramref name="output"/>'s index space (0 where broadcast).</summary>
    internal static int[] BroadcastStrides(Shape x, Shape output)
    {
        int rank = output.Rank;
        var strides = new int[rank];
        int off = rank - x.Rank;
        int acc = 1;
        for (int i = x.Rank - 1; i >= 0; i--)
        {
            strides[i + off] = x.Dims[i] == 1 ? 0 : acc;
            acc *= x.Dims[i];
        }

        return strides;
    }

    /// <summary>d = x (ignores y); used by <see cref="BroadcastTo"/>.</summary>
    private readonly struct TakeLeft : IBinaryOp
    {
        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
            where T : unmanaged, IFloatingPointIeee754<T> => x.CopyTo(d);

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
            where T : unmanaged, IFloatingPointIeee754<T> => x.CopyTo(d);

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
            where T : unmanaged, IFloatingPointIeee754<T> => d.Fill(x);
    }
}
