namespace Vae.Core.NN;

/// <summary>
/// Enlarges [N, C, H, W] images by integer factors (PyTorch's <c>nn.Upsample(scale_factor=…, mode="nearest")</c>);
/// see <see cref="Tensor.UpsampleNearest2d(int, int)"/>.
/// </summary>
public sealed class Upsample : Module<Tensor, Tensor>
{
    /// <summary>Creates the module with the same factor on both axes.</summary>
    /// <param name="scaleFactor">Integer factor, ≥ 1.</param>
    /// <param name="mode">Interpolation; only <see cref="UpsampleMode.Nearest"/>.</param>
    public Upsample(int scaleFactor, UpsampleMode mode = UpsampleMode.Nearest)
        : this((scaleFactor, scaleFactor), mode)
    {
    }

    /// <summary>Creates the module with (height, width) factors.</summary>
    /// <param name="scaleFactor">(height, width) integer factors, each ≥ 1.</param>
    /// <param name="mode">Interpolation; only <see cref="UpsampleMode.Nearest"/>.</param>
    /// <exception cref="ArgumentException">A factor is not positive or the mode is unknown.</exception>
    public Upsample((int H, int W) scaleFactor, UpsampleMode mode = UpsampleMode.Nearest)
    {
        if (scaleFactor.H < 1 || scaleFactor.W < 1)
        {
            throw new ArgumentException($"Upsample: scaleFactor {ConvLayerChecks.Pair(scaleFactor)} must be positive.", nameof(scaleFactor));
        }

        if (mode != UpsampleMode.Nearest)
        {
            throw new ArgumentException($"Upsample: mode {mode} is not supported (only Nearest).", nameof(mode));
        }

        ScaleFactor = scaleFactor;
        Mode = mode;
    }

    /// <summary>(height, width) factors.</summary>
    public (int H, int W) ScaleFactor { get; }

    /// <summary>Interpolation mode.</summary>
    public UpsampleMode Mode { get; }

    /// <summary>Upsamples the images.</summary>
    /// <param name="input">Shape [N, C, H, W].</param>
    /// <returns>Shape [N, C, H·scaleH, W·scaleW].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"Upsample: input shape {input.Shape} must be [N, C, H, W].", nameof(input));
        }

        return input.UpsampleNearest2d(ScaleFactor.H, ScaleFactor.W);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"scaleFactor={ConvLayerChecks.Pair(ScaleFactor)}, mode={Mode}";
}
