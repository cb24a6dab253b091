namespace Vae.Models;

/// <summary>How a <see cref="MixturePriorVariationalAutoencoder"/> computes KL(q(z|x) ‖ p(z)) against its Gaussian-mixture prior.</summary>
public enum MixtureKlEstimator
{
    /// <summary>
    /// The closed-form variational approximation −log Σ_k w_k exp(−KL(q ‖ p_k)) of the 2016 mixture-prior experiments
    /// (<see cref="GaussianMixtureKl.Variational"/>): deterministic, cheap, and an upper bound on the exact KL, so the
    /// ELBO it gives is a lower bound on the exact ELBO.
    /// </summary>
    Variational,

    /// <summary>
    /// The unbiased Monte Carlo estimate E_q[log q(z|x) − log p(z)] from <see cref="VariationalAutoencoder.KlSamples"/>
    /// reparameterised draws.
    /// </summary>
    MonteCarlo,
}
