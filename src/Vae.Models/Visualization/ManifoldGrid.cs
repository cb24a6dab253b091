using Vae.Core;

namespace Vae.Models.Visualization;

/// <summary>
/// The learned data manifold (Kingma &amp; Welling 2013, figure 4): decoder outputs for a regular grid of codes,
/// tiled into one picture. Columns run along latent dimension <c>dimX</c> from −range to +range (left to right), rows
/// along <c>dimY</c> from +range down to −range (top to bottom), as on a plot with z₂ upwards. For models with more
/// than two latent dimensions the two chosen dimensions vary and all others stay at zero (the prior mean).
/// </summary>
public static class ManifoldGrid
{
    /// <summary>The grid of codes, in the picture's reading order (row by row from the top).</summary>
    /// <param name="latentDim">Dimension of the codes (≥ 2).</param>
    /// <param name="size">Images per row and per column (≥ 2).</param>
    /// <param name="range">Half-width of the square: each varied coordinate goes from −range to +range.</param>
    /// <param name="dimX">Latent dimension varied along the columns.</param>
    /// <param name="dimY">Latent dimension varied along the rows (descending from the top).</param>
    /// <param name="dtype">Element type of the codes.</param>
    /// <returns>Codes [size², latentDim].</returns>
    public static Tensor Codes(int latentDim, int size = 20, double range = 3.0, int dimX = 0, int dimY = 1, DType dtype = DType.Float32)
    {
        Validate(latentDim, size, range, dimX, dimY);
        var codes = new double[size * size * latentDim];
        for (int r = 0; r < size; r++)
        {
            double y = range - (2 * range * r / (size - 1));
            for (int c = 0; c < size; c++)
            {
                double x = -range + (2 * range * c / (size - 1));
                int row = ((r * size) + c) * latentDim;
                codes[row + dimX] = x;
                codes[row + dimY] = y;
            }
        }

        return Tensor.FromArray(codes, size * size, latentDim).To(dtype);
    }

    /// <summary>Decodes the grid of <see cref="Codes"/> with the model and saves it as one PNG (size × size images).</summary>
    /// <param name="path">Destination .png (written atomically; folders are created).</param>
    /// <param name="model">The model; its decoder means are drawn.</param>
    /// <param name="size">Images per row and per column (20 in Kingma &amp; Welling's figure).</param>
    /// <param name="range">Half-width of the square of codes.</param>
    /// <param name="dimX">Latent dimension varied along the columns.</param>
    /// <param name="dimY">Latent dimension varied along the rows.</param>
    /// <param name="imageHeight">Height of one image when the model outputs flat rows.</param>
    /// <param name="imageWidth">Width of one image when the model outputs flat rows.</param>
    /// <param name="padding">Pixels between images (0: a seamless manifold as in the paper).</param>
    public static void Save(string path, ILatentVariableModel model, int size = 20, double range = 3.0, int dimX = 0, int dimY = 1, int imageHeight = 28, int imageWidth = 28, int padding = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        var codes = Codes(model.LatentDim, size, range, dimX, dimY, ImageRows.DTypeOf(model));
        ImageGrid.Save(path, model.DecodeMean(codes), size, padding, imageHeight, imageWidth);
    }

    private static void Validate(int latentDim, int size, double range, int dimX, int dimY)
    {
        if (latentDim < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(latentDim), $"ManifoldGrid: needs a latent dimension of at least 2, got {latentDim}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        if (!(range > 0) || double.IsInfinity(range))
        {
            throw new ArgumentOutOfRangeException(nameof(range), $"ManifoldGrid: range must be positive and finite, got {range}.");
        }

        if ((uint)dimX >= (uint)latentDim || (uint)dimY >= (uint)latentDim || dimX == dimY)
        {
            throw new ArgumentException($"ManifoldGrid: dimX ({dimX}) and dimY ({dimY}) must be two different dimensions in [0, {latentDim}).");
        }
    }
}
