using Vae.Core;

namespace Vae.Models.Training;

/// <summary>
/// The loss of one batch as computed by the function given to <see cref="GradientObjective"/>: the differentiable
/// total to minimise and optional extra metrics to report (e.g. <c>recon</c>, <c>kl</c>).
/// </summary>
/// <param name="Total">The scalar loss (shape <c>[]</c> or any shape with one element) to call <c>Backward()</c> on.</param>
/// <param name="Metrics">
/// Extra metrics (averaged over the batch), or null. <see cref="GradientObjective"/> always reports the value of
/// <paramref name="Total"/> as <c>"loss"</c> (replacing an entry of that name).
/// </param>
public sealed record LossOutput(Tensor Total, IReadOnlyDictionary<string, double>? Metrics = null);
