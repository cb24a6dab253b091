using Vae.Core;

namespace Vae.Models.Visualization;

/// <summary>
/// Originals and their reconstructions (decoder means of the codes) in pairs of rows: a row of originals with the
/// row of their reconstructions directly below, so each reconstruction sits under its original (as in the PyTorch
/// VAE example's comparison picture).
/// </summary>
public static class ReconstructionComparison
{
    /// <summary>Saves ⌈N / columns⌉ pairs of rows.</summary>
    /// <param name="path">Destination .png (written atomically; folders are created).</param>
    /// <param name="model">The model.</param>
    /// <param name="images">Originals [N, *].</param>
    /// <param name="columns">Images per row (≥ 1).</param>
    /// <param name="imageHeight">Height of one image when images are flat rows.</param>
    /// <param name="imageWidth">Width of one image when images are flat rows.</param>
    /// <param name="padding">Pixels between images.</param>
    public static void Save(string path, ILatentVariableModel model, Tensor images, int columns = 8, int imageHeight = 28, int imageWidth = 28, int padding = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var (originals, n, h, w) = ImageRows.Flatten(images, imageHeight, imageWidth, "ReconstructionComparison");
        var (recon, rn, rh, rw) = ImageRows.Flatten(model.Reconstruct(images), h, w, "ReconstructionComparison (decoded)");
        if (rn != n || rh != h || rw != w)
        {
            throw new InvalidOperationException($"ReconstructionComparison: the model reconstructed {n} {h}×{w} images as {rn} {rh}×{rw} images.");
        }

        int rows = (n + columns - 1) / columns;
        var cells = new List<float[]?>(2 * rows * columns);
        for (int r = 0; r < rows; r++)
        {
            foreach (var source in (ReadOnlySpan<float[]>)[originals, recon])
            {
                for (int c = 0; c < columns; c++)
                {
                    int i = (r * columns) + c;
                    cells.Add(i < n ? ImageRows.Cell(source, i, h, w) : null);
                }
            }
        }

        ImageRows.SaveGrid(path, cells, columns, h, w, padding, 0.5);
    }
}
