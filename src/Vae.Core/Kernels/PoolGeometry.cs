using System.Globalization;

namespace Vae.Core.Kernels;

/// <summary>
/// Windows of a 2-D pooling over an input <c>[N, C, H, W]</c>: window (oh, ow) covers rows
/// <c>oh·SH − PH .. + KH</c> and columns <c>ow·SW − PW .. + KW</c>, clipped to the input (padding contributes
/// nothing); the output is <c>[N, C, OH, OW]</c>.
/// </summary>
internal readonly record struct PoolGeometry(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW, int OH, int OW)
{
    /// <summary>Number of (sample, channel) planes.</summary>
    public int Planes => N * C;

    public Shape InputShape => new(N, C, H, W);

    public Shape OutputShape => new(N, C, OH, OW);

    /// <summary>Validates a pooling call (PyTorch's rules: padding at most half the kernel, no ceil mode).</summary>
    public static PoolGeometry ForPool(string op, Tensor input, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"{op}: input must be [N, C, H, W], got {input.Shape}.");
        }

        if (kernel.H < 1 || kernel.W < 1 || stride.H < 1 || stride.W < 1 || padding.H < 0 || padding.W < 0 ||
            padding.H > kernel.H / 2 || padding.W > kernel.W / 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{op}: kernel {ConvGeometry.Pair(kernel)} and stride {ConvGeometry.Pair(stride)} must be positive and padding {ConvGeometry.Pair(padding)} between 0 and half the kernel (input {input.Shape})."));
        }

        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        if (h + (2 * padding.H) < kernel.H || w + (2 * padding.W) < kernel.W)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{op}: input {input.Shape} with padding {ConvGeometry.Pair(padding)} is smaller than the kernel {kernel.H}×{kernel.W}."));
        }

        int oh = ((h + (2 * padding.H) - kernel.H) / stride.H) + 1;
        int ow = ((w + (2 * padding.W) - kernel.W) / stride.W) + 1;
        return new PoolGeometry(n, c, h, w, kernel.H, kernel.W, stride.H, stride.W, padding.H, padding.W, oh, ow);
    }

    /// <summary>
    /// Nearest-neighbour upsampling of <paramref name="input"/> [N, C, H, W] by (sh, sw), described as the adjoint of a
    /// sum pooling with kernel = stride = (sh, sw) over the upsampled [N, C, H·sh, W·sw].
    /// </summary>
    public static PoolGeometry ForUpsample(Tensor input, int scaleH, int scaleW)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"UpsampleNearest2d: input must be [N, C, H, W], got {input.Shape}.");
        }

        if (scaleH < 1 || scaleW < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"UpsampleNearest2d: scale factors ({scaleH}, {scaleW}) must be positive (input {input.Shape})."));
        }

        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        if ((long)h * scaleH * w * scaleW * n * c > int.MaxValue)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"UpsampleNearest2d: input {input.Shape} scaled by ({scaleH}, {scaleW}) has more than {int.MaxValue} elements."));
        }

        return new PoolGeometry(n, c, h * scaleH, w * scaleW, scaleH, scaleW, scaleH, scaleW, 0, 0, h, w);
    }
}
