using Vae.Core;
using Vae.Core.NN;
using R = Vae.Core.Tests.NNReferenceData;

namespace Vae.Core.Tests;

/// <summary>Losses against PyTorch 1.13 (nn_reference.py), gradient checks, stability and shape errors.</summary>
public sealed class LossTests
{
    private static Tensor D(double[] v, params int[] shape) => Tensor.FromArray((double[])v.Clone(), shape.Length == 0 ? [v.Length] : shape);

    private static Tensor Cotangent(int n)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = Math.Sin((0.9 * i) + 0.2);
        }

        return Tensor.FromArray(v, n);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_matches_pytorch_including_saturated_logits()
    {
        var l = D(R.BceLogits).SetRequiresGrad();
        var t = D(R.BceTarget).SetRequiresGrad();
        var loss = Losses.BinaryCrossEntropyWithLogits(l, t, Reduction.None);
        loss.ShouldBeClose(R.BceWithLogitsNone, 1e-12);
        (loss * Cotangent(l.Numel)).Sum().Backward();
        l.Grad!.ShouldBeClose(R.BceWithLogitsDLogits, 1e-12);
        t.Grad!.ShouldBeClose(R.BceWithLogitsDTarget, 1e-12);
        Losses.BinaryCrossEntropyWithLogits(l, t).Item().Should().BeApproximately(R.BceWithLogitsMean[0], 1e-12);
        Losses.BinaryCrossEntropyWithLogits(l, t, Reduction.Sum).Item().Should().BeApproximately(R.BceWithLogitsSum[0], 1e-11);

        // float32: same values within float rounding, finite everywhere.
        var l32 = l.Detach().Float().SetRequiresGrad();
        var loss32 = Losses.BinaryCrossEntropyWithLogits(l32, t.Detach().Float(), Reduction.None);
        loss32.ShouldBeClose(R.BceWithLogitsNone, 1e-4);
        (loss32 * Cotangent(l.Numel).Float()).Sum().Backward();
        l32.Grad!.ShouldBeClose(R.BceWithLogitsDLogits, 1e-6);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_is_stable_at_plus_minus_100()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var l = Tensor.FromArray([-100.0, 100.0, -100.0, 100.0], 4).To(dtype).SetRequiresGrad();
            var t = Tensor.FromArray([0.0, 1.0, 1.0, 0.0], 4).To(dtype);
            var loss = Losses.BinaryCrossEntropyWithLogits(l, t, Reduction.None);
            loss.ShouldBeClose([0, 0, 100, 100], 1e-30); // log1p(e^−100) = 3.8e−44 is kept where representable
            loss.Sum().Backward();
            l.Grad!.ShouldBeClose([0, 0, -1, 1], 1e-30);
        }
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_gradients_to_second_order()
    {
        var g = new Generator(1);
        var l = TestUtil.RandnD(g, 3, 4) * 3.0;
        var t = Tensor.Rand(new Shape(3, 4), g, DType.Float64);
        TestUtil.AssertGrad(x => Losses.BinaryCrossEntropyWithLogits(x[0], x[1], Reduction.None), l, t);
        TestUtil.AssertGrad(x => Losses.BinaryCrossEntropyWithLogits(x[0], x[1]), l, t);
        TestUtil.AssertGradGrad(x => Losses.BinaryCrossEntropyWithLogits(x[0], x[1], Reduction.Sum), l, t);
        TestUtil.AssertGradGrad(x => Losses.BinaryCrossEntropyWithLogits(x[0], x[1], Reduction.None), l, t);
    }

    [Fact]
    public void BinaryCrossEntropy_matches_pytorch_with_log_clamped_at_minus_100()
    {
        var p = D(R.BceProbs).SetRequiresGrad();
        var t = D(R.BceProbTarget).SetRequiresGrad();
        var loss = Losses.BinaryCrossEntropy(p, t, Reduction.None);
        loss.ShouldBeClose(R.BceNone, 1e-12);
        loss.ToDoubleArray()[0].Should().Be(100, "log 0 is clamped at −100");
        (loss * Cotangent(p.Numel)).Sum().Backward();
        var dp = p.Grad!.ToDoubleArray();
        for (int i = 0; i < dp.Length; i++)
        {
            dp[i].Should().BeApproximately(R.BceDProbs[i], 1e-9 * Math.Max(1, Math.Abs(R.BceDProbs[i])), $"element {i}");
        }

        // In the target PyTorch differentiates the unclamped logs (±∞ where p is 0 or 1); this library differentiates
        // the clamped forward, giving ±100·g there.
        var dt = t.Grad!.ToDoubleArray();
        var cot = Cotangent(p.Numel).ToDoubleArray();
        for (int i = 0; i < dt.Length; i++)
        {
            double expected = double.IsFinite(R.BceDTarget[i]) ? R.BceDTarget[i] : Math.Sign(R.BceDTarget[i]) * 100 * cot[i];
            dt[i].Should().BeApproximately(expected, 1e-9, $"element {i}");
        }

        Losses.BinaryCrossEntropy(p, t).Item().Should().BeApproximately(R.BceMean[0], 1e-12);
    }

    [Fact]
    public void BinaryCrossEntropy_gradients_and_range_check()
    {
        var g = new Generator(2);
        var p = (Tensor.Rand(new Shape(2, 3), g, DType.Float64) * 0.8) + 0.1;
        var t = Tensor.Rand(new Shape(2, 3), g, DType.Float64);
        TestUtil.AssertGrad(x => Losses.BinaryCrossEntropy(x[0], x[1], Reduction.None), p, t);
        TestUtil.AssertGradGrad(x => Losses.BinaryCrossEntropy(x[0], x[1], Reduction.Sum), p, t);
        ((Action)(() => Losses.BinaryCrossEntropy(Tensor.FromArray([0.5f, 1.5f], 2), Tensor.Zeros(2))))
            .Should().Throw<ArgumentException>().WithMessage("*[2]*between 0 and 1*");
        Losses.BinaryCrossEntropy(Tensor.FromArray([float.NaN], 1), Tensor.Zeros(1)).Item().Should().Be(double.NaN);
    }

    [Fact]
    public void MseLoss_matches_pytorch_and_has_second_order_gradients()
    {
        var x = D(R.MseInput, 3, 4);
        var y = D(R.MseTarget, 3, 4);
        Losses.MseLoss(x, y, Reduction.None).ShouldBeClose(R.MseNone, 1e-14);
        Losses.MseLoss(x, y).Item().Should().BeApproximately(R.MseMean[0], 1e-14);
        Losses.MseLoss(x, y, Reduction.Sum).Item().Should().BeApproximately(R.MseSum[0], 1e-13);
        TestUtil.AssertGrad(t => Losses.MseLoss(t[0], t[1]), x, y);
        TestUtil.AssertGradGrad(t => Losses.MseLoss(t[0], t[1], Reduction.Sum), x, y);
    }

    [Theory]
    [InlineData("Full", false)]
    [InlineData("FullConst", true)]
    [InlineData("Row", false)]
    [InlineData("Col", true)]
    public void GaussianNllLoss_matches_pytorch_including_the_variance_clamp(string tag, bool full)
    {
        double[] Get(string name) => (double[])typeof(R).GetField("Gnll" + tag + name)!.GetValue(null)!;
        var input = D(R.GnllInput, 3, 2).SetRequiresGrad();
        var target = D(R.GnllTarget, 3, 2);
        var var = (tag.StartsWith("Full", StringComparison.Ordinal) ? D(R.GnllVarFull, 3, 2) : tag == "Row" ? D(R.GnllVarRow, 3) : D(R.GnllVarRow, 3, 1))
            .SetRequiresGrad();
        var loss = Losses.GaussianNllLoss(input, target, var, full, reduction: Reduction.None);
        loss.Shape.Should().Equal(3, 2);
        loss.ShouldBeClose(Get("None"), 1e-9);
        (loss * Cotangent(6).Reshape(3, 2)).Sum().Backward();
        input.Grad!.ShouldBeClose(Get("DInput"), 1e-6);
        var dv = var.Grad!.ToDoubleArray();
        var expected = Get("DVar");
        for (int i = 0; i < dv.Length; i++)
        {
            dv[i].Should().BeApproximately(expected[i], 1e-9 * Math.Max(1, Math.Abs(expected[i])), $"element {i}");
        }

        Losses.GaussianNllLoss(input, target, var, full).Item().Should().BeApproximately(Get("Mean")[0], 1e-9);
    }

    [Fact]
    public void GaussianNllLoss_gradients_and_errors()
    {
        var g = new Generator(3);
        var x = TestUtil.RandnD(g, 2, 3);
        var y = TestUtil.RandnD(g, 2, 3);
        var v = Tensor.Rand(new Shape(2, 3), g, DType.Float64) + 0.5;
        TestUtil.AssertGrad(t => Losses.GaussianNllLoss(t[0], t[1], t[2], full: true), x, y, v);
        TestUtil.AssertGradGrad(t => Losses.GaussianNllLoss(t[0], t[1], t[2], reduction: Reduction.Sum), x, y, v);
        TestUtil.AssertGrad(t => Losses.GaussianNllLoss(t[0], t[1], t[2]), x, y, Tensor.Rand(new Shape(2), g, DType.Float64) + 0.5);
        ((Action)(() => Losses.GaussianNllLoss(x, y, Tensor.Ones(new Shape(3, 2), DType.Float64)))).Should().Throw<ArgumentException>()
            .WithMessage("*var shape [3, 2]*input shape [2, 3]*");
        ((Action)(() => Losses.GaussianNllLoss(x, y, v - 1.0))).Should().Throw<ArgumentException>().WithMessage("*negative*");
        ((Action)(() => Losses.GaussianNllLoss(x, y.Reshape(3, 2), v))).Should().Throw<ArgumentException>().WithMessage("*[2, 3]*[3, 2]*");
    }

    [Fact]
    public void CrossEntropy_and_NllLoss_match_pytorch_and_are_stable()
    {
        var logits = D(R.CeLogits, 4, 5).SetRequiresGrad();
        int[] target = R.CeTarget.Select(v => (int)v).ToArray();
        var loss = Losses.CrossEntropy(logits, target, Reduction.None);
        loss.ShouldBeClose(R.CeNone, 1e-12);
        (loss * Tensor.FromArray([0.5, -1.0, 2.0, 0.25], 4)).Sum().Backward();
        logits.Grad!.ShouldBeClose(R.CeDLogits, 1e-12);
        var targetTensor = Tensor.FromArray(R.CeTarget.Select(v => (float)v).ToArray(), 4);
        Losses.CrossEntropy(logits, targetTensor).Item().Should().BeApproximately(R.CeMean[0], 1e-12);
        Losses.CrossEntropy(logits, target, Reduction.Sum).Item().Should().BeApproximately(R.CeSum[0], 1e-11);
        Losses.CrossEntropy(logits, D(R.CeProbTarget, 4, 5), Reduction.None).ShouldBeClose(R.CeProbNone, 1e-12);

        var logp = logits.LogSoftmax(1);
        Losses.NllLoss(logp, target, Reduction.None).ShouldBeClose(R.NllNone, 1e-12);
        Losses.NllLoss(logp, targetTensor).Item().Should().BeApproximately(R.NllMean[0], 1e-12);

        var big = Tensor.FromArray([100f, -100f, 0f, -100f, 100f, 0f], 2, 3);
        Losses.CrossEntropy(big, [1, 1], Reduction.None).ToDoubleArray().Should().Equal(200, 0);
    }

    [Fact]
    public void CrossEntropy_gradients_and_errors()
    {
        var g = new Generator(4);
        var logits = TestUtil.RandnD(g, 3, 4);
        TestUtil.AssertGrad(t => Losses.CrossEntropy(t[0], [0, 3, 1]), logits);
        TestUtil.AssertGradGrad(t => Losses.CrossEntropy(t[0], [0, 3, 1], Reduction.Sum), logits);
        TestUtil.AssertGrad(t => Losses.CrossEntropy(t[0], t[1].Softmax(1)), logits, TestUtil.RandnD(g, 3, 4));
        TestUtil.AssertGrad(t => Losses.NllLoss(t[0], [2, 2, 0]), logits);

        ((Action)(() => Losses.CrossEntropy(logits, [0, 4, 1]))).Should().Throw<ArgumentException>().WithMessage("*4*[3, 4]*");
        ((Action)(() => Losses.CrossEntropy(logits, [0, 1]))).Should().Throw<ArgumentException>().WithMessage("*2 target indices*[3, 4]*");
        ((Action)(() => Losses.CrossEntropy(logits, Tensor.FromArray([0.5f, 1, 2], 3)))).Should().Throw<ArgumentException>();
        ((Action)(() => Losses.CrossEntropy(logits, Tensor.Zeros(3, 2)))).Should().Throw<ArgumentException>().WithMessage("*[3, 2]*[3, 4]*");
        ((Action)(() => Losses.NllLoss(Tensor.Zeros(4), [0]))).Should().Throw<ArgumentException>().WithMessage("*[4]*[N, C]*");
        ((Action)(() => Losses.MseLoss(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)))).Should().Throw<ArgumentException>()
            .WithMessage("MseLoss: input shape [2, 3] and target shape [3, 2]*");
        ((Action)(() => Losses.BinaryCrossEntropyWithLogits(Tensor.Zeros(2), Tensor.Zeros(new Shape(2), DType.Float64))))
            .Should().Throw<ArgumentException>().WithMessage("*float32*float64*");
        ((Action)(() => Losses.MseLoss(Tensor.Zeros(2), Tensor.Zeros(2), (Reduction)9))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
