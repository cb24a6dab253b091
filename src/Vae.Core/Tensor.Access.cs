using System.Globalization;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>The element at a full index (one entry per dimension; negative entries count from the end).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public double this[params int[] index]
    {
        get => GetFlat(FlatIndex(index));
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (Numel != 1)
        {
            throw new InvalidOperationException($"Item() needs a tensor with one element, got shape {Shape}.");
        }

        return GetFlat(0);
    }

    /// <summary>Copies the elements (row-major) into a new float array, converting from float64 if needed.</summary>
    public float[] ToArray()
    {
        if (DType == DType.Float32)
        {
            return Span<float>().ToArray();
        }

        var src = Span<double>();
        var dst = new float[src.Length];
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = (float)src[i];
        }

        return dst;
    }

    /// <summary>Copies the elements (row-major) into a new double array.</summary>
    public double[] ToDoubleArray()
    {
        if (DType == DType.Float64)
        {
            return Span<double>().ToArray();
        }

        var src = Span<float>();
        var dst = new double[src.Length];
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = src[i];
        }

        return dst;
    }

    /// <summary>A copy converted to <paramref name="dtype"/> (differentiable; returns this tensor if already of that dtype).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType)
        {
            return this;
        }

        var y = Empty(Shape, dtype);
        if (dtype == DType.Float64)
        {
            var s = Span<float>();
            var d = y.Span<double>();
            for (int i = 0; i < s.Length; i++)
            {
                d[i] = s[i];
            }
        }
        else
        {
            var s = Span<double>();
            var d = y.Span<float>();
            for (int i = 0; i < s.Length; i++)
            {
                d[i] = (float)s[i];
            }
        }

        if (ShouldRecord(this))
        {
            var from = DType;
            y.SetGradFn("To", [this], (g, _) => [g.To(from)]);
        }

        return y;
    }

    /// <summary>A float64 copy (shorthand for <c>To(DType.Float64)</c>).</summary>
    public Tensor Double() => To(DType.Float64);

    /// <summary>A float32 copy (shorthand for <c>To(DType.Float32)</c>).</summary>
    public Tensor Float() => To(DType.Float32);

    /// <summary>A copy with its own storage (differentiable).</summary>
    public Tensor Clone()
    {
        var y = Empty(Shape, DType);
        if (DType == DType.Float32)
        {
            Span<float>().CopyTo(y.Span<float>());
        }
        else
        {
            Span<double>().CopyTo(y.Span<double>());
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn("Clone", [this], (g, _) => [g]);
        }

        return y;
    }

    /// <summary>Sets every element to <paramref name="value"/> in place (not recorded by autograd).</summary>
    public Tensor Fill(double value)
    {
        if (DType == DType.Float32)
        {
            Span<float>().Fill((float)value);
        }
        else
        {
            Span<double>().Fill(value);
        }

        return this;
    }

    /// <summary>Copies <paramref name="source"/>'s values into this tensor in place (same shape; not recorded by autograd).</summary>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Shape != Shape)
        {
            throw new ArgumentException($"CopyFrom: source shape {source.Shape} differs from destination shape {Shape}.", nameof(source));
        }

        if (DType == DType.Float32)
        {
            source.To(DType.Float32).Span<float>().CopyTo(Span<float>());
        }
        else
        {
            source.To(DType.Float64).Span<double>().CopyTo(Span<double>());
        }
    }

    /// <summary>Adds <paramref name="other"/> (same shape and dtype) into this tensor in place; not recorded by autograd.</summary>
    internal void AddInPlace(Tensor other)
    {
        if (DType == DType.Float32)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(Span<float>(), other.Span<float>(), Span<float>());
        }
        else
        {
            System.Numerics.Tensors.TensorPrimitives.Add(Span<double>(), other.Span<double>(), Span<double>());
        }
    }

    internal double GetFlat(int i) => DType == DType.Float32 ? Span<float>()[i] : Span<double>()[i];

    internal void SetFlat(int i, double v)
    {
        if (DType == DType.Float32)
        {
            Span<float>()[i] = (float)v;
        }
        else
        {
            Span<double>()[i] = v;
        }
    }

    private int FlatIndex(int[] index)
    {
        if (index.Length != Rank)
        {
            throw new ArgumentException($"Index of {index.Length} entries for a tensor of shape {Shape}.", nameof(index));
        }

        int flat = 0;
        var dims = Shape.Dims;
        for (int i = 0; i < index.Length; i++)
        {
            int k = index[i] < 0 ? index[i] + dims[i] : index[i];
            if (k < 0 || k >= dims[i])
            {
                throw new IndexOutOfRangeException(
                    $"Index {index[i]} is out of range for dimension {i} of size {dims[i]} (shape {Shape}).");
            }

            flat = (flat * dims[i]) + k;
        }

        return flat;
    }

    internal static string FormatValue(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
