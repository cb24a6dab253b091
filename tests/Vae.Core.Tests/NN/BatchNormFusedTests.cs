using Vae.Core;
using Vae.Core.NN;

namespace Vae.Core.Tests;

/// <summary>
/// The fused training-mode batch norm (<c>Tensor.BatchNormTraining</c>) against the composed formula it replaced
/// (mean, biased variance, rsqrt, affine map in tensor ops), values and gradients; its fused backward (no graph)
/// against its composed backward (createGraph), and finite-difference checks of both (first and second order).
/// </summary>
public sealed class BatchNormFusedTests
{
    public static TheoryData<int[], bool> Shapes => new()
    {
        { [6, 3], true },
        { [5, 4, 7], true },
        { [4, 3, 5, 6], true },
        { [3, 2, 4, 4], false },
        { [2, 5, 1, 1], true },
        { [7, 1, 9, 3], false },
        { [64, 8, 12, 12], true },   // large enough for the channels to be split over both cores
        { [40, 5, 20, 20], false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_the_composed_implementation(int[] shape, bool affine)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var gen = new Generator(41);
            int c = shape[1];
            var x = (TestUtil.RandnD(gen, shape) * 3.0 + 1.5).To(dtype).SetRequiresGrad();
            var w = affine ? TestUtil.RandnD(gen, c).To(dtype).SetRequiresGrad() : null;
            var b = affine ? TestUtil.RandnD(gen, c).To(dtype).SetRequiresGrad() : null;
            var gy = TestUtil.RandnD(gen, shape).To(dtype);
            double tol = dtype == DType.Float64 ? 1e-12 : 2e-5;

            var y = Tensor.BatchNormTraining(x, w, b, 1e-5, out var mean, out var variance);
            var (yRef, meanRef, varRef) = Composed(x, w, b, 1e-5);
            y.Double().ShouldMatch(yRef.Double(), tol);
            mean.Double().ShouldMatch(meanRef.Double().Reshape(c), tol);
            variance.Double().ShouldMatch(varRef.Double().Reshape(c), tol * 10);

            Tensor[] inputs = affine ? [x, w!, b!] : [x];
            var fused = Autograd.Grad([y], inputs, [gy]);
            var reference = Autograd.Grad([yRef], inputs, [gy]);
            var graphed = Autograd.Grad([Tensor.BatchNormTraining(x, w, b, 1e-5, out _, out _)], inputs, [gy], createGraph: true);
            for (int i = 0; i < inputs.Length; i++)
            {
                fused[i]!.Double().ShouldMatch(reference[i]!.Double(), tol * 10);
                graphed[i]!.Double().ShouldMatch(reference[i]!.Double(), tol * 10);
            }
        }
    }

    [Fact]
    public void Gradients_pass_finite_difference_checks_to_second_order()
    {
        var gen = new Generator(42);
        var x = TestUtil.RandnD(gen, 4, 3, 2, 3);
        var w = TestUtil.RandnD(gen, 3);
        var b = TestUtil.RandnD(gen, 3);
        var c = TestUtil.RandnD(gen, 4, 3, 2, 3);
        TestUtil.AssertGrad(t => Tensor.BatchNormTraining(t[0], t[1], t[2], 1e-5, out _, out _) * c, x, w, b);
        TestUtil.AssertGradGrad(t => Tensor.BatchNormTraining(t[0], t[1], t[2], 1e-5, out _, out _) * c, x, w, b);
        var x1 = TestUtil.RandnD(gen, 5, 4);
        TestUtil.AssertGrad(t => Tensor.BatchNormTraining(t[0], null, null, 1e-5, out _, out _).Square(), x1);
        TestUtil.AssertGradGrad(t => Tensor.BatchNormTraining(t[0], null, null, 1e-5, out _, out _).Square(), x1);
    }

    [Fact]
    public void Layer_running_statistics_use_the_unbiased_batch_variance()
    {
        var gen = new Generator(43);
        var bn = new BatchNorm2d(3, momentum: 0.25, dtype: DType.Float64);
        var x = TestUtil.RandnD(gen, 4, 3, 2, 5) * 2.0 + 1.0;
        bn.Forward(x);
        var mean = x.Mean([0, 2, 3]);
        var unbiased = x.Var([0, 2, 3], unbiased: true);
        bn.RunningMean!.ShouldMatch(mean * 0.25, 1e-12);
        bn.RunningVar!.ShouldMatch((unbiased * 0.25) + 0.75, 1e-12);
    }

    /// <summary>The previous BatchNorm forward, composed of tensor ops.</summary>
    private static (Tensor Y, Tensor Mean, Tensor Var) Composed(Tensor x, Tensor? w, Tensor? b, double eps)
    {
        var dims = new int[x.Rank - 1];
        var channelShape = new int[x.Rank - 1];
        Array.Fill(channelShape, 1);
        channelShape[0] = x.Shape[1];
        for (int i = 1; i < dims.Length; i++)
        {
            dims[i] = i + 1;
        }

        var mean = x.Mean(dims, keepDim: true);
        var dev = x - mean;
        var variance = dev.Square().Mean(dims, keepDim: true);
        var y = dev * (variance + eps).Rsqrt();
        if (w is not null && b is not null)
        {
            y = (y * w.Reshape(channelShape)) + b.Reshape(channelShape);
        }

        return (y, mean, variance);
    }
}
