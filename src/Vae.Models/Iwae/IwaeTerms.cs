using Vae.Core;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// The importance weights of an <see cref="ImportanceWeightedAutoencoder"/> for a batch: k reparameterised draws
/// z_j ~ q(z|x) per example and their log weights log w_j = log p(x|z_j) + log p(z_j) − log q(z_j|x).
/// </summary>
/// <param name="LogWeights">log w, shape [k, N] (sample-major).</param>
/// <param name="Posterior">q(z|x), batch shape [N].</param>
/// <param name="Z">The draws, shape [k, N, d].</param>
public sealed record IwaeTerms(Tensor LogWeights, Distribution Posterior, Tensor Z)
{
    /// <summary>Number of importance samples k.</summary>
    public int Samples => LogWeights.Shape[0];

    /// <summary>
    /// The IWAE bound per example, log (1/k) Σ_j w_j = LogSumExp_j(log w_j) − log k, computed stably; shape [N].
    /// For k = 1 it is the single-sample ELBO estimate log p(x|z) + log p(z) − log q(z|x).
    /// </summary>
    public Tensor Bound => LogWeights.LogSumExp(0) - Math.Log(Samples);

    /// <summary>
    /// Effective sample size of the normalised weights per example, (Σ w)² / Σ w², in [1, k]; shape [N]
    /// (no gradient).
    /// </summary>
    public Tensor EffectiveSampleSize()
    {
        using (Autograd.NoGrad())
        {
            var logW = LogWeights.Detach();
            return ((logW.LogSumExp(0) * 2.0) - (logW * 2.0).LogSumExp(0)).Exp();
        }
    }
}
