using Vae.Core;
using MN = MathNet.Numerics.Distributions;

namespace Vae.Distributions.Tests;

public class TransformedDistributionTests
{
    [Fact]
    public void ExpOfNormal_IsLogNormal()
    {
        var d = new TransformedDistribution(new Normal(0.3, 0.6, DType.Float64), new ExpTransform());
        double[] xs = [0.05, 0.9, 1.35, 7];
        var lp = d.LogProb(DistTestUtil.D(xs)).ToDoubleArray();
        var r = new MN.LogNormal(0.3, 0.6);
        for (int i = 0; i < xs.Length; i++)
        {
            lp[i].ShouldBeRelClose(r.DensityLn(xs[i]), 1e-13, 1e-13);
        }

        var s = d.Sample(new Shape(200_000), new Generator(61)).ToDoubleArray();
        DistTestUtil.AssertMoments(s, r.Mean, r.Variance);
        DistTestUtil.AssertKs(s, r.CumulativeDistribution);
    }

    [Fact]
    public void AffineOfStandardNormal_IsNormal()
    {
        var loc = DistTestUtil.D(0.5, -2);
        var scale = DistTestUtil.D(1.5, 0.2);
        var d = new TransformedDistribution(Normal.Standard(new Shape(2), DType.Float64), new AffineTransform(loc, scale));
        var x = DistTestUtil.D(0.1, -1.9);
        d.LogProb(x).ShouldBeClose(new Normal(loc, scale).LogProb(x).ToDoubleArray(), 1e-14);
        d.RSample(new Shape(3), new Generator(5)).ShouldBeClose(new Normal(loc, scale).RSample(new Shape(3), new Generator(5)).ToDoubleArray(), 1e-15);
    }

    [Fact]
    public void EventTransform_ReinterpretsBatchDims_AndMatchesMultivariateNormal()
    {
        // y = W·x with x ~ N(0, I₃) (batch [3] reinterpreted as event [3]) is N(0, W·Wᵀ).
        var w = Tensor.FromArray(new double[,] { { 1.2, 0, 0 }, { -0.4, 0.8, 0 }, { 0.3, 0.5, -1.5 } });
        var d = new TransformedDistribution(Normal.Standard(new Shape(3), DType.Float64), new LowerTriangularLinear(w));
        d.BatchShape.Should().BeEmpty();
        d.EventShape.Should().Equal(3);
        var mvn = new MultivariateNormal(Tensor.Zeros(new Shape(3), DType.Float64), w.MatMul(w.Transpose(0, 1)));
        var y = Tensor.Randn(new Shape(5, 3), new Generator(8), DType.Float64);
        d.LogProb(y).ShouldBeClose(mvn.LogProb(y).ToDoubleArray(), 1e-12);
    }

    [Fact]
    public void RSampleWithLogProb_EqualsLogProbOfTheSample()
    {
        var baseDist = new Normal(DistTestUtil.D(0.1, -0.4, 0.3), DistTestUtil.D(0.9, 1.2, 0.5));
        var d = new TransformedDistribution(baseDist, new AffineTransform(0.5, 2.0), new TanhTransform());
        var (y, lp) = d.RSampleWithLogProb(new Shape(6), new Generator(9));
        y.Shape.Should().Equal(6, 3);
        lp.ShouldBeClose(d.LogProb(y).ToDoubleArray(), 1e-9);
        d.RSample(new Shape(6), new Generator(9)).ShouldBeClose(y.ToDoubleArray(), 0);
        d.Transforms.Should().HaveCount(2);
    }

    [Fact]
    public void SigmoidOfNormal_Normalises()
    {
        var d = new TransformedDistribution(new Normal(0.4, 1.3, DType.Float64), new SigmoidTransform());
        DistTestUtil.Integrate(x => d.LogProb(x).Exp(), 0, 1, 256).Should().BeApproximately(1, 1e-8);
    }

    [Fact]
    public void GradCheck_RSample_And_LogProb()
    {
        DistTestUtil.AssertGrad(
            p => new TransformedDistribution(new Normal(p[0], p[1]), new SoftplusTransform(), new AffineTransform(0.2, 1.5)).RSample(new Shape(2), new Generator(3)),
            DistTestUtil.D(0.2, -0.5), DistTestUtil.D(0.7, 1.1));
        DistTestUtil.AssertGrad(
            p => new TransformedDistribution(new Normal(p[0], p[1]), new SigmoidTransform()).LogProb(p[2]),
            DistTestUtil.D(0.2, -0.5), DistTestUtil.D(0.7, 1.1), DistTestUtil.D(0.3, 0.8));
    }

    [Fact]
    public void WrongValueShape_Throws()
    {
        var d = new TransformedDistribution(Normal.Standard(new Shape(3), DType.Float64), new ExpTransform());
        var act = () => d.LogProb(Tensor.Ones(new Shape(4), DType.Float64));
        act.Should().Throw<ArgumentException>().WithMessage("*[4]*[3]*");
        var none = () => new TransformedDistribution(d);
        none.Should().Throw<ArgumentException>();
    }
}
