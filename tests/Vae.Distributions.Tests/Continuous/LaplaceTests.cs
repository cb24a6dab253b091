using Vae.Core;
using MN = MathNet.Numerics.Distributions;

namespace Vae.Distributions.Tests;

public class LaplaceTests
{
    [Fact]
    public void LogProb_Mean_Variance_Entropy_Cdf_MatchMathNet()
    {
        double[] locs = [0, -2, 3.5], scales = [1, 0.25, 4], xs = [0.3, -2.6, 20];
        var d = new Laplace(DistTestUtil.D(locs), DistTestUtil.D(scales));
        var lp = d.LogProb(DistTestUtil.D(xs)).ToDoubleArray();
        var cdf = d.Cdf(DistTestUtil.D(xs)).ToDoubleArray();
        var h = d.Entropy().ToDoubleArray();
        var v = d.Variance.ToDoubleArray();
        var sd = d.StdDev.ToDoubleArray();
        for (int i = 0; i < locs.Length; i++)
        {
            var r = new MN.Laplace(locs[i], scales[i]);
            lp[i].ShouldBeRelClose(r.DensityLn(xs[i]), 1e-14, 1e-14);
            cdf[i].ShouldBeRelClose(r.CumulativeDistribution(xs[i]), 1e-13, 1e-15);
            h[i].ShouldBeRelClose(r.Entropy, 1e-14, 1e-14);
            v[i].ShouldBeRelClose(r.Variance, 1e-14);
            sd[i].ShouldBeRelClose(r.StdDev, 1e-14);
        }

        d.Mean.ToDoubleArray().Should().Equal(locs);
    }

    [Fact]
    public void Icdf_InvertsCdf()
    {
        var d = new Laplace(0.5, 2.0, DType.Float64);
        var p = DistTestUtil.D(1e-9, 0.1, 0.5, 0.6, 0.999999);
        d.Cdf(d.Icdf(p)).ShouldBeClose(p.ToDoubleArray(), 1e-13);
    }

    [Fact]
    public void Samples_MatchMoments_And_PassKolmogorovSmirnov()
    {
        var d = new Laplace(-0.5, 1.3, DType.Float64);
        var x = d.Sample(new Shape(200_000), new Generator(21)).ToDoubleArray();
        DistTestUtil.AssertMoments(x, -0.5, 2 * 1.3 * 1.3);
        DistTestUtil.AssertKs(x, new MN.Laplace(-0.5, 1.3).CumulativeDistribution);
        x.All(double.IsFinite).Should().BeTrue();
    }

    [Fact]
    public void GradCheck_RSample_LogProb_Cdf()
    {
        DistTestUtil.AssertGrad(p => new Laplace(p[0], p[1]).RSample(new Shape(4), new Generator(9)), DistTestUtil.D(0.1, 2), DistTestUtil.D(0.5, 1.5));
        DistTestUtil.AssertGrad(p => new Laplace(p[0], p[1]).LogProb(p[2]), DistTestUtil.D(0.1, 2), DistTestUtil.D(0.5, 1.5), DistTestUtil.D(0.9, 1.1));
        DistTestUtil.AssertGrad(p => new Laplace(p[0], p[1]).Cdf(p[2]), DistTestUtil.D(0.1, 2), DistTestUtil.D(0.5, 1.5), DistTestUtil.D(0.9, 1.1));
    }

    [Fact]
    public void InvalidScale_And_WrongShape_Throw()
    {
        var act = () => new Laplace(DistTestUtil.D(0.0), DistTestUtil.D(0.0));
        act.Should().Throw<ArgumentException>().WithMessage("*scale*positive*");
        var d = new Laplace(Tensor.Zeros(new Shape(3), DType.Float64), Tensor.Ones(new Shape(3), DType.Float64));
        var shape = () => d.LogProb(Tensor.Zeros(new Shape(4), DType.Float64));
        shape.Should().Throw<ArgumentException>().WithMessage("*[4]*[3]*");
    }

    [Fact]
    public void SameSeed_GivesIdenticalBits()
    {
        var d = new Laplace(0, 1);
        d.Sample(new Shape(50), new Generator(8)).ToArray().Should().Equal(d.Sample(new Shape(50), new Generator(8)).ToArray());
    }
}
