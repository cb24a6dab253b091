using System.Globalization;

namespace Vae.Core.NN;

/// <summary>Constructor validation and formatting shared by <see cref="Conv2d"/> and <see cref="ConvTranspose2d"/>.</summary>
internal static class ConvLayerChecks
{
    /// <summary>Checks channel counts, groups and the per-axis sizes; throws <see cref="ArgumentException"/> naming the layer.</summary>
    public static void Check(
        string layer, int inChannels, int outChannels, (int H, int W) kernelSize, (int H, int W) stride, (int H, int W) padding,
        (int H, int W) dilation, int groups)
    {
        if (inChannels < 1 || outChannels < 1)
        {
            throw new ArgumentException($"{layer}: inChannels ({inChannels}) and outChannels ({outChannels}) must be positive.");
        }

        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException(
                $"{layer}: groups ({groups}) must be positive and divide both inChannels ({inChannels}) and outChannels ({outChannels}).",
                nameof(groups));
        }

        if (kernelSize.H < 1 || kernelSize.W < 1)
        {
            throw new ArgumentException($"{layer}: kernelSize {Pair(kernelSize)} must be positive.", nameof(kernelSize));
        }

        if (stride.H < 1 || stride.W < 1)
        {
            throw new ArgumentException($"{layer}: stride {Pair(stride)} must be positive.", nameof(stride));
        }

        if (padding.H < 0 || padding.W < 0)
        {
            throw new ArgumentException($"{layer}: padding {Pair(padding)} must be non-negative.", nameof(padding));
        }

        if (dilation.H < 1 || dilation.W < 1)
        {
            throw new ArgumentException($"{layer}: dilation {Pair(dilation)} must be positive.", nameof(dilation));
        }
    }

    /// <summary>Formats a (height, width) pair as <c>(3, 3)</c>.</summary>
    public static string Pair((int H, int W) p) => string.Create(CultureInfo.InvariantCulture, $"({p.H}, {p.W})");

    /// <summary>
    /// Runs <paramref name="op"/> on a batched [N, C, H, W] input, or on an unbatched [C, H, W] input as a batch of one
    /// (the result then loses the batch dimension again), as PyTorch's convolution modules do.
    /// </summary>
    public static Tensor Batched(string layer, int inChannels, Tensor input, Func<Tensor, Tensor> op)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 4)
        {
            return op(input);
        }

        if (input.Rank == 3)
        {
            return op(input.Unsqueeze(0)).Squeeze(0);
        }

        throw new ArgumentException(
            $"{layer}: input shape {input.Shape} must be [N, {inChannels}, H, W] or unbatched [{inChannels}, H, W].", nameof(input));
    }
}
