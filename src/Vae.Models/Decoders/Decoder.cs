using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// A generative network: maps latent codes z [N, d] to the likelihood p(x|z), a distribution with batch shape [N]
/// and event shape <see cref="EventShape"/> (e.g. [784] for flattened MNIST).
/// </summary>
public abstract class Decoder : Module<Tensor, Distribution>
{
    /// <summary>Shape of one observation x.</summary>
    public abstract Shape EventShape { get; }
}
