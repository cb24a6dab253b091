using System.Globalization;

namespace Vae.Models.Evaluation;

/// <summary>
/// Importance-sampled log-likelihoods log p(x) of a dataset (in nats), from
/// <see cref="ImportanceSampling"/>.
/// </summary>
/// <param name="PerExample">log p(x) of every example, in dataset order.</param>
/// <param name="Samples">Importance samples per example (k).</param>
public sealed record LogLikelihoodResult(IReadOnlyList<double> PerExample, int Samples)
{
    /// <summary>Number of examples.</summary>
    public int Count => PerExample.Count;

    /// <summary>Mean log p(x) per example.</summary>
    public double Mean => PerExample.Count == 0 ? double.NaN : PerExample.Average();

    /// <summary>The test negative log-likelihood, −<see cref="Mean"/> (lower is better).</summary>
    public double Nll => -Mean;

    /// <summary>Standard error of <see cref="Mean"/> over the examples (spread of the data, not of the estimator).</summary>
    public double StandardError
    {
        get
        {
            int n = PerExample.Count;
            if (n < 2)
            {
                return double.NaN;
            }

            double mean = Mean, ss = 0;
            foreach (double v in PerExample)
            {
                ss += (v - mean) * (v - mean);
            }

            return Math.Sqrt(ss / (n - 1) / n);
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"NLL {Nll:F3} ± {StandardError:F3} (k = {Samples}, {Count} examples)");
}
