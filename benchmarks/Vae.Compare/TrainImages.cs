using Vae.Core;
using Vae.Core.Data;

namespace Vae.Compare;

/// <summary>
/// The training images as MNIST bytes (47 MB instead of 188 MB of floats); <see cref="Gather"/> converts one batch
/// (<c>byte / 255</c>, thresholded at 0.5 for the h-vae data) — the same values as gathering from a float tensor.
/// </summary>
internal sealed class TrainImages(MnistData data, int count, bool threshold)
{
    /// <summary>Number of training images (the first <c>count</c> of the split).</summary>
    public int Count { get; } = count;

    /// <summary>The images at <paramref name="indices"/>, [n, 784].</summary>
    public Tensor Gather(ReadOnlySpan<int> indices)
    {
        var x = data.GatherImages(indices);
        return threshold ? x.Gt(0.5) : x;
    }
}
