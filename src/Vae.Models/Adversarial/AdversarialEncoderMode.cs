namespace Vae.Models;

/// <summary>How an <see cref="AdversarialAutoencoder"/> turns the encoder's q(z|x) into the code z of an input.</summary>
public enum AdversarialEncoderMode
{
    /// <summary>
    /// z = the mean of q(z|x): a deterministic encoder (the ml-playground seed and the paper's first variant). For a
    /// <see cref="GaussianEncoder"/> the log-variance outputs are then unused.
    /// </summary>
    Deterministic,

    /// <summary>z ~ q(z|x), a reparameterised draw (the paper's Gaussian-posterior variant).</summary>
    Stochastic,
}
