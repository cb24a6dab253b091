using System.Numerics;
using System.Runtime.InteropServices;

namespace Vae.Core.Data;

/// <summary>
/// Data transforms: scaling raw bytes to [0, 1], flattening, and binarisation of [0, 1] intensities —
/// by a fixed threshold, statically (one Bernoulli draw per pixel made once, with a fixed generator: the
/// "statically binarized MNIST" of the IWAE paper) or dynamically (a fresh Bernoulli draw for every batch, as a
/// <see cref="BatchTransform"/> for <see cref="DataLoader"/>).
/// </summary>
public static class Transforms
{
    /// <summary>Pixel bytes scaled to [0, 1] (<c>byte / 255</c>, float32) as a tensor of <paramref name="shape"/>.</summary>
    /// <param name="pixels">Raw bytes, e.g. <see cref="IdxData.Data"/>; exactly <c>shape.Numel</c> of them.</param>
    /// <param name="shape">Result shape.</param>
    public static Tensor ScaleBytes(ReadOnlySpan<byte> pixels, Shape shape)
    {
        if (pixels.Length != shape.Numel)
        {
            throw new ArgumentException($"ScaleBytes: {pixels.Length} bytes cannot fill shape {shape} ({shape.Numel} elements).", nameof(pixels));
        }

        var t = Tensor.Empty(shape, DType.Float32);
        ByteConversion.ScaleToUnit(pixels, t.Span<float>());
        return t;
    }

    /// <summary>Flattens <c>[N, d1, d2, ...]</c> to <c>[N, d1·d2·...]</c> (a view sharing storage).</summary>
    /// <param name="x">A tensor of rank ≥ 1.</param>
    public static Tensor Flatten(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0)
        {
            throw new ArgumentException("Flatten: a scalar (shape []) has no first dimension to keep.", nameof(x));
        }

        int n = x.Size(0);
        return x.Reshape(n, n == 0 ? 0 : x.Numel / n);
    }

    /// <summary>1 where <paramref name="x"/> &gt; <paramref name="threshold"/>, else 0 (same shape and dtype; NaN gives 0).</summary>
    /// <param name="x">Intensities of any shape, typically in [0, 1].</param>
    /// <param name="threshold">The threshold (default 0.5).</param>
    public static Tensor Binarize(Tensor x, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32)
        {
            Threshold<float>(x.Span<float>(), y.Span<float>(), (float)threshold);
        }
        else
        {
            Threshold<double>(x.Span<double>(), y.Span<double>(), threshold);
        }

        return y;
    }

    /// <summary>
    /// Static binarisation: one Bernoulli draw per element with success probability equal to the element (values
    /// below 0 act as 0, above 1 as 1). Call it once on a whole dataset with a fixed-seed generator and keep the result,
    /// as in the IWAE paper's statically binarised MNIST. Same shape and dtype as <paramref name="probabilities"/>.
    /// </summary>
    /// <param name="probabilities">Intensities in [0, 1], any shape.</param>
    /// <param name="generator">The generator (same seed, same binarisation).</param>
    public static Tensor StaticBinarize(Tensor probabilities, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(generator);
        var y = probabilities.Detach().Clone();
        BernoulliInPlace(y, generator);
        return y;
    }

    /// <summary>
    /// Dynamic binarisation as a batch transform: batch tensor <paramref name="tensorIndex"/> (intensities in [0, 1])
    /// is replaced in place by a fresh Bernoulli sample on every batch, drawn from <paramref name="generator"/> or,
    /// when null, from the loader's generator.
    /// </summary>
    public static BatchTransform DynamicBinarize(int tensorIndex = 0, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tensorIndex);
        return (batch, loaderGenerator) =>
        {
            var g = generator ?? loaderGenerator ?? throw new InvalidOperationException(
                "DynamicBinarize needs a generator: give the DataLoader one, or pass one to DynamicBinarize.");
            BernoulliInPlace(batch[tensorIndex], g);
        };
    }

    /// <summary>A batch transform flattening batch tensor <paramref name="tensorIndex"/> to <c>[batch, features]</c> (a view).</summary>
    public static BatchTransform FlattenBatch(int tensorIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tensorIndex);
        return (batch, _) => batch[tensorIndex] = Flatten(batch[tensorIndex]);
    }

    /// <summary>Runs several batch transforms in order.</summary>
    public static BatchTransform Compose(params BatchTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        var copy = (BatchTransform[])transforms.Clone();
        if (copy.Any(t => t is null))
        {
            throw new ArgumentException("Compose: a transform is null.", nameof(transforms));
        }

        return (batch, generator) =>
        {
            foreach (var t in copy)
            {
                t(batch, generator);
            }
        };
    }

    /// <summary>Replaces each element p by a Bernoulli(p) draw, in the order and with the draws of <see cref="Tensor.Bernoulli(Generator)"/>.</summary>
    internal static void BernoulliInPlace(Tensor t, Generator generator)
    {
        if (t.DType == DType.Float32)
        {
            var s = t.Span<float>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = generator.NextSingle() < s[i] ? 1f : 0f;
            }
        }
        else
        {
            var s = t.Span<double>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = generator.NextDouble() < s[i] ? 1.0 : 0.0;
            }
        }
    }

    private static void Threshold<T>(ReadOnlySpan<T> x, Span<T> y, T threshold)
        where T : unmanaged, INumber<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var t = new Vector<T>(threshold);
            ref T src = ref MemoryMarshal.GetReference(x);
            ref T dst = ref MemoryMarshal.GetReference(y);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = Vector.LoadUnsafe(ref src, (nuint)i);
                Vector.ConditionalSelect(Vector.GreaterThan(v, t), Vector<T>.One, Vector<T>.Zero).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = x[i] > threshold ? T.One : T.Zero;
        }
    }
}
