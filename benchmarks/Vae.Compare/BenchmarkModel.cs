using Vae.Core;
using Vae.Core.NN;
using Vae.Models;

namespace Vae.Compare;

/// <summary>
/// One of the four models of ARCHITECTURES.md built from the library's parts: the canonical VAE and the IWAE-paper
/// network as <see cref="VariationalAutoencoder"/> (k = 1, analytic KL) or <see cref="ImportanceWeightedAutoencoder"/>
/// (k &gt; 1), the conv VAE from <see cref="ConvEncoder"/> / <see cref="ConvDecoder"/>.
/// </summary>
internal sealed class BenchmarkModel
{
    private readonly VariationalAutoencoder? _vae;
    private readonly ImportanceWeightedAutoencoder? _iwae;

    public BenchmarkModel(string name, int k, Generator init)
    {
        Encoder encoder;
        Decoder decoder;
        switch (name)
        {
            case "vae":
                encoder = GaussianEncoder.Mlp(784, [400], 20, Activation.Relu, init);
                decoder = LikelihoodDecoder.Mlp(20, [400], 784, Likelihood.Bernoulli, Activation.Relu, init);
                break;
            case "iwae-paper-vae" or "iwae":
                encoder = GaussianEncoder.Mlp(784, [200, 200], 50, Activation.Tanh, init);
                decoder = LikelihoodDecoder.Mlp(50, [200, 200], 784, Likelihood.Bernoulli, Activation.Tanh, init);
                break;
            case "conv-vae":
                encoder = new ConvEncoder(init, 64);
                decoder = new ConvDecoder(init, 64);
                break;
            default:
                throw new ArgumentException($"Unknown model {name}.", nameof(name));
        }

        if (k == 1)
        {
            _vae = new VariationalAutoencoder(encoder, decoder) { KlEstimator = KlEstimator.Analytic };
            Module = _vae;
        }
        else
        {
            _iwae = new ImportanceWeightedAutoencoder(encoder, decoder, samples: k);
            Module = _iwae;
        }
    }

    public Module Module { get; }

    /// <summary>The batch mean of the per-image loss (negative ELBO or negative IWAE bound), for training.</summary>
    public Tensor Loss(Tensor x, Generator noise) => _vae is not null ? _vae.Loss(x, noise).Total : _iwae!.Loss(x, noise);

    /// <summary>The per-image losses [N] (evaluation).</summary>
    public Tensor PerImageLoss(Tensor x, Generator noise)
    {
        if (_vae is not null)
        {
            var terms = _vae.Elbo(x, noise);
            return terms.Kl - terms.LogLikelihood;
        }

        return _iwae!.Bound(x, noise).Neg();
    }
}
