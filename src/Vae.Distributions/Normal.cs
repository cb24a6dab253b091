using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// The univariate normal (Gaussian) distribution N(loc, scale²), batched: <see cref="Distribution.BatchShape"/> is
/// the broadcast shape of the parameters and <see cref="Distribution.EventShape"/> is scalar. Reparameterised
/// sampling is <c>loc + scale·ε</c> with ε ~ N(0, 1). When built from a log-scale or log-variance
/// (<see cref="WithLogScale(Tensor, Tensor)"/>, <see cref="FromLogVariance(Tensor, Tensor)"/>), log σ is used
/// as given in <see cref="LogProb"/> and <see cref="Entropy"/>, so they stay finite and accurate even when σ itself
/// underflows.
/// </summary>
public sealed class Normal : Distribution
{
    private readonly Tensor? _logScale;

    /// <summary>Creates N(loc, scale²); the parameters broadcast to a common batch shape.</summary>
    /// <param name="loc">Means, any shape broadcastable with <paramref name="scale"/>.</param>
    /// <param name="scale">Standard deviations (each &gt; 0), any shape broadcastable with <paramref name="loc"/>; same dtype.</param>
    /// <exception cref="ArgumentException">The shapes do not broadcast, the dtypes differ, or a scale is ≤ 0.</exception>
    public Normal(Tensor loc, Tensor scale)
        : this(loc, scale, null, validate: true)
    {
    }

    /// <summary>Creates N(loc, scale²) with one scale shared by the whole batch.</summary>
    /// <param name="loc">Means, any shape (the batch shape).</param>
    /// <param name="scale">Standard deviation (&gt; 0).</param>
    public Normal(Tensor loc, double scale)
        : this(loc, Tensor.Full((loc ?? throw new ArgumentNullException(nameof(loc))).Shape, scale, loc.DType))
    {
    }

    /// <summary>Creates a single (scalar-batch) N(loc, scale²).</summary>
    /// <param name="loc">Mean.</param>
    /// <param name="scale">Standard deviation (&gt; 0).</param>
    /// <param name="dtype">Element type of the parameters and samples.</param>
    public Normal(double loc, double scale, DType dtype = DType.Float32)
        : this(Tensor.Scalar(loc, dtype), Tensor.Scalar(scale, dtype))
    {
    }

    private Normal(Tensor loc, Tensor scale, Tensor? logScale, bool validate)
        : base(ContinuousParams.BroadcastShape(nameof(Normal), ("loc", ContinuousParams.ShapeOf(loc, nameof(loc))), ("scale", ContinuousParams.ShapeOf(scale, nameof(scale)))), Shape.Scalar)
    {
        DType = ContinuousParams.SameDType(nameof(Normal), ("loc", loc), ("scale", scale));
        if (validate)
        {
            ContinuousParams.RequirePositive(nameof(Normal), "scale", scale);
        }

        Loc = loc.Expand(BatchShape);
        Scale = scale.Expand(BatchShape);
        _logScale = logScale?.Expand(BatchShape);
    }

    /// <summary>
    /// N(loc, exp(logScale)²). Log-densities use <paramref name="logScale"/> directly, so they remain finite for
    /// scales that underflow.
    /// </summary>
    /// <param name="loc">Means, broadcastable with <paramref name="logScale"/>.</param>
    /// <param name="logScale">log σ (any finite value), broadcastable with <paramref name="loc"/>; same dtype.</param>
    public static Normal WithLogScale(Tensor loc, Tensor logScale)
    {
        ArgumentNullException.ThrowIfNull(logScale);
        ContinuousParams.RequireNotInfinite(nameof(Normal), "logScale", logScale);
        return new Normal(loc, logScale.Exp(), logScale, validate: false);
    }

    /// <summary>
    /// N(loc, exp(logVariance)), the usual VAE encoder parameterisation: σ = exp(½·logVariance), log σ = ½·logVariance.
    /// </summary>
    /// <param name="loc">Means, broadcastable with <paramref name="logVariance"/>.</param>
    /// <param name="logVariance">log σ² (any finite value), broadcastable with <paramref name="loc"/>; same dtype.</param>
    public static Normal FromLogVariance(Tensor loc, Tensor logVariance)
    {
        ArgumentNullException.ThrowIfNull(logVariance);
        return WithLogScale(loc, logVariance * 0.5);
    }

    /// <summary>The standard normal N(0, 1) with the given batch shape.</summary>
    /// <param name="batchShape">Batch shape of the result.</param>
    /// <param name="dtype">Element type.</param>
    public static Normal Standard(Shape batchShape, DType dtype = DType.Float32) =>
        new(Tensor.Zeros(batchShape, dtype), Tensor.Ones(batchShape, dtype));

    /// <summary>Means, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor Loc { get; }

    /// <summary>Standard deviations σ, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor Scale { get; }

    /// <summary>log σ, of shape <see cref="Distribution.BatchShape"/> (the given log-scale when built from one).</summary>
    public Tensor LogScale => _logScale ?? Scale.Log();

    /// <inheritdoc />
    public override DType DType { get; }

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Loc;

    /// <inheritdoc />
    public override Tensor Variance => _logScale is null ? Scale.Square() : (_logScale * 2.0).Exp();

    /// <inheritdoc />
    public override Tensor StdDev => Scale;

    /// <summary>Reparameterised samples <c>loc + scale·ε</c>, ε ~ N(0, 1) drawn from <paramref name="generator"/>.</summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of the noise ε.</param>
    /// <returns>Samples of shape <c>sampleShape + BatchShape</c>.</returns>
    public override Tensor RSample(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var eps = Tensor.Randn(ExtendedShape(sampleShape), generator, DType);
        return Loc + (Scale * eps);
    }

    /// <summary>log N(value; loc, σ²) = −½((value − loc)/σ)² − log σ − ½·log 2π.</summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Log-densities of the broadcast shape.</returns>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        var z = (value - Loc) / Scale;
        return (z.Square() * -0.5) - LogScale - NormalMath.HalfLog2Pi;
    }

    /// <summary>Entropy ½ + ½·log 2π + log σ, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Entropy() => LogScale + (0.5 + NormalMath.HalfLog2Pi);

    /// <summary>Cumulative distribution function Φ((value − loc)/σ), differentiable.</summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Probabilities of the broadcast shape.</returns>
    public Tensor Cdf(Tensor value)
    {
        ValidateValue(value, nameof(Cdf));
        return NormalMath.Cdf((value - Loc) / Scale);
    }

    /// <summary>Inverse CDF (quantile function) loc + σ·Φ⁻¹(p), differentiable.</summary>
    /// <param name="probability">Probabilities in [0, 1] of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Quantiles of the broadcast shape (±∞ at 0 and 1).</returns>
    public Tensor Icdf(Tensor probability)
    {
        ValidateValue(probability, nameof(Icdf));
        return Loc + (Scale * NormalMath.Icdf(probability));
    }

    /// <inheritdoc />
    public override string ToString() => $"Normal(batch_shape={BatchShape})";
}
