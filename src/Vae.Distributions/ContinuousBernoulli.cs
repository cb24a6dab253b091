using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem &amp; Cunningham, 2019), the properly normalised
/// likelihood for grey-level pixels: p(x | λ) = C(λ)·λˣ·(1 − λ)^(1−x) with C(λ) = 2·atanh(1 − 2λ)/(1 − 2λ) (C = 2 at
/// λ = ½). Parameterised by logits l (λ = σ(l)) or by λ directly; batched over the parameter's shape (scalar event).
/// Everything is computed in logits, where C = l/tanh(l/2), the mean is ½ + 1/(2·tanh(l/2)) − 1/l and the variance
/// 1/l² − 1/(4·sinh²(l/2)); near λ = ½ (l = 0) these are replaced by their Taylor expansions, so values and
/// gradients are accurate and finite everywhere. Sampling inverts the CDF: x = log1p(u·(eˡ − 1))/l, which is
/// reparameterised.
/// </summary>
public sealed class ContinuousBernoulli : Distribution
{
    // Below these |l| the closed forms lose digits (or are 0/0) and Taylor series in l take over.
    private const double LogNormCut = 1e-2;
    private const double MomentCut = 0.5;
    private const double IcdfCut = 1e-6;

    private Tensor? _probs;

    private ContinuousBernoulli(Tensor logits, Tensor? probs)
        : base(logits.Shape, Shape.Scalar)
    {
        Logits = logits;
        _probs = probs;
    }

    /// <summary>CB(σ(logits)).</summary>
    /// <param name="logits">Log-odds of λ, any shape (the batch shape).</param>
    public static ContinuousBernoulli FromLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return new ContinuousBernoulli(logits, null);
    }

    /// <summary>CB(σ(logits)) for one scalar logit.</summary>
    /// <param name="logits">Log-odds of λ.</param>
    /// <param name="dtype">Element type.</param>
    public static ContinuousBernoulli FromLogits(double logits, DType dtype = DType.Float32) => FromLogits(Tensor.Scalar(logits, dtype));

    /// <summary>
    /// CB(λ = probs). The logits are log λ − log(1 − λ) with λ clamped to [ε, 1 − ε] (ε the dtype's machine epsilon).
    /// </summary>
    /// <param name="probs">Shape parameters λ in [0, 1], any shape (the batch shape).</param>
    /// <exception cref="ArgumentException">A value lies outside [0, 1].</exception>
    public static ContinuousBernoulli FromProbs(Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        ContinuousParams.RequireInRange(nameof(ContinuousBernoulli), "probs", probs, 0, 1);
        return new ContinuousBernoulli(ContinuousParams.ProbsToLogits(probs), probs);
    }

    /// <summary>CB(λ = probs) for one scalar λ.</summary>
    /// <param name="probs">λ in [0, 1].</param>
    /// <param name="dtype">Element type.</param>
    public static ContinuousBernoulli FromProbs(double probs, DType dtype = DType.Float32) => FromProbs(Tensor.Scalar(probs, dtype));

    /// <summary>Log-odds l of λ, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor Logits { get; }

    /// <summary>The shape parameter λ = σ(l) (or the given probabilities), of shape <see cref="Distribution.BatchShape"/>. Not the mean.</summary>
    public Tensor Probs => _probs ??= Logits.Sigmoid();

    /// <inheritdoc />
    public override DType DType => Logits.DType;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>E[x] = ½ + 1/(2·tanh(l/2)) − 1/l (= ½ at l = 0), of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Mean => MeanOf(Logits);

    /// <summary>Var[x] = 1/l² − 1/(4·sinh²(l/2)) (= 1/12 at l = 0), of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Variance
    {
        get
        {
            var l = Logits;
            var small = l.Abs().Lt(MomentCut);
            var safe = Tensor.Where(small, Tensor.Scalar(1, DType), l).Abs();
            // 4·sinh²(|l|/2) = expm1(|l|)·(1 − e^(−|l|)): no overflow, no cancellation for |l| ≥ the cut.
            var exact = safe.Square().Reciprocal() - (safe.Expm1() * safe.Neg().Expm1().Neg()).Reciprocal();
            var series = Poly(l.Square(), 1.0 / 12, -1.0 / 240, 1.0 / 6048, -1.0 / 172800, 1.0 / 5322240, -5.8126091525562425e-9, 1.0 / 5748019200);
            return Tensor.Where(small, series, exact);
        }
    }

    /// <summary>Reparameterised samples by the inverse CDF of u ~ U[0, 1) drawn from <paramref name="generator"/>.</summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of the uniform noise.</param>
    /// <returns>Samples in [0, 1] of shape <c>sampleShape + BatchShape</c>.</returns>
    public override Tensor RSample(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var u = Tensor.Rand(ExtendedShape(sampleShape), generator, DType);
        return IcdfOf(Logits, u);
    }

    /// <summary>log p(x) = x·log λ + (1 − x)·log(1 − λ) + log C(λ), computed as −BCE-with-logits(l, x) + log C.</summary>
    /// <param name="value">Values in [0, 1] of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Log-densities of the broadcast shape.</returns>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        return Bernoulli.LogProbOfLogits(Logits, value) + LogNormalizer(Logits);
    }

    /// <summary>
    /// Entropy −E[log p(x)] = −(m·log λ + (1 − m)·log(1 − λ) + log C) with m the mean (the log-density is linear in
    /// x), of shape <see cref="Distribution.BatchShape"/>.
    /// </summary>
    public override Tensor Entropy() => -(Bernoulli.LogProbOfLogits(Logits, Mean) + LogNormalizer(Logits));

    /// <summary>
    /// CDF F(x) = (λˣ(1 − λ)^(1−x) + λ − 1)/(2λ − 1), evaluated as σ(−l)·expm1(l·x)/tanh(l/2) for l &lt; 0 and through
    /// the symmetry F(x; l) = 1 − F(1 − x; −l) for l ≥ 0 (F(x) = x at l = 0). Values outside [0, 1] are clamped.
    /// </summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Probabilities of the broadcast shape.</returns>
    public Tensor Cdf(Tensor value)
    {
        ValidateValue(value, nameof(Cdf));
        var x = value.Clamp(0, 1);
        var l = Logits;
        var small = l.Abs().Lt(IcdfCut);
        var neg = l.Lt(0);
        var safe = Tensor.Where(small, Tensor.Scalar(-1, DType), l);
        var m = Tensor.Where(neg, safe, safe.Neg());                  // m = −|l| < 0
        var y = Tensor.Where(neg, x, 1.0 - x);
        var g = m.Neg().Sigmoid() * (m * y).Expm1() / (m * 0.5).Tanh();
        var exact = Tensor.Where(neg, g, 1.0 - g);
        var series = x - (l * x * (1.0 - x) * 0.5);
        return Tensor.Where(small, series, exact);
    }

    /// <summary>Inverse CDF x = log1p(u·(eˡ − 1))/l (x = u at l = 0), differentiable in u and the logits.</summary>
    /// <param name="probability">u in [0, 1] of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Quantiles in [0, 1] of the broadcast shape.</returns>
    public Tensor Icdf(Tensor probability)
    {
        ValidateValue(probability, nameof(Icdf));
        return IcdfOf(Logits, probability);
    }

    /// <inheritdoc />
    public override string ToString() => $"ContinuousBernoulli(batch_shape={BatchShape})";

    /// <summary>log C = log(l/tanh(l/2)), with log 2 + l²/12 − 7l⁴/1440 + 31l⁶/90720 near l = 0.</summary>
    internal static Tensor LogNormalizer(Tensor l)
    {
        var small = l.Abs().Lt(LogNormCut);
        var safe = Tensor.Where(small, Tensor.Scalar(1, l.DType), l);
        var exact = (safe / (safe * 0.5).Tanh()).Log();
        var series = Poly(l.Square(), NormalMath.Ln2, 1.0 / 12, -7.0 / 1440, 31.0 / 90720);
        return Tensor.Where(small, series, exact);
    }

    /// <summary>Mean ½ + 1/(2·tanh(l/2)) − 1/l, with its odd Taylor series near l = 0.</summary>
    internal static Tensor MeanOf(Tensor l)
    {
        var small = l.Abs().Lt(MomentCut);
        var safe = Tensor.Where(small, Tensor.Scalar(1, l.DType), l);
        var exact = ((safe * 0.5).Tanh() * 2.0).Reciprocal() - safe.Reciprocal() + 0.5;
        var series = (l * Poly(l.Square(), 1.0 / 12, -1.0 / 720, 1.0 / 30240, -1.0 / 1209600, 1.0 / 47900160, -1.0 / 1892437580.31838)) + 0.5;
        return Tensor.Where(small, series, exact);
    }

    /// <summary>
    /// Inverse CDF. For l &lt; 0: log1p(u·expm1(l))/l; for l &gt; 0 by symmetry 1 − log1p((1 − u)·expm1(−l))/(−l);
    /// near 0: u + l·u(1 − u)/2 + l²·u(1 − u)(1 − 2u)/6.
    /// </summary>
    internal static Tensor IcdfOf(Tensor l, Tensor u)
    {
        var small = l.Abs().Lt(IcdfCut);
        var neg = l.Lt(0);
        var safe = Tensor.Where(small, Tensor.Scalar(-1, l.DType), l);
        var m = Tensor.Where(neg, safe, safe.Neg());                  // m = −|l| < 0
        var v = Tensor.Where(neg, u, 1.0 - u);
        var q = (v * m.Expm1()).Log1p() / m;
        var exact = Tensor.Where(neg, q, 1.0 - q);
        var uu = u * (1.0 - u);
        var series = u + (l * uu * 0.5) + (l.Square() * uu * (1.0 - (u * 2.0)) / 6.0);
        return Tensor.Where(small, series, exact);
    }

    /// <summary>c₀ + t·(c₁ + t·(c₂ + …)) in tensor ops.</summary>
    private static Tensor Poly(Tensor t, params double[] c)
    {
        var acc = t * c[^1];
        for (int i = c.Length - 2; i >= 1; i--)
        {
            acc = (acc + c[i]) * t;
        }

        return acc + c[0];
    }
}
