using Vae.Core;
using Vae.Core.NN;

namespace Vae.Models.Visualization;

/// <summary>Helpers shared by the picture builders: image batches as flat rows, the element type of a model.</summary>
internal static class ImageRows
{
    /// <summary>
    /// Flattens [N, H·W] (with the given size), [N, H, W] or [N, 1, H, W] images to float rows [N·H·W] and returns the
    /// image size.
    /// </summary>
    public static (float[] Values, int Count, int Height, int Width) Flatten(Tensor images, int imageHeight, int imageWidth, string what)
    {
        ArgumentNullException.ThrowIfNull(images, what);
        int n, h, w;
        var shape = images.Shape;
        switch (images.Rank)
        {
            case 2 when shape[1] == imageHeight * imageWidth:
                (n, h, w) = (shape[0], imageHeight, imageWidth);
                break;
            case 3:
                (n, h, w) = (shape[0], shape[1], shape[2]);
                break;
            case 4 when shape[1] == 1:
                (n, h, w) = (shape[0], shape[2], shape[3]);
                break;
            default:
                throw new ArgumentException(
                    $"{what}: expected grayscale images [N, {imageHeight * imageWidth}] ({imageHeight}×{imageWidth}), [N, H, W] or [N, 1, H, W], got {shape}.", what);
        }

        return (images.ToArray(), n, h, w);
    }

    /// <summary>The element type of a model's parameters (float32 when it has none or is not a module).</summary>
    public static DType DTypeOf(ILatentVariableModel model) =>
        model is Module m && m.Parameters() is { Count: > 0 } ps ? ps[0].DType : DType.Float32;

    /// <summary>Saves rows of images (null rows are left as background) as a grid with a fixed number of columns.</summary>
    public static void SaveGrid(string path, IReadOnlyList<float[]?> cells, int columns, int h, int w, int padding, double background)
    {
        var all = new float[cells.Count * h * w];
        for (int i = 0; i < cells.Count; i++)
        {
            var span = all.AsSpan(i * h * w, h * w);
            if (cells[i] is { } cell)
            {
                cell.CopyTo(span);
            }
            else
            {
                span.Fill((float)background);
            }
        }

        ImageGrid.Save(path, Tensor.FromArray(all, cells.Count, h * w), columns, padding, h, w, background);
    }

    /// <summary>Image <paramref name="index"/> of flat rows.</summary>
    public static float[] Cell(float[] values, int index, int h, int w) => values.AsSpan(index * h * w, h * w).ToArray();
}
