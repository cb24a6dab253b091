using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// Training-mode batch normalisation of x [N, C, *] per channel over N and the trailing dimensions, fused:
    /// <c>y = (x − mean)/√(var + eps)·weight + bias</c> with the batch mean and biased variance, which are returned in
    /// <paramref name="mean"/> and <paramref name="variance"/> ([C], not differentiable) for the running estimates.
    /// Differentiable to any order in x, weight and bias: without createGraph the backward is one fused kernel; with it
    /// the same gradient is composed of tensor ops (so that it is itself differentiable).
    /// </summary>
    internal static Tensor BatchNormTraining(Tensor x, Tensor? weight, Tensor? bias, double eps, out Tensor mean, out Tensor variance)
    {
        int n = x.Shape[0], c = x.Shape[1], s = (int)(x.Numel / Math.Max(1, (long)n * c));
        var y = Empty(x.Shape, x.DType);
        mean = Empty(new Shape(c), x.DType);
        variance = Empty(new Shape(c), x.DType);
        var invStd = Empty(new Shape(c), x.DType);
        if (x.DType == DType.Float32)
        {
            BatchNormKernel.Forward<float>(
                x.Span<float>(), y.Span<float>(), n, c, s, weight is null ? default : weight.Span<float>(), bias is null ? default : bias.Span<float>(),
                (float)eps, mean.Span<float>(), variance.Span<float>(), invStd.Span<float>());
        }
        else
        {
            BatchNormKernel.Forward<double>(
                x.Span<double>(), y.Span<double>(), n, c, s, weight is null ? default : weight.Span<double>(), bias is null ? default : bias.Span<double>(),
                eps, mean.Span<double>(), variance.Span<double>(), invStd.Span<double>());
        }

        bool affine = weight is not null && bias is not null;
        if (affine ? ShouldRecord(x, weight!) || ShouldRecord(bias!) : ShouldRecord(x))
        {
            var savedMean = mean;
            y.SetGradFn("BatchNorm", affine ? [x, weight!, bias!] : [x], (g, node) =>
                Autograd.IsGradEnabled
                    ? BatchNormBackwardComposed(g, node, eps)
                    : BatchNormBackwardFused(g, node, savedMean, invStd));
        }

        return y;
    }

    /// <summary>The fused backward (no graph): [dx, dweight, dbias] as needed.</summary>
    private static Tensor?[] BatchNormBackwardFused(Tensor g, Node node, Tensor mean, Tensor invStd)
    {
        var x = node.Inputs[0];
        bool affine = node.Inputs.Length == 3;
        int n = x.Shape[0], c = x.Shape[1], s = (int)(x.Numel / Math.Max(1, (long)n * c));
        var gc = g.Shape == x.Shape ? g : g.Expand(x.Shape).Clone();
        var dx = node.NeedsGrad[0] ? Empty(x.Shape, x.DType) : null;
        var dGamma = affine && node.NeedsGrad[1] ? Empty(new Shape(c), x.DType) : null;
        var dBeta = Empty(new Shape(c), x.DType);
        if (x.DType == DType.Float32)
        {
            BatchNormKernel.Backward<float>(
                x.Span<float>(), gc.Span<float>(), n, c, s, affine ? node.Inputs[1].Span<float>() : default, mean.Span<float>(), invStd.Span<float>(),
                dx is null ? default : dx.Span<float>(), dGamma is null ? default : dGamma.Span<float>(), dBeta.Span<float>());
        }
        else
        {
            BatchNormKernel.Backward<double>(
                x.Span<double>(), gc.Span<double>(), n, c, s, affine ? node.Inputs[1].Span<double>() : default, mean.Span<double>(), invStd.Span<double>(),
                dx is null ? default : dx.Span<double>(), dGamma is null ? default : dGamma.Span<double>(), dBeta.Span<double>());
        }

        return affine ? [dx, dGamma, node.NeedsGrad[2] ? dBeta : null] : [dx];
    }

    /// <summary>The same gradients composed of differentiable tensor ops (for createGraph).</summary>
    private static Tensor?[] BatchNormBackwardComposed(Tensor g, Node node, double eps)
    {
        var x = node.Inputs[0];
        bool affine = node.Inputs.Length == 3;
        var dims = new int[x.Rank - 1];
        var channelShape = new int[x.Rank - 1];
        Array.Fill(channelShape, 1);
        channelShape[0] = x.Shape[1];
        for (int i = 1; i < dims.Length; i++)
        {
            dims[i] = i + 1;
        }

        var dev = x - x.Mean(dims, keepDim: true);
        var invStd = (dev.Square().Mean(dims, keepDim: true) + eps).Rsqrt();
        var xhat = dev * invStd;
        var gx = g * xhat;
        Tensor? dx = null;
        if (node.NeedsGrad[0])
        {
            var scale = affine ? node.Inputs[1].Reshape(channelShape) * invStd : invStd;
            dx = scale * (g - g.Mean(dims, keepDim: true) - (xhat * gx.Mean(dims, keepDim: true)));
        }

        if (!affine)
        {
            return [dx];
        }

        return [dx, node.NeedsGrad[1] ? gx.Sum(dims) : null, node.NeedsGrad[2] ? g.Sum(dims) : null];
    }
}
