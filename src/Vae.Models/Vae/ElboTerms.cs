using Vae.Core;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>Per-example terms of the evidence lower bound ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)).</summary>
/// <param name="LogLikelihood">Single-sample estimate of E_q[log p(x|z)], shape [N].</param>
/// <param name="Kl">KL(q(z|x) ‖ p(z)) (analytic or Monte Carlo), shape [N].</param>
/// <param name="Posterior">q(z|x), batch shape [N].</param>
/// <param name="Z">The reparameterised code used for the likelihood term, [N, d].</param>
public sealed record ElboTerms(Tensor LogLikelihood, Tensor Kl, Distribution Posterior, Tensor Z)
{
    /// <summary>The ELBO per example, [N].</summary>
    public Tensor Elbo => LogLikelihood - Kl;
}
