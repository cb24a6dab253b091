using Vae.Core;
using Vae.Core.NN;
using R = Vae.Core.Tests.NNReferenceData;

namespace Vae.Core.Tests;

/// <summary>BatchNorm1d/2d against PyTorch 1.13 (nn_reference.py), gradient checks, state names and errors.</summary>
public sealed class BatchNormTests
{
    /// <summary>The reference script's pattern: scale·sin(a·i + b) + shift over the flat index i.</summary>
    private static Tensor Pattern(int[] shape, double a, double b, double scale = 1, double shift = 0, DType dtype = DType.Float64)
    {
        int n = shape.Aggregate(1, (p, d) => p * d);
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = (scale * Math.Sin((a * i) + b)) + shift;
        }

        return Tensor.FromArray(v, shape).To(dtype);
    }

    private static BatchNorm Make(string tag, int c, DType dtype) => tag switch
    {
        "Bn1d2" or "Bn1d3" => new BatchNorm1d(c, dtype: dtype),
        "Bn2d" => new BatchNorm2d(c, dtype: dtype),
        _ => new BatchNorm2d(c, momentum: null, dtype: dtype),
    };

    public static TheoryData<string, int[], double> Cases => new()
    {
        { "Bn1d2", [4, 3], 1e-10 },
        { "Bn1d3", [2, 3, 4], 1e-10 },
        { "Bn2d", [2, 3, 2, 3], 1e-10 },
        { "Bn2dCumulative", [3, 2, 2, 2], 1e-10 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_pytorch_in_train_and_eval_mode(string tag, int[] shape, double tol)
    {
        Run(tag, shape, DType.Float64, tol);
        Run(tag, shape, DType.Float32, 2e-5);
    }

    [Fact]
    public void Gradients_are_correct_to_second_order_in_training_mode()
    {
        // Parameter gradients are compared with PyTorch above; here the input path, through the batch statistics.
        var g = new Generator(11);
        var bn = new BatchNorm2d(2, dtype: DType.Float64);
        bn.Weight!.CopyFrom(TestUtil.RandnD(g, 2));
        bn.Bias!.CopyFrom(TestUtil.RandnD(g, 2));
        var x = TestUtil.RandnD(g, 3, 2, 2, 2);
        var c = TestUtil.RandnD(g, 3, 2, 2, 2);
        TestUtil.AssertGrad(t => bn.Forward(t[0]) * c, x);
        TestUtil.AssertGradGrad(t => bn.Forward(t[0]) * c, x);
        var bn1 = new BatchNorm1d(3, affine: false, dtype: DType.Float64);
        TestUtil.AssertGrad(t => bn1.Forward(t[0]).Square(), TestUtil.RandnD(g, 4, 3, 2));
        TestUtil.AssertGradGrad(t => bn1.Forward(t[0]).Square(), TestUtil.RandnD(g, 4, 3, 2));
        bn.Eval();
        TestUtil.AssertGrad(t => bn.Forward(t[0]) * c, x);
    }

    [Fact]
    public void State_uses_pytorch_names_and_eval_does_not_update_running_stats()
    {
        var bn = new BatchNorm1d(3);
        bn.StateDict().Keys.Should().Equal("weight", "bias", "running_mean", "running_var", "num_batches_tracked");
        bn.NamedParameters().Select(p => p.Name).Should().Equal("weight", "bias");
        bn.ToString().Should().Be("BatchNorm1d(3, eps=1E-05, momentum=0.1, affine=True, trackRunningStats=True)");
        var x = Tensor.Randn(new Shape(5, 3), new Generator(1));
        bn.Eval();
        bn.Forward(x).ToArray().Should().Equal(x.Mul(1 / Math.Sqrt(1 + 1e-5)).ToArray(), "fresh running stats are mean 0, var 1");
        bn.RunningMean!.ToDoubleArray().Should().Equal(0, 0, 0);
        bn.NumBatchesTracked!.Item().Should().Be(0);
        bn.Train();
        bn.Forward(x);
        bn.NumBatchesTracked.Item().Should().Be(1);
        bn.ResetRunningStats();
        bn.RunningVar!.ToDoubleArray().Should().Equal(1, 1, 1);

        var plain = new BatchNorm2d(2, affine: false, trackRunningStats: false);
        plain.StateDict().Should().BeEmpty();
        plain.Eval();
        var y = plain.Forward(Tensor.Randn(new Shape(4, 2, 3, 3), new Generator(2)));
        y.Mean([0, 2, 3]).ToDoubleArray().Should().OnlyContain(v => Math.Abs(v) < 1e-6, "without running stats batch stats are used");
    }

    [Fact]
    public void Rejects_bad_settings_and_inputs_naming_shapes()
    {
        ((Action)(() => _ = new BatchNorm1d(0))).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new BatchNorm1d(3, eps: 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new BatchNorm2d(3, momentum: 1.5))).Should().Throw<ArgumentOutOfRangeException>();
        var bn1 = new BatchNorm1d(3);
        ((Action)(() => bn1.Forward(Tensor.Zeros(4, 2)))).Should().Throw<ArgumentException>().WithMessage("*[4, 2]*numFeatures=3*");
        ((Action)(() => bn1.Forward(Tensor.Zeros(4, 3, 2, 2)))).Should().Throw<ArgumentException>().WithMessage("*[4, 3, 2, 2]*");
        ((Action)(() => bn1.Forward(Tensor.Zeros(1, 3)))).Should().Throw<ArgumentException>().WithMessage("*more than 1 value per channel*[1, 3]*");
        ((Action)(() => bn1.Forward(Tensor.Zeros(new Shape(4, 3), DType.Float64)))).Should().Throw<ArgumentException>().WithMessage("*float64*");
        ((Action)(() => new BatchNorm2d(3).Forward(Tensor.Zeros(4, 3, 2)))).Should().Throw<ArgumentException>().WithMessage("*[4, 3, 2]*[N, 3, H, W]*");
        bn1.Eval();
        bn1.Forward(Tensor.Zeros(1, 3)).Shape.Should().Equal(1, 3);
    }

    private static void Run(string tag, int[] shape, DType dtype, double tol)
    {
        double[] Get(string name) => (double[])typeof(R).GetField(tag + name)!.GetValue(null)!;
        int c = shape[1];
        var bn = Make(tag, c, dtype);
        bn.Weight!.CopyFrom(Tensor.FromArray(Enumerable.Range(0, c).Select(k => 0.5 + (0.25 * k)).ToArray(), c));
        bn.Bias!.CopyFrom(Tensor.FromArray(Enumerable.Range(0, c).Select(k => 0.1 - (0.2 * k)).ToArray(), c));
        var x1 = Pattern(shape, 0.7, 0.3, 2.0, 0.5, dtype).SetRequiresGrad();
        var x2 = Pattern(shape, 1.3, -0.4, 1.5, -0.25, dtype);
        var x3 = Pattern(shape, 0.45, 1.1, 1.0, 0.2, dtype).SetRequiresGrad();
        var cot = Pattern(shape, 0.9, 0.2, dtype: dtype);

        var y1 = bn.Forward(x1);
        (y1 * cot).Sum().Backward();
        y1.ShouldBeClose(Get("TrainY"), tol);
        x1.Grad!.ShouldBeClose(Get("TrainDx"), tol);
        bn.Weight.Grad!.ShouldBeClose(Get("TrainDw"), tol);
        bn.Bias.Grad!.ShouldBeClose(Get("TrainDb"), tol);

        bn.Forward(x2);
        bn.RunningMean!.ShouldBeClose(Get("RunningMean"), tol);
        bn.RunningVar!.ShouldBeClose(Get("RunningVar"), tol);
        bn.NumBatchesTracked!.ShouldBeClose(Get("NumBatches"), 0);

        bn.Eval();
        bn.ZeroGrad();
        var y3 = bn.Forward(x3);
        (y3 * cot).Sum().Backward();
        y3.ShouldBeClose(Get("EvalY"), tol);
        x3.Grad!.ShouldBeClose(Get("EvalDx"), tol);
        bn.Weight.Grad!.ShouldBeClose(Get("EvalDw"), tol);
        bn.Bias.Grad!.ShouldBeClose(Get("EvalDb"), tol);
    }
}
