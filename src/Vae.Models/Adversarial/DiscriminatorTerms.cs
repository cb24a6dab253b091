using Vae.Core;

namespace Vae.Models;

/// <summary>
/// The discriminator's loss on one batch of an <see cref="AdversarialAutoencoder"/>: binary cross-entropy on logits with
/// prior samples as real (target 1) and encoded codes as fake (target 0), averaged over all 2·N inputs.
/// </summary>
/// <param name="Total">The loss to minimise, a scalar: (RealLoss + FakeLoss) / 2.</param>
/// <param name="RealLoss">Mean BCE of the prior samples (−mean log D(z_prior)).</param>
/// <param name="FakeLoss">Mean BCE of the codes (−mean log(1 − D(z_code))).</param>
/// <param name="Accuracy">Fraction of the 2·N inputs the discriminator classifies correctly (logit &gt; 0 means real).</param>
public sealed record DiscriminatorTerms(Tensor Total, double RealLoss, double FakeLoss, double Accuracy);
