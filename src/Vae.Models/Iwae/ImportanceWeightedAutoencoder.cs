using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// An importance weighted autoencoder (Burda, Grosse &amp; Salakhutdinov 2015): the networks of a VAE — an
/// <see cref="Models.Encoder"/> q(z|x), a <see cref="Models.Decoder"/> p(x|z), a <see cref="Models.Prior"/> p(z) —
/// trained on the tighter bound
/// <c>L_k(x) = E[log (1/k) Σ_j w_j]</c>, <c>w_j = p(x|z_j) p(z_j) / q(z_j|x)</c>, <c>z_1…z_k ~ q(z|x)</c>.
/// L_1 is the ELBO, L_k increases with k and tends to log p(x). The k draws per example are one reparameterised
/// sample of shape [k, N, d], decoded in one pass (the decoder receives [k, N, d] codes; <see cref="LikelihoodDecoder"/>
/// and <see cref="ConvDecoder"/> accept leading dimensions), and the log-mean-exp is taken with a stable LogSumExp.
/// Parameter names: <c>encoder.*</c>, <c>decoder.*</c>, <c>prior.*</c> (as in <see cref="VariationalAutoencoder"/>,
/// so weights move between the two).
/// </summary>
public sealed class ImportanceWeightedAutoencoder : Module, ILatentVariableModel
{
    private int _samples;

    /// <summary>Builds the model from its parts (the prior defaults to N(0, I)).</summary>
    /// <param name="encoder">q(z|x); its posterior must have a reparameterised sampler.</param>
    /// <param name="decoder">p(x|z); must accept codes [k, N, d].</param>
    /// <param name="prior">p(z); default N(0, I).</param>
    /// <param name="samples">Number of importance samples k (≥ 1; the paper uses 5 and 50).</param>
    public ImportanceWeightedAutoencoder(Encoder encoder, Decoder decoder, Prior? prior = null, int samples = 5)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        Samples = samples;
        Encoder = RegisterModule("encoder", encoder);
        Decoder = RegisterModule("decoder", decoder);
        Prior = RegisterModule("prior", prior ?? new StandardNormalPrior(encoder.LatentDim));
        if (Prior.LatentDim != encoder.LatentDim)
        {
            throw new ArgumentException($"The prior is over {Prior.LatentDim} dimensions but the encoder's latent dimension is {encoder.LatentDim}.", nameof(prior));
        }
    }

    /// <summary>
    /// An MLP IWAE: <paramref name="inputDim"/> → hidden → (μ, log σ²) in <paramref name="latentDim"/> dimensions and
    /// back; the paper's one-stochastic-layer MNIST model is <c>Mlp(784, [200, 200], 50, 50, g, activation: Activation.Tanh)</c>.
    /// </summary>
    public static ImportanceWeightedAutoencoder Mlp(
        int inputDim, IReadOnlyList<int> hidden, int latentDim, int samples, Generator generator,
        Likelihood likelihood = Likelihood.Bernoulli, Activation activation = Activation.Relu, Prior? prior = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var encoder = GaussianEncoder.Mlp(inputDim, hidden, latentDim, activation, generator);
        var decoder = LikelihoodDecoder.Mlp(latentDim, [.. hidden.Reverse()], inputDim, likelihood, activation, generator);
        return new ImportanceWeightedAutoencoder(encoder, decoder, prior, samples);
    }

    /// <summary>The inference network q(z|x) (the proposal of the importance sampler).</summary>
    public Encoder Encoder { get; }

    /// <summary>The generative network p(x|z).</summary>
    public Decoder Decoder { get; }

    /// <summary>The prior p(z).</summary>
    public Prior Prior { get; }

    /// <inheritdoc />
    public int LatentDim => Encoder.LatentDim;

    /// <summary>Number of importance samples k used by <see cref="Loss"/> and by default elsewhere (≥ 1).</summary>
    public int Samples
    {
        get => _samples;
        set => _samples = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), $"Samples must be ≥ 1, got {value}.");
    }

    /// <summary>q(z|x) for a batch.</summary>
    /// <param name="x">Inputs [N, *].</param>
    public Distribution Encode(Tensor x) => Encoder.Forward(x);

    /// <summary>p(x|z) for codes.</summary>
    /// <param name="z">Codes [*, LatentDim].</param>
    public Distribution Decode(Tensor z) => Decoder.Forward(z);

    /// <summary>
    /// Draws k reparameterised codes per example and computes their log importance weights
    /// log w = log p(x|z) + log p(z) − log q(z|x).
    /// </summary>
    /// <param name="x">Inputs [N, *] (values the likelihood accepts, e.g. binary pixels).</param>
    /// <param name="generator">Source of the reparameterisation noise ε [k, N, d].</param>
    /// <param name="samples">k; default <see cref="Samples"/>.</param>
    /// <returns>The log weights [k, N], the posterior and the codes [k, N, d].</returns>
    public IwaeTerms LogWeights(Tensor x, Generator generator, int? samples = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(generator);
        int k = samples ?? Samples;
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(samples));
        var q = Encode(x);
        if (q.BatchShape.Rank != 1)
        {
            throw new InvalidOperationException($"ImportanceWeightedAutoencoder: the encoder's posterior has batch shape {q.BatchShape} for input {x.Shape}; expected [N].");
        }

        var z = q.RSample(new Shape(k), generator);
        var logPx = Decode(z).LogProb(x);
        var logW = logPx + Prior.Distribution().LogProb(z) - q.LogProb(z);
        return new IwaeTerms(logW, q, z);
    }

    /// <summary>The IWAE bound log (1/k) Σ_j w_j per example (a stochastic lower bound on log p(x)).</summary>
    /// <param name="x">Inputs [N, *].</param>
    /// <param name="generator">Source of the reparameterisation noise.</param>
    /// <param name="samples">k; default <see cref="Samples"/>.</param>
    /// <returns>[N].</returns>
    public Tensor Bound(Tensor x, Generator generator, int? samples = null) => LogWeights(x, generator, samples).Bound;

    /// <summary>The training objective for a batch: the negative IWAE bound with <see cref="Samples"/> samples, averaged over the examples.</summary>
    /// <param name="x">Inputs [N, *].</param>
    /// <param name="generator">Source of the reparameterisation noise.</param>
    /// <returns>A scalar to call <c>Backward()</c> on.</returns>
    public Tensor Loss(Tensor x, Generator generator) => Bound(x, generator).Mean().Neg();

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

    /// <inheritdoc />
    protected override string ExtraRepr() => $"samples={Samples}";
}
