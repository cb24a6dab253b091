using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// A variational autoencoder (Kingma &amp; Welling 2013): an <see cref="Models.Encoder"/> q(z|x), a
/// <see cref="Models.Decoder"/> p(x|z) and a <see cref="Models.Prior"/> p(z), trained by maximising the ELBO
/// with the reparameterisation trick. The KL term is analytic when a rule exists for the posterior/prior pair and
/// Monte Carlo otherwise (or when asked), so any prior with a density works; <see cref="Beta"/> weights it (β-VAE).
/// Parameter names: <c>encoder.*</c>, <c>decoder.*</c>, <c>prior.*</c>.
/// </summary>
public class VariationalAutoencoder : Module, ILatentVariableModel
{
    private int _klSamples = 1;
    private double _beta = 1.0;

    /// <summary>Builds a VAE from its parts (the prior defaults to N(0, I)).</summary>
    public VariationalAutoencoder(Encoder encoder, Decoder decoder, Prior? prior = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        Encoder = RegisterModule("encoder", encoder);
        Decoder = RegisterModule("decoder", decoder);
        Prior = RegisterModule("prior", prior ?? new StandardNormalPrior(encoder.LatentDim));
        if (Prior.LatentDim != encoder.LatentDim)
        {
            throw new ArgumentException($"The prior is over {Prior.LatentDim} dimensions but the encoder's latent dimension is {encoder.LatentDim}.", nameof(prior));
        }
    }

    /// <summary>
    /// The canonical MLP VAE: <paramref name="inputDim"/> → hidden → (μ, log σ²) in <paramref name="latentDim"/>
    /// dimensions and back, e.g. <c>Mlp(784, [400], 20, g)</c> is the PyTorch example's 784-400-20-400-784 model.
    /// </summary>
    public static VariationalAutoencoder Mlp(
        int inputDim, IReadOnlyList<int> hidden, int latentDim, Generator generator,
        Likelihood likelihood = Likelihood.Bernoulli, Activation activation = Activation.Relu, Prior? prior = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var encoder = GaussianEncoder.Mlp(inputDim, hidden, latentDim, activation, generator);
        var decoder = LikelihoodDecoder.Mlp(latentDim, [.. hidden.Reverse()], inputDim, likelihood, activation, generator);
        return new VariationalAutoencoder(encoder, decoder, prior);
    }

    /// <summary>The inference network q(z|x).</summary>
    public Encoder Encoder { get; }

    /// <summary>The generative network p(x|z).</summary>
    public Decoder Decoder { get; }

    /// <summary>The prior p(z).</summary>
    public Prior Prior { get; }

    /// <inheritdoc />
    public int LatentDim => Encoder.LatentDim;

    /// <summary>Weight of the KL term (1 for the plain VAE; β &gt; 1 for a β-VAE). Must be ≥ 0.</summary>
    public double Beta
    {
        get => _beta;
        set => _beta = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), $"Beta must be finite and ≥ 0, got {value}.");
    }

    /// <summary>How the KL term is computed.</summary>
    public KlEstimator KlEstimator { get; set; } = KlEstimator.Auto;

    /// <summary>Number of posterior draws for the Monte Carlo KL (the ml-playground seed uses 128–256 for 2-D codes).</summary>
    public int KlSamples
    {
        get => _klSamples;
        set => _klSamples = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), $"KlSamples must be ≥ 1, got {value}.");
    }

    /// <summary>q(z|x) for a batch.</summary>
    /// <param name="x">Inputs [N, *].</param>
    public Distribution Encode(Tensor x) => Encoder.Forward(x);

    /// <summary>p(x|z) for a batch of codes.</summary>
    /// <param name="z">Codes [N, LatentDim].</param>
    public Distribution Decode(Tensor z) => Decoder.Forward(z);

    /// <summary>
    /// The ELBO's terms for a batch: a single reparameterised draw z ~ q(z|x) for the likelihood, and the KL per
    /// <see cref="KlEstimator"/>.
    /// </summary>
    /// <param name="x">Inputs [N, *] (values the likelihood accepts, e.g. pixels in [0, 1]).</param>
    /// <param name="generator">Source of the reparameterisation noise (and of the Monte Carlo KL draws).</param>
    public virtual ElboTerms Elbo(Tensor x, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(generator);
        var q = Encode(x);
        var z = q.RSample(generator);
        var logLikelihood = Decode(z).LogProb(x);
        var kl = Kl(q, generator);
        return new ElboTerms(logLikelihood, kl, q, z);
    }

    /// <summary>The training objective for a batch (mean over examples of −log p(x|z) + β·KL).</summary>
    /// <param name="x">Inputs [N, *].</param>
    /// <param name="generator">Source of the reparameterisation noise.</param>
    public VaeLoss Loss(Tensor x, Generator generator)
    {
        var terms = Elbo(x, generator);
        var reconstruction = terms.LogLikelihood.Mean().Neg();
        var kl = terms.Kl.Mean();
        var total = Beta == 1.0 ? reconstruction + kl : reconstruction + (kl * Beta);
        return new VaeLoss(total, reconstruction, kl);
    }

    /// <summary>KL(q ‖ p(z)) per example, by <see cref="KlEstimator"/>.</summary>
    /// <param name="posterior">q(z|x) with batch shape [N].</param>
    /// <param name="generator">Source of the Monte Carlo draws.</param>
    /// <returns>[N].</returns>
    public virtual Tensor Kl(Distribution posterior, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        var prior = Prior.Distribution();
        bool analytic = KlEstimator switch
        {
            KlEstimator.Analytic => true,
            KlEstimator.MonteCarlo => false,
            _ => KL.HasRule(posterior, prior),
        };
        return analytic ? KL.Divergence(posterior, prior) : KL.MonteCarlo(posterior, prior, KlSamples, generator);
    }

    /// <inheritdoc />
    public Tensor EncodeMean(Tensor x)
    {
        using (Autograd.NoGrad())
        {
            return Encode(x).Mean;
        }
    }

    /// <inheritdoc />
    public Tensor DecodeMean(Tensor z)
    {
        using (Autograd.NoGrad())
        {
            return Decode(z).Mean;
        }
    }

    /// <inheritdoc />
    public Tensor Sample(int count, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using (Autograd.NoGrad())
        {
            var z = Prior.Distribution().Sample(new Shape(count), generator);
            return DecodeMean(z);
        }
    }
}
