using System.Numerics;

namespace Vae.Core.Kernels;

/// <summary>Drivers that run span kernels over whole tensors, handling dtype dispatch and NumPy broadcasting.</summary>
internal static class Elementwise
{
    /// <summary>y = f(x) elementwise into a new tensor.</summary>
    public static Tensor Unary<TOp>(Tensor x)
        where TOp : IUnaryOp
    {
        var y = Tensor.Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32)
        {
            TOp.Apply<float>(x.Span<float>(), y.Span<float>());
        }
        else
        {
            TOp.Apply<double>(x.Span<double>(), y.Span<double>());
        }

        return y;
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
        if (a.DType == DType.Float32)
        {
            TOp.Apply(a.Span<float>(), (float)s, d.Span<float>());
        }
        else
        {
            TOp.Apply(a.Span<double>(), s, d.Span<double>());
        }

        return d;
    }

    /// <summary>d = f(s, a) elementwise with a scalar on the left into a new tensor.</summary>
    public static Tensor ScalarBinary<TOp>(double s, Tensor a)
        where TOp : IBinaryOp
    {
        var d = Tensor.Empty(a.Shape, a.DType);
        if (a.DType == DType.Float32)
        {
            TOp.Apply((float)s, a.Span<float>(), d.Span<float>());
        }
        else
        {
            TOp.Apply(s, a.Span<double>(), d.Span<double>());
        }

        return d;
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

    private static void Binary<T, TOp>(Tensor a, Tensor b, Tensor d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp
    {
        ReadOnlySpan<T> sa = a.Span<T>(), sb = b.Span<T>();
        Span<T> sd = d.Span<T>();
        if (a.Shape == d.Shape && b.Shape == d.Shape)
        {
            TOp.Apply(sa, sb, sd);
            return;
        }

        if (b.Numel == 1 && a.Shape == d.Shape)
        {
            TOp.Apply(sa, sb[0], sd);
            return;
        }

        if (a.Numel == 1 && b.Shape == d.Shape)
        {
            TOp.Apply(sa[0], sb, sd);
            return;
        }

        if (d.Numel == 0)
        {
            return;
        }

        // General case: strides of a and b in the output's index space (0 along broadcast dimensions), with
        // adjacent dimensions merged where both operands are contiguous across them.
        var (dims, strideA, strideB) = Coalesce(d.Shape, a.Shape, b.Shape);
        int rank = dims.Length;
        int inner = dims[rank - 1];
        int ia = strideA[rank - 1], ib = strideB[rank - 1];
        int outer = d.Numel / inner;
        Span<int> counter = stackalloc int[rank];
        counter.Clear();
        int offA = 0, offB = 0;
        for (int o = 0; o < outer; o++)
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
