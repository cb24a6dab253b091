using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// The prior p(z) of a latent-variable model, as a module so that learnable priors (e.g. a Gaussian mixture with
/// trainable means) register their parameters with the model. <see cref="Distribution"/> is rebuilt from the
/// current parameters on each call, so gradients flow into them.
/// </summary>
public abstract class Prior : Module
{
    /// <summary>Dimension of z.</summary>
    public abstract int LatentDim { get; }

    /// <summary>p(z) with event shape [<see cref="LatentDim"/>] and empty batch shape.</summary>
    public abstract Distribution Distribution();
}
