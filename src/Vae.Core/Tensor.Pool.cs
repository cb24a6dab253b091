using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// 2-D max pooling of this <c>[N, C, H, W]</c> input over square windows, giving <c>[N, C, Ho, Wo]</c> with
    /// <c>Ho = ⌊(H + 2·padding − kernelSize) / stride⌋ + 1</c> (likewise Wo). Padding never wins the maximum; NaN does.
    /// The gradient flows to the (first) maximum of each window.
    /// </summary>
    /// <param name="kernelSize">Window size, ≥ 1.</param>
    /// <param name="stride">Step between windows, ≥ 1; defaults to <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit padding on each side, at most half the window.</param>
    /// <returns>The window maxima <c>[N, C, Ho, Wo]</c>.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D, a size is out of range, or the window is larger than the padded input.</exception>
    public Tensor MaxPool2d(int kernelSize, int? stride = null, int padding = 0) =>
        MaxPool2d((kernelSize, kernelSize), stride is int s ? (s, s) : null, (padding, padding));

    /// <summary>2-D max pooling with (height, width) window, stride and padding; see <see cref="MaxPool2d(int, int?, int)"/>.</summary>
    /// <param name="kernelSize">(height, width) window size.</param>
    /// <param name="stride">(height, width) step; defaults to <paramref name="kernelSize"/>.</param>
    /// <param name="padding">(height, width) padding, each at most half the window; default (0, 0).</param>
    /// <returns>The window maxima <c>[N, C, Ho, Wo]</c>.</returns>
    public Tensor MaxPool2d((int H, int W) kernelSize, (int H, int W)? stride = null, (int H, int W)? padding = null)
    {
        var geo = PoolGeometry.ForPool("MaxPool2d", this, kernelSize, stride ?? kernelSize, padding ?? (0, 0));
        var y = Empty(geo.OutputShape, DType);
        var argmax = new int[y.Numel];
        if (DType == DType.Float32)
        {
            Pool2dKernel.MaxPool<float>(Span<float>(), y.Span<float>(), argmax, geo);
        }
        else
        {
            Pool2dKernel.MaxPool<double>(Span<double>(), y.Span<double>(), argmax, geo);
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn("MaxPool2d", [this], (g, _) => [ScatterAt(g, argmax, geo)]);
        }

        return y;
    }

    /// <summary>
    /// 2-D average pooling of this <c>[N, C, H, W]</c> input over square windows, giving <c>[N, C, Ho, Wo]</c> with
    /// <c>Ho = ⌊(H + 2·padding − kernelSize) / stride⌋ + 1</c>. Zero padding counts towards the average (every window is
    /// divided by kernelSize², PyTorch's default <c>count_include_pad=True</c>).
    /// </summary>
    /// <param name="kernelSize">Window size, ≥ 1.</param>
    /// <param name="stride">Step between windows, ≥ 1; defaults to <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Zero padding on each side, at most half the window.</param>
    /// <returns>The window averages <c>[N, C, Ho, Wo]</c>.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D, a size is out of range, or the window is larger than the padded input.</exception>
    public Tensor AvgPool2d(int kernelSize, int? stride = null, int padding = 0) =>
        AvgPool2d((kernelSize, kernelSize), stride is int s ? (s, s) : null, (padding, padding));

    /// <summary>2-D average pooling with (height, width) window, stride and padding; see <see cref="AvgPool2d(int, int?, int)"/>.</summary>
    /// <param name="kernelSize">(height, width) window size.</param>
    /// <param name="stride">(height, width) step; defaults to <paramref name="kernelSize"/>.</param>
    /// <param name="padding">(height, width) padding, each at most half the window; default (0, 0).</param>
    /// <returns>The window averages <c>[N, C, Ho, Wo]</c>.</returns>
    public Tensor AvgPool2d((int H, int W) kernelSize, (int H, int W)? stride = null, (int H, int W)? padding = null)
    {
        var geo = PoolGeometry.ForPool("AvgPool2d", this, kernelSize, stride ?? kernelSize, padding ?? (0, 0));
        return SumPool2d(this, geo, 1.0 / (kernelSize.H * kernelSize.W));
    }

    /// <summary>
    /// Nearest-neighbour upsampling of this <c>[N, C, H, W]</c> input by an integer factor on both axes:
    /// <c>y[n, c, i, j] = x[n, c, ⌊i / scaleFactor⌋, ⌊j / scaleFactor⌋]</c>, giving <c>[N, C, H·scaleFactor, W·scaleFactor]</c>.
    /// </summary>
    /// <param name="scaleFactor">Integer factor, ≥ 1.</param>
    /// <returns>The upsampled <c>[N, C, H·scaleFactor, W·scaleFactor]</c> tensor.</returns>
    public Tensor UpsampleNearest2d(int scaleFactor) => UpsampleNearest2d(scaleFactor, scaleFactor);

    /// <summary>
    /// Nearest-neighbour upsampling of this <c>[N, C, H, W]</c> input by integer factors, giving
    /// <c>[N, C, H·scaleH, W·scaleW]</c>.
    /// </summary>
    /// <param name="scaleH">Height factor, ≥ 1.</param>
    /// <param name="scaleW">Width factor, ≥ 1.</param>
    /// <returns>The upsampled <c>[N, C, H·scaleH, W·scaleW]</c> tensor.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D or a factor is not positive.</exception>
    public Tensor UpsampleNearest2d(int scaleH, int scaleW)
    {
        var geo = PoolGeometry.ForUpsample(this, scaleH, scaleW);
        return SumPool2dAdjoint(this, geo, 1.0);
    }

    /// <summary>
    /// Window sums times <paramref name="scale"/>: x [N, C, H, W] → [N, C, OH, OW]. Its gradient is
    /// <see cref="SumPool2dAdjoint"/> and vice versa, so both are differentiable to any order.
    /// </summary>
    internal static Tensor SumPool2d(Tensor x, PoolGeometry geo, double scale)
    {
        var y = Empty(geo.OutputShape, x.DType);
        if (x.DType == DType.Float32)
        {
            Pool2dKernel.SumPool(x.Span<float>(), y.Span<float>(), geo, (float)scale);
        }
        else
        {
            Pool2dKernel.SumPool(x.Span<double>(), y.Span<double>(), geo, scale);
        }

        if (ShouldRecord(x))
        {
            y.SetGradFn("SumPool2d", [x], (g, _) => [SumPool2dAdjoint(g, geo, scale)]);
        }

        return y;
    }

    /// <summary>The adjoint of <see cref="SumPool2d"/>: y [N, C, OH, OW] spread over the windows → [N, C, H, W].</summary>
    internal static Tensor SumPool2dAdjoint(Tensor y, PoolGeometry geo, double scale)
    {
        var x = Empty(geo.InputShape, y.DType);
        if (y.DType == DType.Float32)
        {
            Pool2dKernel.SumPoolAdjoint(y.Span<float>(), x.Span<float>(), geo, (float)scale);
        }
        else
        {
            Pool2dKernel.SumPoolAdjoint(y.Span<double>(), x.Span<double>(), geo, scale);
        }

        if (ShouldRecord(y))
        {
            x.SetGradFn("SumPool2dAdjoint", [y], (g, _) => [SumPool2d(g, geo, scale)]);
        }

        return x;
    }

    /// <summary>Zeros [N, C, H, W] with g [N, C, OH, OW] added at the argmax positions (the gradient of max pooling).</summary>
    internal static Tensor ScatterAt(Tensor g, int[] argmax, PoolGeometry geo)
    {
        var x = Empty(geo.InputShape, g.DType);
        int hw = geo.H * geo.W, p = geo.OH * geo.OW;
        if (g.DType == DType.Float32)
        {
            Pool2dKernel.Scatter<float>(g.Span<float>(), argmax, x.Span<float>(), geo.Planes, hw, p);
        }
        else
        {
            Pool2dKernel.Scatter<double>(g.Span<double>(), argmax, x.Span<double>(), geo.Planes, hw, p);
        }

        if (ShouldRecord(g))
        {
            x.SetGradFn("MaxPool2dBackward", [g], (gg, _) => [GatherAt(gg, argmax, geo)]);
        }

        return x;
    }

    /// <summary>x [N, C, H, W] read at the argmax positions → [N, C, OH, OW] (the adjoint of <see cref="ScatterAt"/>).</summary>
    internal static Tensor GatherAt(Tensor x, int[] argmax, PoolGeometry geo)
    {
        var y = Empty(geo.OutputShape, x.DType);
        int hw = geo.H * geo.W, p = geo.OH * geo.OW;
        if (x.DType == DType.Float32)
        {
            Pool2dKernel.Gather<float>(x.Span<float>(), argmax, y.Span<float>(), geo.Planes, hw, p);
        }
        else
        {
            Pool2dKernel.Gather<double>(x.Span<double>(), argmax, y.Span<double>(), geo.Planes, hw, p);
        }

        if (ShouldRecord(x))
        {
            y.SetGradFn("MaxPool2dGather", [x], (g, _) => [ScatterAt(g, argmax, geo)]);
        }

        return y;
    }
}
