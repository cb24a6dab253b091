using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in PyTorch) of this <c>[N, C, H, W]</c> input with zero padding:
    /// <c>y[n, o, i, j] = bias[o] + Σ_(c, p, q) weight[o, c, p, q] · x[n, g·C/groups + c, i·s − pad + p·dil, j·s − pad + q·dil]</c>,
    /// where g is output channel o's group. The output is <c>[N, O, Ho, Wo]</c> with
    /// <c>Ho = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1</c> (likewise Wo).
    /// Differentiable to any order in the input, weight and bias.
    /// </summary>
    /// <param name="weight">Filters <c>[O, C/groups, kH, kW]</c>.</param>
    /// <param name="bias">Optional per-output-channel bias <c>[O]</c>.</param>
    /// <param name="stride">Step between windows (both axes), ≥ 1.</param>
    /// <param name="padding">Zeros added on every side (both axes), ≥ 0.</param>
    /// <param name="dilation">Spacing between kernel taps (both axes), ≥ 1.</param>
    /// <param name="groups">Channel groups: input and output channels are split into this many independent convolutions.</param>
    /// <returns>The output <c>[N, O, Ho, Wo]</c>.</returns>
    /// <exception cref="ArgumentException">Ranks, channels, dtypes or the bias shape do not match, a stride or dilation is not
    /// positive, a padding is negative, or the kernel (dilated) is larger than the padded input.</exception>
    public Tensor Conv2d(Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Conv2d(weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    /// <summary>
    /// 2-D convolution of this <c>[N, C, H, W]</c> input with separate (height, width) stride, padding and dilation;
    /// see <see cref="Conv2d(Tensor, Tensor?, int, int, int, int)"/>.
    /// </summary>
    /// <param name="weight">Filters <c>[O, C/groups, kH, kW]</c>.</param>
    /// <param name="bias">Optional per-output-channel bias <c>[O]</c>.</param>
    /// <param name="stride">(height, width) step between windows, each ≥ 1.</param>
    /// <param name="padding">(height, width) zero padding on each side, each ≥ 0; default (0, 0).</param>
    /// <param name="dilation">(height, width) spacing between kernel taps, each ≥ 1; default (1, 1).</param>
    /// <param name="groups">Channel groups.</param>
    /// <returns>The output <c>[N, O, Ho, Wo]</c>.</returns>
    public Tensor Conv2d(Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W)? padding = null, (int H, int W)? dilation = null, int groups = 1)
    {
        var geo = ConvGeometry.ForConv2d(this, weight, bias, stride, padding ?? (0, 0), dilation ?? (1, 1), groups);
        return ConvForward(this, weight, bias, geo);
    }

    /// <summary>
    /// 2-D transposed convolution (the adjoint of <see cref="Conv2d(Tensor, Tensor?, int, int, int, int)"/> with the same
    /// weight, as in PyTorch's <c>conv_transpose2d</c>) of this <c>[N, C, H, W]</c> input, giving <c>[N, O, Ho, Wo]</c> with
    /// <c>Ho = (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1</c> (likewise Wo).
    /// Differentiable to any order in the input, weight and bias.
    /// </summary>
    /// <param name="weight">Filters <c>[C, O/groups, kH, kW]</c>.</param>
    /// <param name="bias">Optional per-output-channel bias <c>[O]</c>.</param>
    /// <param name="stride">Stride of the convolution this is the adjoint of, ≥ 1.</param>
    /// <param name="padding">Padding of that convolution (removed from the output), ≥ 0.</param>
    /// <param name="outputPadding">Extra rows/columns added at the bottom/right of the output, smaller than the stride or the dilation.</param>
    /// <param name="dilation">Spacing between kernel taps, ≥ 1.</param>
    /// <param name="groups">Channel groups.</param>
    /// <returns>The output <c>[N, O, Ho, Wo]</c>.</returns>
    /// <exception cref="ArgumentException">Ranks, channels, dtypes or the bias shape do not match, or a size parameter is invalid.</exception>
    public Tensor ConvTranspose2d(
        Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int dilation = 1, int groups = 1) =>
        ConvTranspose2d(weight, bias, (stride, stride), (padding, padding), (outputPadding, outputPadding), (dilation, dilation), groups);

    /// <summary>
    /// 2-D transposed convolution with separate (height, width) parameters; see
    /// <see cref="ConvTranspose2d(Tensor, Tensor?, int, int, int, int, int)"/>.
    /// </summary>
    /// <param name="weight">Filters <c>[C, O/groups, kH, kW]</c>.</param>
    /// <param name="bias">Optional per-output-channel bias <c>[O]</c>.</param>
    /// <param name="stride">(height, width) stride, each ≥ 1.</param>
    /// <param name="padding">(height, width) padding, each ≥ 0; default (0, 0).</param>
    /// <param name="outputPadding">(height, width) output padding; default (0, 0).</param>
    /// <param name="dilation">(height, width) dilation, each ≥ 1; default (1, 1).</param>
    /// <param name="groups">Channel groups.</param>
    /// <returns>The output <c>[N, O, Ho, Wo]</c>.</returns>
    public Tensor ConvTranspose2d(
        Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W)? padding = null, (int H, int W)? outputPadding = null,
        (int H, int W)? dilation = null, int groups = 1)
    {
        var geo = ConvGeometry.ForConvTranspose2d(this, weight, bias, stride, padding ?? (0, 0), outputPadding ?? (0, 0), dilation ?? (1, 1), groups);
        return ConvBackwardData(this, weight, bias, geo);
    }

    /// <summary>
    /// Convolution x [N, C, H, W] ⋆ w [O, C/G, KH, KW] (+ b [O]) → [N, O, OH, OW]. Its gradients are the other two
    /// products of the same geometry, so the three ops are closed under differentiation.
    /// </summary>
    internal static Tensor ConvForward(Tensor x, Tensor w, Tensor? b, ConvGeometry geo)
    {
        var y = Empty(geo.OutputShape, x.DType);
        if (x.DType == DType.Float32)
        {
            Conv2dKernel.Forward((float[])x.Data, (float[])w.Data, (float[]?)b?.Data, (float[])y.Data, geo);
        }
        else
        {
            Conv2dKernel.Forward((double[])x.Data, (double[])w.Data, (double[]?)b?.Data, (double[])y.Data, geo);
        }

        if (ShouldRecord(x, w) || (b is not null && ShouldRecord(b)))
        {
            y.SetGradFn("Conv2d", b is null ? [x, w] : [x, w, b], (g, n) => WithBiasGrad(
                g,
                n,
                n.NeedsGrad[0] ? ConvBackwardData(g, n.Inputs[1], null, geo) : null,
                n.NeedsGrad[1] ? ConvBackwardWeight(n.Inputs[0], g, geo) : null));
        }

        return y;
    }

    /// <summary>
    /// Transposed convolution (the adjoint of <see cref="ConvForward"/> in x): y [N, O, OH, OW] with w [O, C/G, KH, KW]
    /// (+ b [C]) → [N, C, H, W].
    /// </summary>
    internal static Tensor ConvBackwardData(Tensor y, Tensor w, Tensor? b, ConvGeometry geo)
    {
        var x = Empty(geo.InputShape, y.DType);
        if (y.DType == DType.Float32)
        {
            Conv2dKernel.BackwardData((float[])y.Data, (float[])w.Data, (float[]?)b?.Data, (float[])x.Data, geo);
        }
        else
        {
            Conv2dKernel.BackwardData((double[])y.Data, (double[])w.Data, (double[]?)b?.Data, (double[])x.Data, geo);
        }

        if (ShouldRecord(y, w) || (b is not null && ShouldRecord(b)))
        {
            x.SetGradFn("ConvTranspose2d", b is null ? [y, w] : [y, w, b], (g, n) => WithBiasGrad(
                g,
                n,
                n.NeedsGrad[0] ? ConvForward(g, n.Inputs[1], null, geo) : null,
                n.NeedsGrad[1] ? ConvBackwardWeight(g, n.Inputs[0], geo) : null));
        }

        return x;
    }

    /// <summary>
    /// The weight gradient of <see cref="ConvForward"/>: for x [N, C, H, W] and y [N, O, OH, OW], the
    /// [O, C/G, KH, KW] tensor <c>∂⟨y, conv(x, w)⟩/∂w</c>. Bilinear in (x, y); its own gradients are a transposed
    /// convolution (for x) and a convolution (for y) with the incoming gradient as the weight.
    /// </summary>
    internal static Tensor ConvBackwardWeight(Tensor x, Tensor y, ConvGeometry geo)
    {
        var dw = Empty(geo.WeightShape, x.DType);
        if (x.DType == DType.Float32)
        {
            Conv2dKernel.BackwardWeight((float[])x.Data, (float[])y.Data, (float[])dw.Data, geo);
        }
        else
        {
            Conv2dKernel.BackwardWeight((double[])x.Data, (double[])y.Data, (double[])dw.Data, geo);
        }

        if (ShouldRecord(x, y))
        {
            dw.SetGradFn("Conv2dWeightGrad", [x, y], (g, n) =>
            [
                n.NeedsGrad[0] ? ConvBackwardData(n.Inputs[1], g, null, geo) : null,
                n.NeedsGrad[1] ? ConvForward(n.Inputs[0], g, null, geo) : null,
            ]);
        }

        return dw;
    }

    /// <summary>g [N, C, H, W] summed over N, H and W → [C] (a convolution's bias gradient); its gradient broadcasts back.</summary>
    internal static Tensor ChannelSum(Tensor g)
    {
        int n = g.Shape[0], c = g.Shape[1], hw = g.Shape[2] * g.Shape[3];
        var y = Zeros(new Shape(c), g.DType);
        if (g.DType == DType.Float32)
        {
            Conv2dKernel.ChannelSum<float>(g.Span<float>(), y.Span<float>(), n, c, hw);
        }
        else
        {
            Conv2dKernel.ChannelSum<double>(g.Span<double>(), y.Span<double>(), n, c, hw);
        }

        if (ShouldRecord(g))
        {
            y.SetGradFn("ChannelSum", [g], (gy, node) => [gy.Reshape(1, c, 1, 1).Expand(node.Inputs[0].Shape)]);
        }

        return y;
    }

    /// <summary>The gradients [input, weight] of a convolution node, plus the bias gradient (g summed over N, H, W) when it has a bias.</summary>
    private static Tensor?[] WithBiasGrad(Tensor g, Node n, Tensor? dInput, Tensor? dWeight) =>
        n.Inputs.Length == 2 ? [dInput, dWeight] : [dInput, dWeight, n.NeedsGrad[2] ? ChannelSum(g) : null];
}
