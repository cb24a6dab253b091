namespace Vae.Models.Evaluation;

/// <summary>A maximum-mean-discrepancy estimate between two samples (see <see cref="TwoSample.Mmd"/>).</summary>
/// <param name="Squared">
/// The estimate of MMD² (the biased V-statistic is ≥ 0; the unbiased U-statistic may be slightly negative when the
/// distributions are equal).
/// </param>
/// <param name="Bandwidth">The Gaussian kernel's bandwidth σ used: k(a, b) = exp(−‖a − b‖² / (2σ²)).</param>
/// <param name="Unbiased">Whether <paramref name="Squared"/> is the unbiased estimate.</param>
public sealed record TwoSampleMmd(double Squared, double Bandwidth, bool Unbiased)
{
    /// <summary>MMD itself: √max(MMD², 0).</summary>
    public double Value => Math.Sqrt(Math.Max(Squared, 0));
}
