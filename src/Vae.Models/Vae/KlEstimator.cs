namespace Vae.Models;

/// <summary>How a VAE computes KL(q(z|x) ‖ p(z)).</summary>
public enum KlEstimator
{
    /// <summary>Analytic when a rule is registered for the pair (e.g. Gaussian vs standard normal), else Monte Carlo.</summary>
    Auto,

    /// <summary>Always the registered closed form; throws when none exists.</summary>
    Analytic,

    /// <summary>
    /// Always the Monte Carlo estimate E_q[log q(z|x) − log p(z)] from <see cref="VariationalAutoencoder.KlSamples"/>
    /// draws: works for any prior with a density (e.g. a Gaussian mixture).
    /// </summary>
    MonteCarlo,
}
