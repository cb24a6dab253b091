namespace Vae.Core.NN;

/// <summary>
/// Enlarges [N, C, H, W] images by integer factors (PyTorch's <c>nn.Upsample(scale_factor=…, mode="nearest")</c>;
/// see <see cref="Tensor.UpsampleNearest2d(int, int)"/>) or, when created with <see cref="ToSize(int, int, UpsampleMode)"/>,
/// resizes them to a fixed size (<c>nn.Upsample(size=…)</c>; see <see cref="Tensor.InterpolateNearest2d(int, int)"/>).
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

    private Upsample(int height, int width, UpsampleMode mode)
    {
        if (height < 1 || width < 1)
        {
            throw new ArgumentException($"Upsample: size {ConvLayerChecks.Pair((height, width))} must be positive.", nameof(height));
        }

        if (mode != UpsampleMode.Nearest)
        {
            throw new ArgumentException($"Upsample: mode {mode} is not supported (only Nearest).", nameof(mode));
        }

        Size = (height, width);
        Mode = mode;
    }

    /// <summary>
    /// A module that resizes every input to <paramref name="height"/> × <paramref name="width"/> (PyTorch's
    /// <c>nn.Upsample(size=(height, width), mode="nearest")</c>): source index <c>⌊dst · in / out⌋</c> on each axis.
    /// </summary>
    /// <param name="height">Output height, ≥ 1.</param>
    /// <param name="width">Output width, ≥ 1.</param>
    /// <param name="mode">Interpolation; only <see cref="UpsampleMode.Nearest"/>.</param>
    /// <exception cref="ArgumentException">A size is not positive or the mode is unknown.</exception>
    public static Upsample ToSize(int height, int width, UpsampleMode mode = UpsampleMode.Nearest) => new(height, width, mode);

    /// <summary>A module that resizes every input to a square <paramref name="size"/> × <paramref name="size"/> image.</summary>
    /// <param name="size">Output height and width, ≥ 1.</param>
    /// <param name="mode">Interpolation; only <see cref="UpsampleMode.Nearest"/>.</param>
    public static Upsample ToSize(int size, UpsampleMode mode = UpsampleMode.Nearest) => new(size, size, mode);

    /// <summary>(height, width) factors; (0, 0) for a module created with <see cref="ToSize(int, int, UpsampleMode)"/>.</summary>
    public (int H, int W) ScaleFactor { get; }

    /// <summary>The fixed (height, width) output size, or null for a module that scales by <see cref="ScaleFactor"/>.</summary>
    public (int H, int W)? Size { get; }

    /// <summary>Interpolation mode.</summary>
    public UpsampleMode Mode { get; }

    /// <summary>Upsamples the images.</summary>
    /// <param name="input">Shape [N, C, H, W].</param>
    /// <returns>Shape [N, C, H·scaleH, W·scaleW], or [N, C, Size.H, Size.W] for a fixed-size module.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"Upsample: input shape {input.Shape} must be [N, C, H, W].", nameof(input));
        }

        return Size is { } size ? input.InterpolateNearest2d(size.H, size.W) : input.UpsampleNearest2d(ScaleFactor.H, ScaleFactor.W);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        Size is { } size ? $"size={ConvLayerChecks.Pair(size)}, mode={Mode}" : $"scaleFactor={ConvLayerChecks.Pair(ScaleFactor)}, mode={Mode}";
}
