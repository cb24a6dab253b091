using Vae.Core;

namespace Vae.Models.Visualization;

/// <summary>
/// Latent interpolations, one row per pair: the original x₁, the decoded points of the straight segment between the
/// codes of x₁ and x₂ (its ends are their reconstructions, see <see cref="ILatentVariableModel.Interpolate"/>), and
/// the original x₂.
/// </summary>
public static class InterpolationStrip
{
    /// <summary>Saves one row per pair (steps + 2 images per row).</summary>
    /// <param name="path">Destination .png (written atomically; folders are created).</param>
    /// <param name="model">The model.</param>
    /// <param name="from">Start images x₁ [P, *].</param>
    /// <param name="to">End images x₂ [P, *], same shape.</param>
    /// <param name="steps">Decoded points per row including both ends (≥ 2).</param>
    /// <param name="imageHeight">Height of one image when images are flat rows.</param>
    /// <param name="imageWidth">Width of one image when images are flat rows.</param>
    /// <param name="padding">Pixels between images.</param>
    public static void Save(string path, ILatentVariableModel model, Tensor from, Tensor to, int steps = 10, int imageHeight = 28, int imageWidth = 28, int padding = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        if (from.Shape != to.Shape || from.Rank < 2)
        {
            throw new ArgumentException($"InterpolationStrip: start and end images must be batches of the same shape [P, *], got {from.Shape} and {to.Shape}.");
        }

        var (a, pairs, h, w) = ImageRows.Flatten(from, imageHeight, imageWidth, "InterpolationStrip");
        var (b, _, _, _) = ImageRows.Flatten(to, imageHeight, imageWidth, "InterpolationStrip");
        var cells = new List<float[]?>(pairs * (steps + 2));
        for (int p = 0; p < pairs; p++)
        {
            var path1 = model.Interpolate(from.Narrow(0, p, 1), to.Narrow(0, p, 1), steps);
            var (values, count, ph, pw) = ImageRows.Flatten(path1, h, w, "InterpolationStrip (decoded)");
            if (ph != h || pw != w || count != steps)
            {
                throw new InvalidOperationException($"InterpolationStrip: the model decoded {path1.Shape} for {steps} codes; expected {steps} {h}×{w} images.");
            }

            cells.Add(ImageRows.Cell(a, p, h, w));
            for (int s = 0; s < steps; s++)
            {
                cells.Add(ImageRows.Cell(values, s, h, w));
            }

            cells.Add(ImageRows.Cell(b, p, h, w));
        }

        ImageRows.SaveGrid(path, cells, steps + 2, h, w, padding, 0.5);
    }
}
