using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// The continuous uniform distribution on [low, high), batched over the broadcast shape of its bounds (scalar
/// event). Reparameterised sampling is <c>low + (high − low)·u</c> with u ~ U[0, 1).
/// </summary>
public sealed class Uniform : Distribution
{
    /// <summary>Creates U[low, high); the bounds broadcast to a common batch shape.</summary>
    /// <param name="low">Lower bounds, broadcastable with <paramref name="high"/>.</param>
    /// <param name="high">Upper bounds (each &gt; the matching low), broadcastable with <paramref name="low"/>; same dtype.</param>
    /// <exception cref="ArgumentException">The shapes do not broadcast, the dtypes differ, or some low ≥ high.</exception>
    public Uniform(Tensor low, Tensor high)
        : base(ContinuousParams.BroadcastShape(nameof(Uniform), ("low", ContinuousParams.ShapeOf(low, nameof(low))), ("high", ContinuousParams.ShapeOf(high, nameof(high)))), Shape.Scalar)
    {
        DType = ContinuousParams.SameDType(nameof(Uniform), ("low", low), ("high", high));
        Low = low.Expand(BatchShape);
        High = high.Expand(BatchShape);
        using (Autograd.NoGrad())
        {
            ContinuousParams.RequirePositive(nameof(Uniform), "high − low", High - Low);
        }
    }

    /// <summary>Creates a single (scalar-batch) U[low, high).</summary>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound (&gt; low).</param>
    /// <param name="dtype">Element type.</param>
    public Uniform(double low, double high, DType dtype = DType.Float32)
        : this(Tensor.Scalar(low, dtype), Tensor.Scalar(high, dtype))
    {
    }

    /// <summary>Lower bounds, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor Low { get; }

    /// <summary>Upper bounds, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor High { get; }

    /// <inheritdoc />
    public override DType DType { get; }

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>(low + high)/2, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Mean => (Low + High) * 0.5;

    /// <summary>(high − low)²/12, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Variance => (High - Low).Square() / 12.0;

    /// <summary>Reparameterised samples <c>low + (high − low)·u</c>, u ~ U[0, 1) drawn from <paramref name="generator"/>.</summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of the uniform noise.</param>
    /// <returns>Samples of shape <c>sampleShape + BatchShape</c>.</returns>
    public override Tensor RSample(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var u = Tensor.Rand(ExtendedShape(sampleShape), generator, DType);
        return Low + ((High - Low) * u);
    }

    /// <summary>−log(high − low) on [low, high), −∞ elsewhere.</summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Log-densities of the broadcast shape.</returns>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        var inside = value.Ge(Low) * value.Lt(High);
        var lp = (High - Low).Log().Neg();
        return Tensor.Where(inside, lp, Tensor.Scalar(double.NegativeInfinity, DType));
    }

    /// <summary>Entropy log(high − low), of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Entropy() => (High - Low).Log();

    /// <summary>CDF clamp((value − low)/(high − low), 0, 1).</summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Probabilities of the broadcast shape.</returns>
    public Tensor Cdf(Tensor value)
    {
        ValidateValue(value, nameof(Cdf));
        return ((value - Low) / (High - Low)).Clamp(0, 1);
    }

    /// <summary>Inverse CDF low + p·(high − low).</summary>
    /// <param name="probability">p in [0, 1] of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Quantiles of the broadcast shape.</returns>
    public Tensor Icdf(Tensor probability)
    {
        ValidateValue(probability, nameof(Icdf));
        return Low + (probability * (High - Low));
    }

    /// <inheritdoc />
    public override string ToString() => $"Uniform(batch_shape={BatchShape})";
}
