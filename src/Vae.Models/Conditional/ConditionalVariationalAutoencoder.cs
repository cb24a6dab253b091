using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// A conditional VAE (Sohn et al. 2015) over labelled data (x, y) with K classes, conditioned by one-hot labels.
/// Two layouts are built in:
/// <list type="bullet">
/// <item><description>
/// <b>Label-conditioned networks</b> (<see cref="Mlp"/>): prior p(z) = N(0, I), encoder q(z|x, y) fed
/// <c>concat(x, onehot(y))</c>, decoder p(x|z, y) fed <c>concat(z, onehot(y))</c>, analytic KL. The code z holds the
/// style; the label chooses the digit.
/// </description></item>
/// <item><description>
/// <b>Per-class prior</b> (<see cref="MlpWithClassPrior"/>, the ml-playground seed's cVAE): p(z|y) is component y
/// of a <see cref="GaussianMixture"/> (by default <see cref="GaussianMixture.ConditionalVaePrior"/>: ten rotated 2-D
/// Gaussians on a circle of radius 4), the decoder p(x|z) does not see y (the code carries the class), and the
/// encoder sees x only, as in the seed's model (its encoder is called on x alone), so that codes of unlabelled test
/// images land in their class's component; pass <c>conditionEncoder: true</c> for q(z|x, y). The KL has no
/// registered closed form for this pair and is estimated by Monte Carlo with <see cref="KlSamples"/> draws (128 by
/// default, as in the seed); <see cref="KlEstimator.Analytic"/> computes the exact Gaussian KL instead.
/// </description></item>
/// </list>
/// Any other combination can be built with the constructor. Labels are 1-D index tensors (integral values, either
/// dtype) or <c>int[]</c>; out-of-range labels throw <see cref="ArgumentException"/> naming the number of classes and
/// the bad label. Parameter names: <c>encoder.*</c>, <c>decoder.*</c> (a per-class prior is fixed and not saved).
/// <para>
/// Training the per-class layout: at the start every code sits near the origin, and the decoder learns to read the
/// classes from wherever their codes are while the prior's pull is still weak (the components are wide along their
/// radius, σ = √2). Classes can then settle near the centre or on the wrong side of it, above all those whose
/// components lie opposite each other on the seed's circle (y and y + 5, e.g. 4/9 and 3/8), and with β = 1 the
/// reconstruction term keeps them there; sampling such a class from its component then decodes other digits. This
/// happens whether or not the encoder sees y. Starting with a large <see cref="Beta"/> that decays to 1 over the
/// first epochs (the Conditional sample uses 50 → 1 geometrically over 3 epochs) moves every class into its own
/// component first.
/// </para>
/// </summary>
public sealed partial class ConditionalVariationalAutoencoder : Module, ILatentVariableModel
{
    private const string Name = nameof(ConditionalVariationalAutoencoder);
    private int _klSamples = 1;
    private double _beta = 1.0;

    /// <summary>Builds a conditional VAE from its parts.</summary>
    /// <param name="encoder">
    /// q(z|x) or q(z|x, y): receives x [N, D], or <c>concat(x, onehot(y))</c> [N, D + K] when
    /// <paramref name="conditionEncoder"/> is set.
    /// </param>
    /// <param name="decoder">
    /// p(x|z) or p(x|z, y): receives z [N, d], or <c>concat(z, onehot(y))</c> [N, d + K] when
    /// <paramref name="conditionDecoder"/> is set.
    /// </param>
    /// <param name="numClasses">Number of classes K (≥ 1).</param>
    /// <param name="conditionEncoder">Whether the encoder sees the label.</param>
    /// <param name="conditionDecoder">Whether the decoder sees the label.</param>
    /// <param name="classPrior">
    /// Per-class prior: p(z|y) is component y of this mixture (K components in d dimensions, the encoder's latent
    /// dimension). Null for the standard normal prior N(0, I) shared by all classes.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The prior does not match K or d, its dtype differs from the networks', or nothing generative depends on the
    /// label (neither the decoder nor the prior).
    /// </exception>
    public ConditionalVariationalAutoencoder(
        Encoder encoder, Decoder decoder, int numClasses, bool conditionEncoder = true, bool conditionDecoder = true, GaussianMixture? classPrior = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        if (!conditionDecoder && classPrior is null)
        {
            throw new ArgumentException(
                $"{Name}: neither the decoder nor the prior depends on the label, so samples could not be conditioned; condition the decoder or give a per-class prior.",
                nameof(conditionDecoder));
        }

        Encoder = RegisterModule("encoder", encoder);
        Decoder = RegisterModule("decoder", decoder);
        NumClasses = numClasses;
        ConditionEncoder = conditionEncoder;
        ConditionDecoder = conditionDecoder;
        if (classPrior is not null)
        {
            if (classPrior.NumComponents != numClasses || classPrior.Dimension != encoder.LatentDim)
            {
                throw new ArgumentException(
                    $"{Name}: the per-class prior has {classPrior.NumComponents} components in {classPrior.Dimension} dimensions, " +
                    $"but the model has {numClasses} classes and latent dimension {encoder.LatentDim}.", nameof(classPrior));
            }

            if (Parameters() is [var first, ..] && classPrior.DType != first.DType)
            {
                throw new ArgumentException(
                    $"{Name}: the per-class prior is {classPrior.DType.Name()} but the networks' parameters are {first.DType.Name()}.", nameof(classPrior));
            }
        }

        ClassPrior = classPrior;
    }

    /// <summary>
    /// The label-conditioned CVAE: encoder (<paramref name="inputDim"/> + K) → hidden → (μ, log σ²) in
    /// <paramref name="latentDim"/> dimensions, decoder (<paramref name="latentDim"/> + K) → reversed hidden →
    /// <paramref name="inputDim"/>, prior N(0, I), analytic KL.
    /// </summary>
    /// <param name="inputDim">D, the size of one flattened input (784 for MNIST).</param>
    /// <param name="hidden">Hidden layer widths of the encoder (the decoder uses them reversed).</param>
    /// <param name="latentDim">Dimension d of z.</param>
    /// <param name="numClasses">Number of classes K.</param>
    /// <param name="generator">Random source for the initial weights.</param>
    /// <param name="likelihood">Observation model of the decoder.</param>
    /// <param name="activation">Hidden nonlinearity.</param>
    public static ConditionalVariationalAutoencoder Mlp(
        int inputDim, IReadOnlyList<int> hidden, int latentDim, int numClasses, Generator generator,
        Likelihood likelihood = Likelihood.Bernoulli, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        var encoder = GaussianEncoder.Mlp(inputDim + numClasses, hidden, latentDim, activation, generator);
        var decoder = LikelihoodDecoder.Mlp(latentDim + numClasses, [.. hidden.Reverse()], inputDim, likelihood, activation, generator);
        return new ConditionalVariationalAutoencoder(encoder, decoder, numClasses);
    }

    /// <summary>
    /// The per-class-prior CVAE of the ml-playground seed: p(z|y) = component y of <paramref name="classPrior"/>
    /// (default <see cref="GaussianMixture.ConditionalVaePrior"/>, 10 classes in 2-D), an unconditioned decoder
    /// p(x|z), an encoder q(z|x) (or q(z|x, y) with <paramref name="conditionEncoder"/>), and a Monte Carlo KL with
    /// <paramref name="klSamples"/> draws.
    /// </summary>
    /// <param name="inputDim">D, the size of one flattened input.</param>
    /// <param name="hidden">Hidden layer widths of the encoder (the decoder uses them reversed).</param>
    /// <param name="generator">Random source for the initial weights.</param>
    /// <param name="classPrior">The per-class prior (K components in d dimensions); null for the seed's.</param>
    /// <param name="conditionEncoder">Whether the encoder also sees the label (the seed's does not).</param>
    /// <param name="klSamples">Monte Carlo draws per example for the KL (the seed uses 128–256 for 2-D codes).</param>
    /// <param name="likelihood">Observation model of the decoder.</param>
    /// <param name="activation">Hidden nonlinearity.</param>
    public static ConditionalVariationalAutoencoder MlpWithClassPrior(
        int inputDim, IReadOnlyList<int> hidden, Generator generator, GaussianMixture? classPrior = null, bool conditionEncoder = false,
        int klSamples = 128, Likelihood likelihood = Likelihood.Bernoulli, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        classPrior ??= GaussianMixture.ConditionalVaePrior();
        int k = classPrior.NumComponents, d = classPrior.Dimension;
        var encoder = GaussianEncoder.Mlp(inputDim + (conditionEncoder ? k : 0), hidden, d, activation, generator);
        var decoder = LikelihoodDecoder.Mlp(d, [.. hidden.Reverse()], inputDim, likelihood, activation, generator);
        return new ConditionalVariationalAutoencoder(encoder, decoder, k, conditionEncoder, conditionDecoder: false, classPrior)
        {
            KlEstimator = KlEstimator.MonteCarlo,
            KlSamples = klSamples,
        };
    }

    /// <summary>The inference network q(z|x) or q(z|x, y).</summary>
    public Encoder Encoder { get; }

    /// <summary>The generative network p(x|z) or p(x|z, y).</summary>
    public Decoder Decoder { get; }

    /// <summary>Number of classes K.</summary>
    public int NumClasses { get; }

    /// <summary>Whether the encoder receives <c>concat(x, onehot(y))</c>.</summary>
    public bool ConditionEncoder { get; }

    /// <summary>Whether the decoder receives <c>concat(z, onehot(y))</c>.</summary>
    public bool ConditionDecoder { get; }

    /// <summary>The per-class prior (p(z|y) = component y), or null when the prior is N(0, I) for every class.</summary>
    public GaussianMixture? ClassPrior { get; }

    /// <inheritdoc />
    public int LatentDim => Encoder.LatentDim;

    /// <summary>Weight of the KL term (1 for the plain CVAE). Must be finite and ≥ 0.</summary>
    public double Beta
    {
        get => _beta;
        set => _beta = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), $"Beta must be finite and ≥ 0, got {value}.");
    }

    /// <summary>
    /// How KL(q ‖ p(z|y)) is computed. <see cref="KlEstimator.Auto"/> and <see cref="KlEstimator.Analytic"/> use a
    /// closed form (a registered rule, or the exact KL between the diagonal-Gaussian posterior and a full-covariance
    /// Gaussian class component); <see cref="KlEstimator.MonteCarlo"/> averages log q − log p over
    /// <see cref="KlSamples"/> draws.
    /// </summary>
    public KlEstimator KlEstimator { get; set; } = KlEstimator.Auto;

    /// <summary>Number of posterior draws per example for the Monte Carlo KL (≥ 1).</summary>
    public int KlSamples
    {
        get => _klSamples;
        set => _klSamples = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), $"KlSamples must be ≥ 1, got {value}.");
    }

    private DType ParameterDType => Parameters() is [var first, ..] ? first.DType : ClassPrior?.DType ?? DType.Float32;

    /// <summary>The prior p(z|y) of each example: batch shape [N], event shape [d].</summary>
    /// <param name="labels">Class indices [N].</param>
    /// <returns>N(0, I) for every example, or the examples' mixture components (a <see cref="MultivariateNormal"/> for full-covariance mixtures).</returns>
    public Distribution Prior(Tensor labels) => PriorFor(Labels(labels, null, nameof(Prior)));

    /// <summary>The prior p(z|y) of each example; see <see cref="Prior(Tensor)"/>.</summary>
    /// <param name="labels">Class indices, length N.</param>
    public Distribution Prior(int[] labels) => PriorFor(Labels(labels, null, nameof(Prior)));

    /// <summary>The approximate posterior q(z|x) or q(z|x, y) for a batch.</summary>
    /// <param name="x">Inputs [N, D].</param>
    /// <param name="labels">Class indices [N]; required when <see cref="ConditionEncoder"/> is set (validated when given).</param>
    /// <returns>A distribution with batch shape [N] and event shape [d].</returns>
    public Distribution Encode(Tensor x, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = OptionalLabels(labels, BatchSize(x, nameof(Encode)), ConditionEncoder, "encoder q(z|x, y)", nameof(Encode));
        return EncodeCore(x, y is null ? null : OneHot(y, x.DType));
    }

    /// <summary>The likelihood p(x|z) or p(x|z, y) for a batch of codes.</summary>
    /// <param name="z">Codes [N, d].</param>
    /// <param name="labels">Class indices [N]; required when <see cref="ConditionDecoder"/> is set (validated when given).</param>
    /// <returns>A distribution with batch shape [N] and the decoder's event shape.</returns>
    public Distribution Decode(Tensor z, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(z);
        var y = OptionalLabels(labels, BatchSize(z, nameof(Decode)), ConditionDecoder, "decoder p(x|z, y)", nameof(Decode));
        return DecodeCore(z, y is null ? null : OneHot(y, z.DType));
    }

    /// <summary>
    /// The ELBO's terms for a labelled batch: one reparameterised draw z ~ q for log p(x|z[, y]), and
    /// KL(q ‖ p(z|y)) per <see cref="KlEstimator"/>.
    /// </summary>
    /// <param name="x">Inputs [N, D] (values the likelihood accepts, e.g. pixels in [0, 1]).</param>
    /// <param name="labels">Class indices [N].</param>
    /// <param name="generator">Source of the reparameterisation noise (and of the Monte Carlo KL draws).</param>
    public ElboTerms Elbo(Tensor x, Tensor labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x);
        return ElboCore(x, Labels(labels, BatchSize(x, nameof(Elbo)), nameof(Elbo)), generator);
    }

    /// <summary>The training objective for a labelled batch: mean over examples of −log p(x|z[, y]) + β·KL.</summary>
    /// <param name="x">Inputs [N, D].</param>
    /// <param name="labels">Class indices [N].</param>
    /// <param name="generator">Source of the reparameterisation noise.</param>
    public VaeLoss Loss(Tensor x, Tensor labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x);
        return LossCore(x, Labels(labels, BatchSize(x, nameof(Loss)), nameof(Loss)), generator);
    }

    /// <summary>The training objective for a labelled batch; see <see cref="Loss(Tensor, Tensor, Generator)"/>.</summary>
    /// <param name="x">Inputs [N, D].</param>
    /// <param name="labels">Class indices, length N.</param>
    /// <param name="generator">Source of the reparameterisation noise.</param>
    public VaeLoss Loss(Tensor x, int[] labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x);
        return LossCore(x, Labels(labels, BatchSize(x, nameof(Loss)), nameof(Loss)), generator);
    }

    /// <summary>KL(q ‖ p(z|y)) per example, by <see cref="KlEstimator"/>.</summary>
    /// <param name="posterior">q with batch shape [N] and event shape [d].</param>
    /// <param name="labels">Class indices [N].</param>
    /// <param name="generator">Source of the Monte Carlo draws.</param>
    /// <returns>[N].</returns>
    public Tensor Kl(Distribution posterior, Tensor labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        int? n = posterior.BatchShape.Rank == 1 ? posterior.BatchShape[0] : null;
        return KlCore(posterior, Labels(labels, n, nameof(Kl)), generator);
    }

    /// <summary>Posterior means for a batch, without recording gradients.</summary>
    /// <param name="x">Inputs [N, D].</param>
    /// <param name="labels">Class indices [N] (required when the encoder is conditioned).</param>
    /// <returns>Codes [N, d].</returns>
    public Tensor EncodeMean(Tensor x, Tensor? labels)
    {
        using (Autograd.NoGrad())
        {
            return Encode(x, labels).Mean;
        }
    }

    /// <summary>Decoder means for codes, without recording gradients.</summary>
    /// <param name="z">Codes [N, d].</param>
    /// <param name="labels">Class indices [N] (required when the decoder is conditioned).</param>
    /// <returns>Outputs [N, D] (e.g. pixel intensities in [0, 1]).</returns>
    public Tensor DecodeMean(Tensor z, Tensor? labels)
    {
        using (Autograd.NoGrad())
        {
            return Decode(z, labels).Mean;
        }
    }

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        $"numClasses={NumClasses}, conditionEncoder={ConditionEncoder}, conditionDecoder={ConditionDecoder}, prior={(ClassPrior is null ? "N(0, I)" : "per-class mixture components")}";

    private Distribution EncodeCore(Tensor x, Tensor? condition) =>
        Encoder.Forward(condition is null ? x : Append(x, condition, "x", nameof(Encode)));

    private Distribution DecodeCore(Tensor z, Tensor? condition) =>
        Decoder.Forward(condition is null ? z : Append(z, condition, "z", nameof(Decode)));

    private VaeLoss LossCore(Tensor x, int[] y, Generator generator)
    {
        var terms = ElboCore(x, y, generator);
        var reconstruction = terms.LogLikelihood.Mean().Neg();
        var kl = terms.Kl.Mean();
        var total = Beta == 1.0 ? reconstruction + kl : reconstruction + (kl * Beta);
        return new VaeLoss(total, reconstruction, kl);
    }

    private ElboTerms ElboCore(Tensor x, int[] y, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var condition = OneHot(y, x.DType);
        var q = EncodeCore(x, ConditionEncoder ? condition : null);
        var z = q.RSample(generator);
        var logLikelihood = DecodeCore(z, ConditionDecoder ? condition : null).LogProb(x);
        var kl = KlCore(q, y, generator);
        return new ElboTerms(logLikelihood, kl, q, z);
    }

    private Tensor KlCore(Distribution posterior, int[] labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var prior = PriorFor(labels);
        bool analytic = KlEstimator switch
        {
            KlEstimator.Analytic => true,
            KlEstimator.MonteCarlo => false,
            _ => KL.HasRule(posterior, prior) || IsDiagonalGaussian(posterior, out _),
        };
        if (!analytic)
        {
            return KL.MonteCarlo(posterior, prior, KlSamples, generator);
        }

        if (KL.HasRule(posterior, prior))
        {
            return KL.Divergence(posterior, prior);
        }

        if (prior is MultivariateNormal mvn && IsDiagonalGaussian(posterior, out var normal))
        {
            return DiagonalToFullGaussianKl(normal, mvn);
        }

        throw new NotSupportedException(
            $"{Name}: no closed-form KL({posterior.GetType().Name} ‖ {prior.GetType().Name}); use KlEstimator.MonteCarlo.");
    }

    private Distribution PriorFor(int[] labels)
    {
        int n = labels.Length, d = LatentDim;
        if (ClassPrior is not { } mixture)
        {
            var dtype = ParameterDType;
            return new Independent(new Normal(Tensor.Zeros(new Shape(n, d), dtype), Tensor.Ones(new Shape(n, d), dtype)), 1);
        }

        var loc = mixture.ComponentMeans.IndexSelect(0, labels);
        if (mixture.ComponentScaleTril is { } tril)
        {
            return MultivariateNormal.FromScaleTril(loc, tril.IndexSelect(0, labels));
        }

        var logVariance = mixture.ComponentLogVariances!.IndexSelect(0, labels);
        return new Independent(new Normal(loc, (logVariance * 0.5).Exp()), 1);
    }

    /// <summary>
    /// KL(N(μ, diag σ²) ‖ N(m, L·Lᵀ)) = ½(‖L⁻¹·diag σ‖²_F + ‖L⁻¹(μ − m)‖² − d) + Σ log Lᵢᵢ − Σ log σᵢ, per example.
    /// </summary>
    private static Tensor DiagonalToFullGaussianKl(Normal q, MultivariateNormal p)
    {
        int d = p.Dimension;
        var eye = Tensor.Eye(d, dtype: q.DType);
        var l = p.ScaleTril;                                                        // [N, d, d]
        var scaled = Tensor.SolveTriangular(l, q.Scale.Unsqueeze(-1) * eye, upper: false);
        var offset = Tensor.SolveTriangular(l, (q.Loc - p.Loc).Unsqueeze(-1), upper: false);
        var trace = scaled.Square().Sum([-2, -1]);
        var mahalanobis = offset.Square().Sum([-2, -1]);
        var logDetP = (l * eye).Sum(-1).Log().Sum(-1);
        return ((trace + mahalanobis - d) * 0.5) + logDetP - q.LogScale.Sum(-1);
    }

    private static bool IsDiagonalGaussian(Distribution distribution, out Normal normal)
    {
        if (distribution is Independent { ReinterpretedBatchDims: 1, BaseDistribution: Normal n } && n.Loc.Rank == 2)
        {
            normal = n;
            return true;
        }

        normal = null!;
        return false;
    }

    private Tensor OneHot(int[] labels, DType dtype) => Tensor.OneHot(labels, NumClasses, dtype);

    private static Tensor Append(Tensor input, Tensor condition, string what, string method)
    {
        if (input.Rank != 2)
        {
            throw new ArgumentException(
                $"{Name}.{method}: {what} must have shape [N, features] to append the one-hot label, got {input.Shape}.", what);
        }

        return Tensor.Concat([input, condition], 1);
    }

    private static int BatchSize(Tensor input, string method) => input.Rank >= 1
        ? input.Shape[0]
        : throw new ArgumentException($"{Name}.{method}: expected a batch [N, ...], got shape {input.Shape}.", nameof(input));

    private int[] Labels(Tensor labels, int? count, string method) =>
        ClassLabels.ToArray(labels, NumClasses, count, $"{Name}.{method}");

    private int[] Labels(int[] labels, int? count, string method)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return ClassLabels.Check(labels, NumClasses, count, $"{Name}.{method}");
    }

    private int[]? OptionalLabels(Tensor? labels, int count, bool required, string network, string method)
    {
        if (labels is null)
        {
            return required
                ? throw new ArgumentException($"{Name}.{method}: the {network} needs the labels; pass one class index per example.", nameof(labels))
                : null;
        }

        var y = Labels(labels, count, method);
        return required ? y : null;
    }
}
