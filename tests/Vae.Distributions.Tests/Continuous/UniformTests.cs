using Vae.Core;
using MN = MathNet.Numerics.Distributions;

namespace Vae.Distributions.Tests;

public class UniformTests
{
    [Fact]
    public void LogProb_Mean_Variance_Entropy_Cdf_MatchMathNet()
    {
        double[] lows = [0, -3, 2], highs = [1, 5, 2.5], xs = [0.25, 4.9, 2.1];
        var d = new Uniform(DistTestUtil.D(lows), DistTestUtil.D(highs));
        var lp = d.LogProb(DistTestUtil.D(xs)).ToDoubleArray();
        var cdf = d.Cdf(DistTestUtil.D(xs)).ToDoubleArray();
        var h = d.Entropy().ToDoubleArray();
        var m = d.Mean.ToDoubleArray();
        var v = d.Variance.ToDoubleArray();
        for (int i = 0; i < lows.Length; i++)
        {
            var r = new MN.ContinuousUniform(lows[i], highs[i]);
            lp[i].ShouldBeRelClose(r.DensityLn(xs[i]), 1e-14, 1e-14);
            cdf[i].ShouldBeRelClose(r.CumulativeDistribution(xs[i]), 1e-14, 1e-15);
            h[i].ShouldBeRelClose(r.Entropy, 1e-14, 1e-14);
            m[i].ShouldBeRelClose(r.Mean, 1e-15);
            v[i].ShouldBeRelClose(r.Variance, 1e-14);
        }
    }

    [Fact]
    public void LogProb_IsMinusInfinityOutsideTheSupport()
    {
        var d = new Uniform(-1, 2, DType.Float64);
        var lp = d.LogProb(DistTestUtil.D(-1.0001, -1, 1.999, 2, 7)).ToDoubleArray();
        lp[0].Should().Be(double.NegativeInfinity);
        lp[1].Should().BeApproximately(-Math.Log(3), 1e-15);
        lp[2].Should().BeApproximately(-Math.Log(3), 1e-15);
        lp[3].Should().Be(double.NegativeInfinity);
        lp[4].Should().Be(double.NegativeInfinity);
        d.Cdf(DistTestUtil.D(-5, 0.5, 9)).ShouldBeClose([0, 0.5, 1], 1e-15);
        d.Icdf(DistTestUtil.D(0, 0.5, 1)).ShouldBeClose([-1, 0.5, 2], 1e-15);
    }

    [Fact]
    public void Samples_MatchMoments_And_PassKolmogorovSmirnov()
    {
        var d = new Uniform(-2, 3, DType.Float64);
        var x = d.Sample(new Shape(200_000), new Generator(31)).ToDoubleArray();
        DistTestUtil.AssertMoments(x, 0.5, 25.0 / 12);
        DistTestUtil.AssertKs(x, new MN.ContinuousUniform(-2, 3).CumulativeDistribution);
        x.All(v => v >= -2 && v < 3).Should().BeTrue();
    }

    [Fact]
    public void GradCheck_RSample_LogProb()
    {
        DistTestUtil.AssertGrad(p => new Uniform(p[0], p[1]).RSample(new Shape(3), new Generator(4)), DistTestUtil.D(0.1, -2), DistTestUtil.D(0.5, 1.5));
        DistTestUtil.AssertGrad(p => new Uniform(p[0], p[1]).LogProb(DistTestUtil.D(0.3, 0)) + new Uniform(p[0], p[1]).Entropy(), DistTestUtil.D(0.1, -2), DistTestUtil.D(0.5, 1.5));
    }

    [Fact]
    public void InvalidBounds_Throw()
    {
        var act = () => new Uniform(DistTestUtil.D(0, 1), DistTestUtil.D(1, 1));
        act.Should().Throw<ArgumentException>().WithMessage("*high − low*positive*[1]*");
    }
}
