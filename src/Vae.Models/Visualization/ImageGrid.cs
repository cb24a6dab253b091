using Vae.Core;

namespace Vae.Models.Visualization;

/// <summary>Tiles a batch of images into one picture (like torchvision's make_grid) and saves it as PNG.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Saves <paramref name="images"/> as a grayscale PNG grid.
    /// </summary>
    /// <param name="path">Destination .png file (written atomically; folders are created).</param>
    /// <param name="images">Images with values in [0, 1] (clamped): [N, H, W], [N, 1, H, W], or [N, H·W] with
    /// <paramref name="imageHeight"/>/<paramref name="imageWidth"/> given (default 28×28, MNIST).</param>
    /// <param name="columns">Images per row (default: ⌈√N⌉).</param>
    /// <param name="padding">Pixels of background between images and around the grid.</param>
    /// <param name="imageHeight">Height of one image when <paramref name="images"/> is [N, H·W].</param>
    /// <param name="imageWidth">Width of one image when <paramref name="images"/> is [N, H·W].</param>
    /// <param name="background">Background intensity in [0, 1].</param>
    public static void Save(string path, Tensor images, int? columns = null, int padding = 2, int imageHeight = 28, int imageWidth = 28, double background = 0.5)
    {
        var (pixels, width, height) = Compose(images, columns, padding, imageHeight, imageWidth, background);
        PngWriter.WriteGray(path, pixels, width, height);
    }

    /// <summary>
    /// Composes the grid in memory: row-major grayscale bytes and the picture size. Arguments as in <see cref="Save"/>.
    /// </summary>
    public static (byte[] Pixels, int Width, int Height) Compose(Tensor images, int? columns = null, int padding = 2, int imageHeight = 28, int imageWidth = 28, double background = 0.5)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        int n, h, w;
        switch (images.Rank)
        {
            case 2:
                n = images.Shape[0];
                (h, w) = (imageHeight, imageWidth);
                if (images.Shape[1] != h * w)
                {
                    throw new ArgumentException($"ImageGrid: images {images.Shape} do not hold {h}×{w} images ({h * w} values per row).", nameof(images));
                }

                break;
            case 3:
                (n, h, w) = (images.Shape[0], images.Shape[1], images.Shape[2]);
                break;
            case 4 when images.Shape[1] == 1:
                (n, h, w) = (images.Shape[0], images.Shape[2], images.Shape[3]);
                break;
            default:
                throw new ArgumentException($"ImageGrid: expected [N, H·W], [N, H, W] or [N, 1, H, W] grayscale images, got {images.Shape}.", nameof(images));
        }

        if (n == 0)
        {
            throw new ArgumentException("ImageGrid: no images to draw.", nameof(images));
        }

        int cols = columns ?? (int)Math.Ceiling(Math.Sqrt(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1, nameof(columns));
        int rows = (n + cols - 1) / cols;
        int width = (cols * (w + padding)) + padding;
        int height = (rows * (h + padding)) + padding;
        var pixels = new byte[width * height];
        Array.Fill(pixels, ToByte(background));
        var values = images.ToArray();
        for (int i = 0; i < n; i++)
        {
            int top = padding + ((i / cols) * (h + padding));
            int left = padding + ((i % cols) * (w + padding));
            for (int y = 0; y < h; y++)
            {
                int src = (i * h * w) + (y * w);
                int dst = ((top + y) * width) + left;
                for (int x = 0; x < w; x++)
                {
                    pixels[dst + x] = ToByte(values[src + x]);
                }
            }
        }

        return (pixels, width, height);
    }

    private static byte ToByte(double v) => double.IsNaN(v) ? (byte)0 : (byte)Math.Round(Math.Clamp(v, 0.0, 1.0) * 255.0);
}
