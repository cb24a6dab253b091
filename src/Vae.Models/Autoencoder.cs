using Vae.Core;
using Vae.Core.NN;

namespace Vae.Models;

/// <summary>
/// A deterministic autoencoder, the baseline the VAE is compared with: z = encoder(x), loss = −log p(x|z) (BCE for
/// a Bernoulli decoder). Generation decodes codes drawn from N(0, I), as the vae_mnist seed does, which shows why
/// an unregularised latent space generates poorly. Parameter names: <c>encoder.*</c>, <c>decoder.*</c>.
/// </summary>
public sealed class Autoencoder : Module, ILatentVariableModel
{
    /// <summary>Builds the autoencoder from a deterministic encoder and a decoder.</summary>
    /// <param name="encoder">Maps [N, *] inputs to [N, <paramref name="latentDim"/>] codes.</param>
    /// <param name="decoder">p(x|z).</param>
    /// <param name="latentDim">Dimension of the codes.</param>
    public Autoencoder(Module<Tensor, Tensor> encoder, Decoder decoder, int latentDim)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        LatentDim = latentDim;
        Encoder = RegisterModule("encoder", encoder);
        Decoder = RegisterModule("decoder", decoder);
    }

    /// <summary>An MLP autoencoder with the same shape as <see cref="VariationalAutoencoder.Mlp"/> (one code per input instead of μ and log σ²).</summary>
    public static Autoencoder Mlp(
        int inputDim, IReadOnlyList<int> hidden, int latentDim, Generator generator,
        Likelihood likelihood = Likelihood.Bernoulli, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var encoder = new Vae.Models.Mlp([inputDim, .. hidden, latentDim], activation, generator);
        var decoder = LikelihoodDecoder.Mlp(latentDim, [.. hidden.Reverse()], inputDim, likelihood, activation, generator);
        return new Autoencoder(encoder, decoder, latentDim);
    }

    /// <summary>The deterministic encoder.</summary>
    public Module<Tensor, Tensor> Encoder { get; }

    /// <summary>The decoder p(x|z).</summary>
    public Decoder Decoder { get; }

    /// <inheritdoc />
    public int LatentDim { get; }

    /// <summary>Codes for a batch (differentiable).</summary>
    /// <param name="x">Inputs [N, *].</param>
    /// <returns>[N, LatentDim].</returns>
    public Tensor Encode(Tensor x)
    {
        var z = Encoder.Forward(x);
        if (z.Rank != 2 || z.Shape[1] != LatentDim)
        {
            throw new InvalidOperationException($"Autoencoder: the encoder produced {z.Shape} for input {x.Shape}; expected [N, {LatentDim}].");
        }

        return z;
    }

    /// <summary>Mean over the batch of −log p(x | encoder(x)) (a scalar to call <c>Backward()</c> on).</summary>
    /// <param name="x">Inputs [N, *].</param>
    public Tensor Loss(Tensor x) => Decoder.Forward(Encode(x)).LogProb(x).Mean().Neg();

    /// <inheritdoc />
    public Tensor EncodeMean(Tensor x)
    {
        using (Autograd.NoGrad())
        {
            return Encode(x);
        }
    }

    /// <inheritdoc />
    public Tensor DecodeMean(Tensor z)
    {
        using (Autograd.NoGrad())
        {
            return Decoder.Forward(z).Mean;
        }
    }

    /// <inheritdoc />
    public Tensor Sample(int count, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var dtype = Parameters()[0].DType;
        return DecodeMean(Tensor.Randn(new Shape(count, LatentDim), generator, dtype));
    }
}
