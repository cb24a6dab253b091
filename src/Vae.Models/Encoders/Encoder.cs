using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// An inference network: maps a batch of inputs x [N, *] to the approximate posterior q(z|x), a distribution with
/// batch shape [N] and event shape [<see cref="LatentDim"/>].
/// </summary>
public abstract class Encoder : Module<Tensor, Distribution>
{
    /// <summary>Dimension of the latent code z.</summary>
    public abstract int LatentDim { get; }
}
