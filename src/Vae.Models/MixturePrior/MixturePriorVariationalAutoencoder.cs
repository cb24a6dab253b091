using Vae.Core;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// The mixture-of-Gaussians-prior VAE of the 2016 Torch experiments: a diagonal-Gaussian posterior q(z|x), a decoder
/// p(x|z) and a <see cref="GaussianMixturePrior"/> (e.g. 1000 learnable components in 10 dimensions), so that each
/// mode of the data can sit on its own island of latent space. The KL term is, per <see cref="MixtureKl"/>, the
/// closed-form variational approximation −log Σ_k w_k exp(−KL(q ‖ p_k)) (<see cref="GaussianMixtureKl.Variational"/>,
/// an upper bound on the exact KL, the default as in the seed) or the Monte Carlo estimate of the base class.
/// Decoding the component means (<see cref="DecodeComponentMeans"/>) gives the prior's "characteristic images".
/// Parameter names are those of <see cref="VariationalAutoencoder"/>: <c>encoder.*</c>, <c>decoder.*</c>,
/// <c>prior.means</c>, <c>prior.log_vars</c>, <c>prior.logits</c>.
/// </summary>
public sealed class MixturePriorVariationalAutoencoder : VariationalAutoencoder
{
    /// <summary>Builds the model from its parts.</summary>
    /// <param name="encoder">A diagonal-Gaussian encoder (e.g. <see cref="GaussianEncoder"/>).</param>
    /// <param name="decoder">The decoder.</param>
    /// <param name="prior">The mixture prior, over the encoder's latent dimension.</param>
    public MixturePriorVariationalAutoencoder(Encoder encoder, Decoder decoder, GaussianMixturePrior prior)
        : base(encoder, decoder, prior ?? throw new ArgumentNullException(nameof(prior)))
    {
        MixturePrior = prior;
    }

    /// <summary>
    /// An MLP model: <paramref name="inputDim"/> → hidden → (μ, log σ²) in <paramref name="latentDim"/> dimensions and
    /// back, with a <paramref name="numComponents"/>-component mixture prior initialised per <paramref name="priorOptions"/>
    /// (the seed's setting is <c>Mlp(784, [400], 10, 1000, g)</c>).
    /// </summary>
    /// <param name="inputDim">Dimension of x.</param>
    /// <param name="hidden">Hidden layer sizes of the encoder (the decoder mirrors them).</param>
    /// <param name="latentDim">Dimension of z.</param>
    /// <param name="numComponents">Number of mixture components K.</param>
    /// <param name="generator">Source of the initial weights and prior means.</param>
    /// <param name="likelihood">The decoder's likelihood.</param>
    /// <param name="activation">Hidden-layer activation.</param>
    /// <param name="priorOptions">Initialisation and learnability of the prior; null for learnable means and log-variances.</param>
    public static MixturePriorVariationalAutoencoder Mlp(
        int inputDim, IReadOnlyList<int> hidden, int latentDim, int numComponents, Generator generator,
        Likelihood likelihood = Likelihood.Bernoulli, Activation activation = Activation.Relu, GaussianMixturePriorOptions? priorOptions = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var encoder = GaussianEncoder.Mlp(inputDim, hidden, latentDim, activation, generator);
        var decoder = LikelihoodDecoder.Mlp(latentDim, [.. hidden.Reverse()], inputDim, likelihood, activation, generator);
        var prior = new GaussianMixturePrior(numComponents, latentDim, generator, priorOptions);
        return new MixturePriorVariationalAutoencoder(encoder, decoder, prior);
    }

    /// <summary>The prior as its concrete type (the same module as <see cref="VariationalAutoencoder.Prior"/>).</summary>
    public GaussianMixturePrior MixturePrior { get; }

    /// <summary>How the KL term is computed (default: the variational approximation).</summary>
    public MixtureKlEstimator MixtureKl { get; set; } = MixtureKlEstimator.Variational;

    /// <summary>
    /// KL(q ‖ p(z)) per example: <see cref="GaussianMixtureKl.Variational"/> (deterministic; the generator is unused)
    /// or, with <see cref="MixtureKlEstimator.MonteCarlo"/>, the base class's estimate from
    /// <see cref="VariationalAutoencoder.KlSamples"/> draws.
    /// </summary>
    /// <param name="posterior">q(z|x) with batch shape [N] (a diagonal Gaussian for the variational approximation).</param>
    /// <param name="generator">Source of the Monte Carlo draws.</param>
    /// <returns>[N].</returns>
    public override Tensor Kl(Distribution posterior, Generator generator) => MixtureKl switch
    {
        MixtureKlEstimator.Variational => GaussianMixtureKl.Variational(posterior, MixturePrior.Mixture()),
        MixtureKlEstimator.MonteCarlo => base.Kl(posterior, generator),
        _ => throw new InvalidOperationException($"MixturePriorVariationalAutoencoder: unknown KL estimator {MixtureKl}."),
    };

    /// <summary>
    /// Which components explain each input: the optimal variational weights φ_k ∝ w_k exp(−KL(q(z|x) ‖ p_k))
    /// (<see cref="GaussianMixtureKl.Responsibilities"/>), without gradient.
    /// </summary>
    /// <param name="x">Inputs [N, *].</param>
    /// <returns>[N, K], rows summing to 1.</returns>
    public Tensor ComponentResponsibilities(Tensor x)
    {
        using (Autograd.NoGrad())
        {
            return GaussianMixtureKl.Responsibilities(Encode(x), MixturePrior.Mixture());
        }
    }

    /// <summary>
    /// The decoder's mean at the component means μ_start … μ_(start+count−1): the prior's "characteristic images".
    /// </summary>
    /// <param name="start">First component (≥ 0).</param>
    /// <param name="count">Number of components (≥ 0, start + count ≤ K).</param>
    /// <returns>[count, *] decoder means (e.g. pixel probabilities [count, 784]).</returns>
    public Tensor DecodeComponentMeans(int start, int count)
    {
        int k = MixturePrior.NumComponents;
        if (start < 0 || count < 0 || start + count > k)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"DecodeComponentMeans: components [{start}, {start + count}) are not within [0, {k}).");
        }

        using (Autograd.NoGrad())
        {
            return DecodeMean(MixturePrior.Means.Detach().Narrow(0, start, count));
        }
    }

    /// <summary>Decodes <paramref name="count"/> draws from component <paramref name="component"/> of the prior.</summary>
    /// <param name="component">Component index in [0, K).</param>
    /// <param name="count">Number of draws (≥ 1).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>[count, *] decoder means.</returns>
    public Tensor SampleComponent(int component, int count, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var (z, _) = MixturePrior.Sample(count, generator, component);
        return DecodeMean(z);
    }
}
