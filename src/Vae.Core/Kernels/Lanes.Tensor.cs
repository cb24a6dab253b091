namespace Vae.Core.Kernels;

/// <summary>Whole-tensor drivers of the lane maps: allocate the result, dispatch on dtype, split over threads.</summary>
internal static partial class Lanes
{
    /// <summary>
    /// y = op(x) for a whole tensor into a new tensor of the same shape and dtype (split over threads above
    /// <see cref="Elementwise.ParallelMinPerThread"/> elements; every value is independent of the split).
    /// </summary>
    public static Tensor Map<TF, TD>(Tensor x, TF opFloat, TD opDouble)
        where TF : struct, ILaneUnary<float>
        where TD : struct, ILaneUnary<double>
    {
        var y = Tensor.Empty(x.Shape, x.DType);
        int parts = Elementwise.PartsFor(y.Numel, TF.Expensive);
        if (parts > 1)
        {
            ParallelWork.For(parts, t =>
            {
                var (s, e) = ParallelWork.Range(y.Numel, parts, t, Elementwise.SplitAlign);
                MapRange(x, y, opFloat, opDouble, s, e);
            });
        }
        else
        {
            MapRange(x, y, opFloat, opDouble, 0, y.Numel);
        }

        return y;
    }

    /// <summary>d = op(a, b) for two tensors of the same shape and dtype into a new tensor (split like the unary form).</summary>
    public static Tensor Map<TF, TD>(Tensor a, Tensor b, TF opFloat, TD opDouble)
        where TF : struct, ILaneBinary<float>
        where TD : struct, ILaneBinary<double>
    {
        if (a.Shape != b.Shape || a.DType != b.DType)
        {
            throw new ArgumentException($"Internal kernel needs equal shapes and dtypes, got {a.DType.Name()} {a.Shape} and {b.DType.Name()} {b.Shape}.");
        }

        var d = Tensor.Empty(a.Shape, a.DType);
        int parts = Elementwise.PartsFor(d.Numel, TF.Expensive);
        if (parts > 1)
        {
            ParallelWork.For(parts, t =>
            {
                var (s, e) = ParallelWork.Range(d.Numel, parts, t, Elementwise.SplitAlign);
                MapRange(a, b, d, opFloat, opDouble, s, e);
            });
        }
        else
        {
            MapRange(a, b, d, opFloat, opDouble, 0, d.Numel);
        }

        return d;
    }

    /// <summary>
    /// d = op(a, b, c) for three tensors of the same shape and dtype into a new tensor (split like the unary form).
    /// </summary>
    public static Tensor Map<TF, TD>(Tensor a, Tensor b, Tensor c, TF opFloat, TD opDouble)
        where TF : struct, ILaneTernary<float>
        where TD : struct, ILaneTernary<double>
    {
        if (a.Shape != b.Shape || a.Shape != c.Shape || a.DType != b.DType || a.DType != c.DType)
        {
            throw new ArgumentException(
                $"Internal kernel needs equal shapes and dtypes, got {a.DType.Name()} {a.Shape}, {b.DType.Name()} {b.Shape} and {c.DType.Name()} {c.Shape}.");
        }

        var d = Tensor.Empty(a.Shape, a.DType);
        int parts = Elementwise.PartsFor(d.Numel, TF.Expensive);
        if (parts > 1)
        {
            ParallelWork.For(parts, t =>
            {
                var (s, e) = ParallelWork.Range(d.Numel, parts, t, Elementwise.SplitAlign);
                MapRange(a, b, c, d, opFloat, opDouble, s, e);
            });
        }
        else
        {
            MapRange(a, b, c, d, opFloat, opDouble, 0, d.Numel);
        }

        return d;
    }

    private static void MapRange<TF, TD>(Tensor x, Tensor y, TF opFloat, TD opDouble, int start, int end)
        where TF : struct, ILaneUnary<float>
        where TD : struct, ILaneUnary<double>
    {
        if (x.DType == DType.Float32)
        {
            Map(x.Span<float>()[start..end], y.Span<float>()[start..end], opFloat);
        }
        else
        {
            Map(x.Span<double>()[start..end], y.Span<double>()[start..end], opDouble);
        }
    }

    private static void MapRange<TF, TD>(Tensor a, Tensor b, Tensor d, TF opFloat, TD opDouble, int start, int end)
        where TF : struct, ILaneBinary<float>
        where TD : struct, ILaneBinary<double>
    {
        if (a.DType == DType.Float32)
        {
            Map(a.Span<float>()[start..end], b.Span<float>()[start..end], d.Span<float>()[start..end], opFloat);
        }
        else
        {
            Map(a.Span<double>()[start..end], b.Span<double>()[start..end], d.Span<double>()[start..end], opDouble);
        }
    }

    private static void MapRange<TF, TD>(Tensor a, Tensor b, Tensor c, Tensor d, TF opFloat, TD opDouble, int start, int end)
        where TF : struct, ILaneTernary<float>
        where TD : struct, ILaneTernary<double>
    {
        if (a.DType == DType.Float32)
        {
            Map(a.Span<float>()[start..end], b.Span<float>()[start..end], c.Span<float>()[start..end], d.Span<float>()[start..end], opFloat);
        }
        else
        {
            Map(a.Span<double>()[start..end], b.Span<double>()[start..end], c.Span<double>()[start..end], d.Span<double>()[start..end], opDouble);
        }
    }
}
