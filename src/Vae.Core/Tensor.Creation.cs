using System.Numerics;
using System.Runtime.InteropServices;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>A float32 tensor holding a copy of <paramref name="values"/> with the given shape (default: 1-D; use <see cref="Scalar"/> for rank 0).</summary>
    public static Tensor FromArray(float[] values, params int[] shape) => FromSpan<float>(values, shape, DType.Float32);

    /// <summary>A float64 tensor holding a copy of <paramref name="values"/> with the given shape (default: 1-D).</summary>
    public static Tensor FromArray(double[] values, params int[] shape) => FromSpan<double>(values, shape, DType.Float64);

    /// <summary>A float32 tensor holding a copy of a span, with the given shape.</summary>
    public static Tensor FromSpan(ReadOnlySpan<float> values, Shape shape) => FromSpan(values, shape.ToArray(), DType.Float32);

    /// <summary>A float64 tensor holding a copy of a span, with the given shape.</summary>
    public static Tensor FromSpan(ReadOnlySpan<double> values, Shape shape) => FromSpan(values, shape.ToArray(), DType.Float64);

    /// <summary>A float32 matrix from a rectangular array.</summary>
    public static Tensor FromArray(float[,] values)
    {
        int r = values.GetLength(0), c = values.GetLength(1);
        var t = Empty(new Shape(r, c), DType.Float32);
        var s = t.Span<float>();
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
            {
                s[(i * c) + j] = values[i, j];
            }
        }

        return t;
    }

    /// <summary>A float64 matrix from a rectangular array.</summary>
    public static Tensor FromArray(double[,] values)
    {
        int r = values.GetLength(0), c = values.GetLength(1);
        var t = Empty(new Shape(r, c), DType.Float64);
        var s = t.Span<double>();
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
            {
                s[(i * c) + j] = values[i, j];
            }
        }

        return t;
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full(Shape.Scalar, value, dtype);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(new Shape(shape));

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32)
    {
        var t = Empty(shape, dtype);
        Array.Clear(t.Data);
        return t;
    }

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(new Shape(shape), 1.0);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(Shape shape, DType dtype = DType.Float32) => Full(shape, 1.0, dtype);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float32)
    {
        var t = Empty(shape, dtype);
        t.Fill(value);
        return t;
    }

    /// <summary>Zeros with this tensor's shape and dtype.</summary>
    public Tensor ZerosLike() => Zeros(Shape, DType);

    /// <summary>Ones with this tensor's shape and dtype.</summary>
    public Tensor OnesLike() => Full(Shape, 1.0, DType);

    /// <summary>A tensor of this tensor's shape and dtype filled with <paramref name="value"/>.</summary>
    public Tensor FullLike(double value) => Full(Shape, value, DType);

    /// <summary>Values <c>start, start+step, …</c> below <paramref name="end"/> (1-D).</summary>
    public static Tensor Arange(double start, double end, double step = 1.0, DType dtype = DType.Float32)
    {
        if (step == 0 || double.IsNaN(step) || (end - start) / step < 0)
        {
            throw new ArgumentException($"Arange({start}, {end}, {step}): step must be non-zero and point from start towards end.");
        }

        int n = (int)Math.Ceiling((end - start) / step);
        var t = Empty(new Shape(n), dtype);
        for (int i = 0; i < n; i++)
        {
            t.SetFlat(i, start + (i * step));
        }

        return t;
    }

    /// <summary>Values <c>0, 1, …, end-1</c> (1-D).</summary>
    public static Tensor Arange(int end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/> inclusive.</summary>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var t = Empty(new Shape(steps), dtype);
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        for (int i = 0; i < steps; i++)
        {
            t.SetFlat(i, i == steps - 1 ? end : start + (i * step));
        }

        return t;
    }

    /// <summary>An <paramref name="n"/>×<paramref name="m"/> matrix with ones on the diagonal (m defaults to n).</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var t = Zeros(new Shape(n, cols), dtype);
        for (int i = 0; i < Math.Min(n, cols); i++)
        {
            t.SetFlat((i * cols) + i, 1.0);
        }

        return t;
    }

    /// <summary>Uniform samples in [0, 1) drawn from <paramref name="generator"/>.</summary>
    public static Tensor Rand(Shape shape, Generator generator, DType dtype = DType.Float32) =>
        Uniform(shape, 0, 1, generator, dtype);

    /// <summary>Uniform samples in [<paramref name="low"/>, <paramref name="high"/>) drawn from <paramref name="generator"/>.</summary>
    public static Tensor Uniform(Shape shape, double low, double high, Generator generator, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var t = Empty(shape, dtype);
        if (dtype == DType.Float32)
        {
            generator.FillUniform(t.Span<float>(), (float)low, (float)high);
        }
        else
        {
            generator.FillUniform(t.Span<double>(), low, high);
        }

        return t;
    }

    /// <summary>Standard normal samples drawn from <paramref name="generator"/>.</summary>
    public static Tensor Randn(Shape shape, Generator generator, DType dtype = DType.Float32) =>
        Normal(shape, 0, 1, generator, dtype);

    /// <summary>Normal samples N(<paramref name="mean"/>, <paramref name="std"/>²) drawn from <paramref name="generator"/>.</summary>
    public static Tensor Normal(Shape shape, double mean, double std, Generator generator, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var t = Empty(shape, dtype);
        if (dtype == DType.Float32)
        {
            generator.FillNormal(t.Span<float>(), (float)mean, (float)std);
        }
        else
        {
            generator.FillNormal(t.Span<double>(), mean, std);
        }

        return t;
    }

    /// <summary>Uniform samples with this tensor's shape and dtype.</summary>
    public Tensor RandLike(Generator generator) => Rand(Shape, generator, DType);

    /// <summary>Standard normal samples with this tensor's shape and dtype.</summary>
    public Tensor RandnLike(Generator generator) => Randn(Shape, generator, DType);

    /// <summary>
    /// Bernoulli samples (0 or 1) with success probabilities given by this tensor's elements (each in [0, 1]).
    /// Not differentiable.
    /// </summary>
    public Tensor Bernoulli(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var y = Empty(Shape, DType);
        if (DType == DType.Float32)
        {
            BernoulliKernel(Span<float>(), y.Span<float>(), generator);
        }
        else
        {
            BernoulliKernel(Span<double>(), y.Span<double>(), generator);
        }

        return y;
    }

    /// <summary>d[i] = u[i] &lt; p[i] ? 1 : 0 with u drawn in order as by NextSingle/NextDouble (uniforms staged in d).</summary>
    private static void BernoulliKernel<T>(ReadOnlySpan<T> p, Span<T> d, Generator generator)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            generator.FillUnit(MemoryMarshal.Cast<T, float>(d));
        }
        else
        {
            generator.FillUnit(MemoryMarshal.Cast<T, double>(d));
        }

        // The generator is the bottleneck (a serial chain per element), so one vector width is enough here.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<T>.One;
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var u = new Vector<T>(d.Slice(i, Vector<T>.Count));
                var probs = new Vector<T>(p.Slice(i, Vector<T>.Count));
                (Vector.LessThan(u, probs) & one).CopyTo(d.Slice(i, Vector<T>.Count));
            }
        }

        for (; i < d.Length; i++)
        {
            d[i] = d[i] < p[i] ? T.One : T.Zero;
        }
    }

    /// <summary>Bernoulli samples with probability <paramref name="p"/> for every element.</summary>
    public static Tensor Bernoulli(Shape shape, double p, Generator generator, DType dtype = DType.Float32) =>
        Full(shape, p, dtype).Bernoulli(generator);

    private static Tensor FromSpan<T>(ReadOnlySpan<T> values, int[] shape, DType dtype)
        where T : unmanaged
    {
        var s = shape.Length == 0 ? new Shape(values.Length) : new Shape(shape);
        if (s.Numel != values.Length)
        {
            throw new ArgumentException($"{values.Length} values cannot fill a tensor of shape {s} ({s.Numel} elements).", nameof(shape));
        }

        var t = Empty(s, dtype);
        values.CopyTo(t.Span<T>());
        return t;
    }
}
