using System.Runtime.CompilerServices;
using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// Nearest-neighbour resizing of this <c>[N, C, H, W]</c> input to a target size, giving
    /// <c>[N, C, outHeight, outWidth]</c> with <c>y[n, c, i, j] = x[n, c, ⌊i·H/outHeight⌋, ⌊j·W/outWidth⌋]</c>
    /// (PyTorch's <c>interpolate(x, size=(outHeight, outWidth), mode="nearest")</c> and
    /// <c>nn.Upsample(size=…)</c>; e.g. 4 → 7 reads rows 0, 0, 1, 1, 2, 2, 3). Works for any sizes, so it also
    /// downsamples; for integer factors it equals <see cref="UpsampleNearest2d(int, int)"/>. The gradient adds each
    /// output gradient to the pixel it was read from; it is differentiable again (second order).
    /// </summary>
    /// <param name="outHeight">Output height, ≥ 1.</param>
    /// <param name="outWidth">Output width, ≥ 1.</param>
    /// <returns>The resized <c>[N, C, outHeight, outWidth]</c> tensor.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D or a size is not positive.</exception>
    public Tensor InterpolateNearest2d(int outHeight, int outWidth)
    {
        var geo = NearestResizeKernel.Geometry.For(nameof(InterpolateNearest2d), this, outHeight, outWidth);
        return NearestResize(this, geo);
    }

    /// <summary>
    /// Nearest-neighbour resizing of this <c>[N, C, H, W]</c> input to a square <c>size × size</c> image; see
    /// <see cref="InterpolateNearest2d(int, int)"/>.
    /// </summary>
    /// <param name="size">Output height and width, ≥ 1.</param>
    /// <returns>The resized <c>[N, C, size, size]</c> tensor.</returns>
    public Tensor InterpolateNearest2d(int size) => InterpolateNearest2d(size, size);

    /// <summary>Forward gather x [N, C, H, W] → [N, C, OH, OW]; its gradient is <see cref="NearestResizeAdjoint"/>.</summary>
    private static Tensor NearestResize(Tensor x, NearestResizeKernel.Geometry geo)
    {
        var y = Empty(geo.OutputShape, x.DType);
        if (x.DType == DType.Float32)
        {
            NearestResizeKernel.Forward(Unsafe.As<float[]>(x.Data), Unsafe.As<float[]>(y.Data), geo);
        }
        else
        {
            NearestResizeKernel.Forward(Unsafe.As<double[]>(x.Data), Unsafe.As<double[]>(y.Data), geo);
        }

        if (ShouldRecord(x))
        {
            y.SetGradFn("InterpolateNearest2d", [x], (g, _) => [NearestResizeAdjoint(g, geo)]);
        }

        return y;
    }

    /// <summary>Scatter-add g [N, C, OH, OW] → [N, C, H, W] (the adjoint of <see cref="NearestResize"/>).</summary>
    private static Tensor NearestResizeAdjoint(Tensor g, NearestResizeKernel.Geometry geo)
    {
        var x = Empty(geo.InputShape, g.DType);
        if (g.DType == DType.Float32)
        {
            NearestResizeKernel.Adjoint(Unsafe.As<float[]>(g.Data), Unsafe.As<float[]>(x.Data), geo);
        }
        else
        {
            NearestResizeKernel.Adjoint(Unsafe.As<double[]>(g.Data), Unsafe.As<double[]>(x.Data), geo);
        }

        if (ShouldRecord(g))
        {
            x.SetGradFn("InterpolateNearest2dBackward", [g], (gg, _) => [NearestResize(gg, geo)]);
        }

        return x;
    }
}
