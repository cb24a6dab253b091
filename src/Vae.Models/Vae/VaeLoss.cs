using Vae.Core;

namespace Vae.Models;

/// <summary>
/// A batch's VAE objective: <see cref="Total"/> = mean over the batch of −log p(x|z) + β·KL, with its two parts.
/// All three are scalar tensors; <see cref="Total"/> is the one to call <c>Backward()</c> on.
/// </summary>
/// <param name="Total">Mean of −log p(x|z) + β·KL over the batch (differentiable).</param>
/// <param name="Reconstruction">Mean of −log p(x|z) (the reconstruction loss; BCE summed over pixels for Bernoulli).</param>
/// <param name="Kl">Mean KL(q(z|x) ‖ p(z)).</param>
public sealed record VaeLoss(Tensor Total, Tensor Reconstruction, Tensor Kl)
{
    /// <summary>The negative ELBO per example (β = 1), averaged over the batch.</summary>
    public double NegativeElbo => Reconstruction.Item() + Kl.Item();

    /// <summary>The values as named metrics: <c>loss</c>, <c>recon</c>, <c>kl</c>.</summary>
    public IReadOnlyDictionary<string, double> ToMetrics() => new Dictionary<string, double>
    {
        ["loss"] = Total.Item(),
        ["recon"] = Reconstruction.Item(),
        ["kl"] = Kl.Item(),
    };
}
