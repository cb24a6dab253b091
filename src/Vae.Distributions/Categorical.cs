using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// Categorical distribution over the K classes {0, …, K−1}, batched: parameters of shape <c>BatchShape + [K]</c>,
/// values (class indices) of shape <c>sampleShape + BatchShape</c> and an empty event shape. Values are index tensors:
/// ordinary tensors holding integral values (exact up to 2^24 in float32).
/// <para>
/// <see cref="Mean"/> and <see cref="Variance"/> are NaN-filled tensors of <see cref="Distribution.BatchShape"/>, as
/// in PyTorch: the classes are labels, not numbers. There is no reparameterised sampler.
/// </para>
/// </summary>
public sealed class Categorical : Distribution
{
    private readonly Tensor _rawLogits;
    private readonly Tensor? _probs;

    /// <summary>Creates the distribution from unnormalised logits (log-probabilities up to a constant per row).</summary>
    /// <param name="logits">
    /// Shape <c>BatchShape + [K]</c>, K ≥ 1; may require grad (<see cref="LogProb"/> and <see cref="Entropy"/>
    /// are differentiable w.r.t. it). Entries of −∞ give classes of probability zero.
    /// </param>
    /// <exception cref="ArgumentException">The logits are a scalar or have an empty last dimension.</exception>
    public Categorical(Tensor logits)
        : this(logits, null)
    {
    }

    private Categorical(Tensor logits, Tensor? probs)
        : base(BatchShapeOf(logits, probs is null ? "logits" : "probs"), Shape.Scalar)
    {
        _rawLogits = logits;
        _probs = probs;
        NumCategories = logits.Shape[-1];
        Logits = probs is null ? logits - logits.LogSumExp(-1, keepDim: true) : logits;
    }

    /// <summary>
    /// Creates the distribution from class probabilities, normalised along the last dimension (so any non-negative
    /// weights with a positive sum per row are accepted).
    /// </summary>
    /// <param name="probs">Shape <c>BatchShape + [K]</c>, non-negative, each row with a positive finite sum; may require grad.</param>
    /// <exception cref="ArgumentException">A shape or value is invalid (the message names it).</exception>
    public static Categorical FromProbs(Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        _ = BatchShapeOf(probs, "probs");
        ValidateProbs(probs);
        var normalised = probs / probs.Sum(-1, keepDim: true);
        return new Categorical(normalised.Log(), normalised);
    }

    /// <summary>Creates the distribution from unnormalised logits; same as the constructor.</summary>
    /// <param name="logits">Shape <c>BatchShape + [K]</c>.</param>
    public static Categorical FromLogits(Tensor logits) => new(logits);

    /// <summary>Number of classes K.</summary>
    public int NumCategories { get; }

    /// <summary>
    /// Normalised log-probabilities <c>logits − LogSumExp(logits)</c>, shape <c>BatchShape + [K]</c> (differentiable
    /// w.r.t. the parameters).
    /// </summary>
    public Tensor Logits { get; }

    /// <summary>
    /// Class probabilities, shape <c>BatchShape + [K]</c>, summing to 1 along the last dimension (the normalised input of
    /// <see cref="FromProbs"/>, or a softmax of the logits computed on access; differentiable).
    /// </summary>
    public Tensor Probs => _probs ?? _rawLogits.Softmax(-1);

    /// <inheritdoc />
    public override DType DType => _rawLogits.DType;

    /// <summary>NaN of shape <see cref="Distribution.BatchShape"/>: class labels have no mean (as in PyTorch).</summary>
    public override Tensor Mean => Tensor.Full(BatchShape, double.NaN, DType);

    /// <summary>NaN of shape <see cref="Distribution.BatchShape"/>: class labels have no variance (as in PyTorch).</summary>
    public override Tensor Variance => Tensor.Full(BatchShape, double.NaN, DType);

    /// <summary>
    /// Draws class indices by inverse-CDF sampling, one <see cref="Generator.NextDouble"/> per draw in row-major order of
    /// <c>sampleShape + BatchShape</c>; classes of probability zero are never drawn.
    /// </summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Indices of shape <c>sampleShape + BatchShape</c> in this distribution's dtype, without gradient.</returns>
    /// <exception cref="InvalidOperationException">A row of probabilities is NaN, infinite or all zero.</exception>
    public override Tensor Sample(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        double[] p;
        using (Autograd.NoGrad())
        {
            p = Probs.ToDoubleArray();
        }

        int k = NumCategories, rows = BatchShape.Numel, draws = sampleShape.Numel;
        var cdf = CumulativeRows(p, rows, k);
        var result = new double[draws * rows];
        for (int s = 0, o = 0; s < draws; s++)
        {
            for (int b = 0; b < rows; b++, o++)
            {
                result[o] = Draw(cdf.AsSpan(b * k, k), generator.NextDouble());
            }
        }

        return Tensor.FromArray(result, ExtendedShape(sampleShape).ToArray()).To(DType);
    }

    /// <summary>
    /// Log-probability of class indices: <c>Logits[..., value]</c>, gathered without materialising broadcast logits;
    /// differentiable w.r.t. the logits (or probabilities).
    /// </summary>
    /// <param name="value">
    /// Class indices of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast), integral in [0, K); either
    /// dtype (converted to this distribution's).
    /// </param>
    /// <returns>Shape: the broadcast of the value's shape with <see cref="Distribution.BatchShape"/>.</returns>
    /// <exception cref="ArgumentException">The shape does not fit, or a value is not an integer in [0, K).</exception>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.DType != DType)
        {
            value = value.Detach().To(DType);
        }

        ValidateValue(value);
        CheckIndices(value, NumCategories, "Categorical.LogProb");
        return GatherLogits(Logits, value, BatchShape, NumCategories);
    }

    /// <summary>
    /// Entropy <c>−Σ p log p</c> over the classes (classes of probability zero contribute 0), shape
    /// <see cref="Distribution.BatchShape"/>; differentiable.
    /// </summary>
    public override Tensor Entropy()
    {
        double min = DType == DType.Float32 ? float.MinValue : double.MinValue;
        return -(Logits.Clamp(min, null) * Probs).Sum(-1);
    }

    /// <summary>
    /// All classes, broadcast over the batch: shape <c>[K] + BatchShape</c> with entry k equal to k (as PyTorch's
    /// <c>enumerate_support()</c>), so that <c>LogProb(EnumerateSupport())</c> gives every class's log-probability.
    /// </summary>
    public Tensor EnumerateSupport()
    {
        var k = Tensor.Arange(NumCategories, DType);
        var ones = new int[BatchShape.Rank + 1];
        Array.Fill(ones, 1);
        ones[0] = NumCategories;
        return k.Reshape(ones).Expand(Concat(new Shape(NumCategories), BatchShape));
    }

    /// <summary>
    /// <c>logits[b..., value[s..., b...]]</c> for normalised logits of shape <c>batch + [K]</c> and validated indices:
    /// one IndexSelect on the flattened logits with indices offset by each batch element's row.
    /// </summary>
    internal static Tensor GatherLogits(Tensor logits, Tensor value, Shape batch, int k)
    {
        var shape = Shape.Broadcast(value.Shape, batch);
        int rows = batch.Numel;
        Tensor index = value.Detach().To(DType.Float64);
        if (rows > 1)
        {
            var offsets = Tensor.Arange(0, (double)rows * k, k, DType.Float64).Reshape(batch);
            index = index + offsets;
        }

        if (index.Shape != shape)
        {
            index = index.Expand(shape);
        }

        return logits.Reshape(rows * k).IndexSelect(0, index.Reshape(shape.Numel)).Reshape(shape);
    }

    /// <summary>Throws <see cref="ArgumentException"/> (prefixed by <paramref name="context"/>) unless every value is an integer in [0, k).</summary>
    internal static void CheckIndices(Tensor value, int k, string context)
    {
        var v = value.ToDoubleArray();
        for (int i = 0; i < v.Length; i++)
        {
            double x = v[i];
            if (!(x >= 0 && x < k) || x != Math.Floor(x))
            {
                throw new ArgumentException(
                    $"{context}: {x} at flat index {i} of the tensor of shape {value.Shape} is not a class index; expected integers in [0, {k}).",
                    nameof(value));
            }
        }
    }

    /// <summary>Row-wise cumulative sums of <paramref name="p"/> ([rows, k]); throws if a row cannot be sampled.</summary>
    internal static double[] CumulativeRows(double[] p, int rows, int k)
    {
        var cdf = new double[p.Length];
        for (int b = 0; b < rows; b++)
        {
            double acc = 0;
            for (int j = 0; j < k; j++)
            {
                acc += p[(b * k) + j];
                cdf[(b * k) + j] = acc;
            }

            if (!double.IsFinite(acc) || !(acc > 0))
            {
                throw new InvalidOperationException(
                    $"Categorical.Sample: the probabilities of batch row {b} sum to {acc}; they must be finite, non-negative and not all zero.");
            }
        }

        return cdf;
    }

    /// <summary>The smallest class j with <c>cdf[j] &gt; u·total</c> (u in [0, 1)), never a class of probability zero.</summary>
    internal static int Draw(ReadOnlySpan<double> cdf, double u)
    {
        int k = cdf.Length;
        double t = u * cdf[k - 1];
        int lo = 0, hi = k;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > t)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        if (lo == k)
        {
            // u·total rounded up to the total: take the last class of positive probability.
            lo = k - 1;
            while (lo > 0 && cdf[lo] == cdf[lo - 1])
            {
                lo--;
            }
        }

        return lo;
    }

    private static Shape BatchShapeOf(Tensor parameter, string name)
    {
        ArgumentNullException.ThrowIfNull(parameter, name);
        if (parameter.Rank == 0 || parameter.Shape[-1] == 0)
        {
            throw new ArgumentException(
                $"Categorical: {name} must have shape BatchShape + [K] with K ≥ 1, got {parameter.Shape}.", name);
        }

        return new Shape(parameter.Shape.Dims[..^1]);
    }

    private static void ValidateProbs(Tensor probs)
    {
        var p = probs.ToDoubleArray();
        int k = probs.Shape[-1];
        for (int r = 0; r < p.Length / k; r++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                double x = p[(r * k) + j];
                if (!(x >= 0) || double.IsInfinity(x))
                {
                    throw new ArgumentException(
                        $"Categorical: probs of shape {probs.Shape} has the invalid entry {x} at flat index {(r * k) + j}; probabilities must be finite and non-negative.",
                        nameof(probs));
                }

                sum += x;
            }

            if (!(sum > 0))
            {
                throw new ArgumentException($"Categorical: row {r} of probs of shape {probs.Shape} sums to zero.", nameof(probs));
            }
        }
    }
}
