using Vae.Core;
using Vae.Core.NN;

namespace Vae.Distributions;

/// <summary>
/// The Bernoulli distribution over {0, 1}, parameterised by logits l (p = σ(l)) or probabilities p, batched over
/// the parameter's shape (scalar event). <see cref="LogProb"/> is the negative binary cross-entropy with logits,
/// <c>−softplus(−l)·x − softplus(l)·(1 − x)</c>, which is exact and finite for any finite logit and is also
/// defined for x ∈ [0, 1] (the common "BCE" likelihood of grey-level pixels; for a normalised density on [0, 1]
/// use <see cref="ContinuousBernoulli"/>). There is no reparameterised sampler.
/// </summary>
public sealed class Bernoulli : Distribution
{
    private Tensor? _probs;

    private Bernoulli(Tensor logits, Tensor? probs)
        : base(logits.Shape, Shape.Scalar)
    {
        Logits = logits;
        _probs = probs;
    }

    /// <summary>Bernoulli(σ(logits)).</summary>
    /// <param name="logits">Log-odds, any shape (the batch shape); finite values give finite log-probabilities, NaN propagates.</param>
    public static Bernoulli FromLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return new Bernoulli(logits, null);
    }

    /// <summary>Bernoulli(σ(logits)) for a single scalar logit.</summary>
    /// <param name="logits">Log-odds.</param>
    /// <param name="dtype">Element type.</param>
    public static Bernoulli FromLogits(double logits, DType dtype = DType.Float32) => FromLogits(Tensor.Scalar(logits, dtype));

    /// <summary>
    /// Bernoulli(probs). The logits used for log-probabilities are log p − log(1 − p) with p clamped to
    /// [ε, 1 − ε] (ε the dtype's machine epsilon), so p = 0 or 1 gives large finite log-odds.
    /// </summary>
    /// <param name="probs">Success probabilities in [0, 1], any shape (the batch shape).</param>
    /// <exception cref="ArgumentException">A probability lies outside [0, 1].</exception>
    public static Bernoulli FromProbs(Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        ContinuousParams.RequireInRange(nameof(Bernoulli), "probs", probs, 0, 1);
        return new Bernoulli(ContinuousParams.ProbsToLogits(probs), probs);
    }

    /// <summary>Bernoulli(probs) for a single probability.</summary>
    /// <param name="probs">Success probability in [0, 1].</param>
    /// <param name="dtype">Element type.</param>
    public static Bernoulli FromProbs(double probs, DType dtype = DType.Float32) => FromProbs(Tensor.Scalar(probs, dtype));

    /// <summary>Log-odds, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor Logits { get; }

    /// <summary>Success probabilities σ(logits) (or the given probabilities), of shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor Probs => _probs ??= Logits.Sigmoid();

    /// <inheritdoc />
    public override DType DType => Logits.DType;

    /// <inheritdoc />
    public override Tensor Mean => Probs;

    /// <summary>p·(1 − p) = σ(l)·σ(−l), of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Variance => _probs is null ? Logits.Sigmoid() * Logits.Neg().Sigmoid() : _probs * (1.0 - _probs);

    /// <summary>Draws 0/1 samples (no gradient) of shape <c>sampleShape + BatchShape</c>.</summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of randomness.</param>
    public override Tensor Sample(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using (Autograd.NoGrad())
        {
            return Probs.Detach().Expand(ExtendedShape(sampleShape)).Bernoulli(generator);
        }
    }

    /// <summary>x·log σ(l) + (1 − x)·log σ(−l) = −softplus(−l)·x − softplus(l)·(1 − x).</summary>
    /// <param name="value">Values (0/1, or any x in [0, 1] for the BCE form) of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Log-probabilities of the broadcast shape.</returns>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        return LogProbOfLogits(Logits, value);
    }

    /// <summary>Entropy p·softplus(−l) + (1 − p)·softplus(l), of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Entropy()
    {
        var p = Logits.Sigmoid();
        return (p * SoftplusExact(Logits.Neg())) + ((1.0 - p) * SoftplusExact(Logits));
    }

    /// <inheritdoc />
    public override string ToString() => $"Bernoulli(batch_shape={BatchShape})";

    /// <summary>
    /// −softplus(−l)·x − softplus(l)·(1 − x) with broadcasting. When the shapes agree (the decoder case) this is
    /// −BCE-with-logits, computed by the library's fused single-pass kernel (also in the backward pass).
    /// </summary>
    internal static Tensor LogProbOfLogits(Tensor logits, Tensor x) =>
        logits.Shape == x.Shape && logits.DType == x.DType
            ? Losses.BinaryCrossEntropyWithLogits(logits, x, Reduction.None).Neg()
            : -((SoftplusExact(logits.Neg()) * x) + (SoftplusExact(logits) * (1.0 - x)));

    /// <summary>softplus without the identity threshold (exact log1p(eˣ) for every x).</summary>
    internal static Tensor SoftplusExact(Tensor x) => x.Softplus(1.0, double.PositiveInfinity);
}
