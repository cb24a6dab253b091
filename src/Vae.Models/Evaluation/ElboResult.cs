using System.Globalization;

namespace Vae.Models.Evaluation;

/// <summary>
/// The evidence lower bound of a dataset under a <see cref="VariationalAutoencoder"/>, as means per example (in nats):
/// <see cref="NegativeElbo"/> = <see cref="Reconstruction"/> + <see cref="Kl"/>, the "test loss" of the classic
/// PyTorch VAE example (β = 1, whatever the model's training β).
/// </summary>
/// <param name="Reconstruction">Mean of −log p(x|z), z ~ q(z|x) (BCE summed over pixels for a Bernoulli decoder).</param>
/// <param name="Kl">Mean of KL(q(z|x) ‖ p(z)) (analytic or Monte Carlo, per the model's <see cref="VariationalAutoencoder.KlEstimator"/>).</param>
/// <param name="NegativeElboPerExample">−ELBO of every example, in dataset order.</param>
/// <param name="Samples">Posterior draws averaged per example for the likelihood term.</param>
public sealed record ElboResult(double Reconstruction, double Kl, IReadOnlyList<double> NegativeElboPerExample, int Samples)
{
    /// <summary>Number of examples evaluated.</summary>
    public int Count => NegativeElboPerExample.Count;

    /// <summary>Mean negative ELBO per example (= <see cref="Reconstruction"/> + <see cref="Kl"/>).</summary>
    public double NegativeElbo => Reconstruction + Kl;

    /// <summary>Mean ELBO per example, a lower bound of the mean log-likelihood.</summary>
    public double Elbo => -NegativeElbo;

    /// <summary>The values as named metrics: <c>neg_elbo</c>, <c>recon</c>, <c>kl</c>.</summary>
    public IReadOnlyDictionary<string, double> ToMetrics() => new Dictionary<string, double>
    {
        ["neg_elbo"] = NegativeElbo,
        ["recon"] = Reconstruction,
        ["kl"] = Kl,
    };

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"-ELBO {NegativeElbo:F3} (recon {Reconstruction:F3}, KL {Kl:F3}) over {Count} examples");
}
