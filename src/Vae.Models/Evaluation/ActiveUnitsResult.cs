namespace Vae.Models.Evaluation;

/// <summary>The active latent units of a model (Burda et al. 2015), from <see cref="ActiveUnits"/>.</summary>
/// <param name="Variances">Cov_x(E_q[zᵢ|x]) of each latent unit i: the variance over the data of the posterior mean.</param>
/// <param name="Threshold">A unit is active when its variance exceeds this (0.01 by default).</param>
public sealed record ActiveUnitsResult(IReadOnlyList<double> Variances, double Threshold)
{
    /// <summary>Number of active units.</summary>
    public int Count => Variances.Count(v => v > Threshold);

    /// <summary>Indices of the active units, ascending.</summary>
    public IReadOnlyList<int> Active => [.. Enumerable.Range(0, Variances.Count).Where(i => Variances[i] > Threshold)];
}
