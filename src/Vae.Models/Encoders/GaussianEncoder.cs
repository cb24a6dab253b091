using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// A diagonal-Gaussian encoder: a body network outputs 2·d values per example, split into the mean μ and the
/// log-variance log σ²; q(z|x) = Π N(zᵢ; μᵢ, σᵢ²) (an <see cref="Independent"/> of <see cref="Normal"/>s, so
/// KL against a standard-normal prior is analytic).
/// </summary>
public sealed class GaussianEncoder : Encoder
{
    private readonly Module<Tensor, Tensor> _body;

    /// <summary>Wraps a body network whose last dimension is 2·<paramref name="latentDim"/> (μ first, then log σ²).</summary>
    /// <param name="body">Network mapping [N, *] inputs to [N, 2·latentDim].</param>
    /// <param name="latentDim">Dimension of z.</param>
    public GaussianEncoder(Module<Tensor, Tensor> body, int latentDim)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        LatentDim = latentDim;
        _body = RegisterModule("body", body);
    }

    /// <summary>
    /// An MLP encoder: <paramref name="inputDim"/> → hidden layers → 2·<paramref name="latentDim"/>
    /// (the canonical VAE is <c>Mlp(784, [400], 20, Activation.Relu, g)</c>).
    /// </summary>
    public static GaussianEncoder Mlp(int inputDim, IReadOnlyList<int> hidden, int latentDim, Activation activation, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        int[] sizes = [inputDim, .. hidden, 2 * latentDim];
        return new GaussianEncoder(new Vae.Models.Mlp(sizes, activation, generator), latentDim);
    }

    /// <inheritdoc />
    public override int LatentDim { get; }

    /// <summary>The posterior parameters for a batch.</summary>
    /// <param name="input">[N, *] inputs accepted by the body network.</param>
    /// <returns>μ and log σ², each [N, LatentDim].</returns>
    public (Tensor Mean, Tensor LogVar) Parameters(Tensor input)
    {
        var h = _body.Forward(input);
        if (h.Rank != 2 || h.Shape[1] != 2 * LatentDim)
        {
            throw new InvalidOperationException(
                $"GaussianEncoder: the body network produced {h.Shape} for input {input.Shape}; expected [N, {2 * LatentDim}] (μ and log σ² for latentDim {LatentDim}).");
        }

        var parts = h.Chunk(2, 1);
        return (parts[0], parts[1]);
    }

    /// <summary>q(z|x) for a batch.</summary>
    /// <param name="input">[N, *] inputs.</param>
    /// <returns>A distribution with batch shape [N] and event shape [LatentDim].</returns>
    public override Distribution Forward(Tensor input)
    {
        var (mean, logVar) = Parameters(input);
        return new Independent(new Normal(mean, (logVar * 0.5).Exp()), 1);
    }
}
