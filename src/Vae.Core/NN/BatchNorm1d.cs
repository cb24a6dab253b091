namespace Vae.Core.NN;

/// <summary>
/// Batch normalisation of [N, C] or [N, C, L] inputs over N (and L), per channel C (PyTorch's <c>nn.BatchNorm1d</c>);
/// see <see cref="BatchNorm"/> for the computation and state.
/// </summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer (PyTorch defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics).</summary>
    /// <param name="numFeatures">Number of channels C.</param>
    /// <param name="eps">Added to the variance for numerical stability (&gt; 0).</param>
    /// <param name="momentum">Weight of the newest batch in the running estimates, in [0, 1]; null for a cumulative average.</param>
    /// <param name="affine">Whether the layer has a learnable per-channel weight and bias.</param>
    /// <param name="trackRunningStats">Whether running estimates are kept and used in evaluation mode.</param>
    /// <param name="dtype">Element type of the parameters and buffers (inputs must match).</param>
    public BatchNorm1d(
        int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
    {
    }

    private protected override void CheckInputShape(Tensor input)
    {
        if (input.Rank is not (2 or 3))
        {
            throw new ArgumentException(
                $"BatchNorm1d: input shape {input.Shape} must be [N, {NumFeatures}] or [N, {NumFeatures}, L].", nameof(input));
        }
    }
}
