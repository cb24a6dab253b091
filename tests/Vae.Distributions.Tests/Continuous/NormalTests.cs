using Vae.Core;
using MN = MathNet.Numerics.Distributions;

namespace Vae.Distributions.Tests;

public class NormalTests
{
    private static readonly double[] Locs = [0.0, -1.5, 2.0, 10.0];
    private static readonly double[] Scales = [1.0, 0.3, 2.5, 1e-3];

    [Fact]
    public void LogProb_Mean_Variance_Entropy_MatchMathNet()
    {
        var d = new Normal(DistTestUtil.D(Locs), DistTestUtil.D(Scales));
        double[] xs = [0.7, -1.2, 5.0, 10.0005];
        var lp = d.LogProb(DistTestUtil.D(xs)).ToDoubleArray();
        var h = d.Entropy().ToDoubleArray();
        var mean = d.Mean.ToDoubleArray();
        var variance = d.Variance.ToDoubleArray();
        var sd = d.StdDev.ToDoubleArray();
        for (int i = 0; i < Locs.Length; i++)
        {
            var r = new MN.Normal(Locs[i], Scales[i]);
            lp[i].ShouldBeRelClose(r.DensityLn(xs[i]), 1e-13, 1e-13);
            h[i].ShouldBeRelClose(r.Entropy, 1e-13, 1e-13);
            mean[i].Should().Be(r.Mean);
            variance[i].ShouldBeRelClose(r.Variance, 1e-15);
            sd[i].ShouldBeRelClose(r.StdDev, 1e-15);
        }
    }

    [Fact]
    public void Cdf_And_Icdf_MatchMathNet()
    {
        var d = new Normal(DistTestUtil.D(0.5), DistTestUtil.D(2.0));
        double[] xs = [-30, -9, -3, -0.5, 0.5, 1.7, 4, 9, 20];
        var cdf = d.Cdf(DistTestUtil.D(xs)).ToDoubleArray();
        var r = new MN.Normal(0.5, 2.0);
        for (int i = 0; i < xs.Length; i++)
        {
            // Relative accuracy in the lower tail, absolute elsewhere.
            cdf[i].ShouldBeRelClose(r.CumulativeDistribution(xs[i]), 1e-12, 1e-16);
        }

        double[] ps = [1e-300, 1e-12, 1e-4, 0.02, 0.3, 0.5, 0.77, 0.999, 1 - 1e-12];
        var q = d.Icdf(DistTestUtil.D(ps)).ToDoubleArray();
        for (int i = 0; i < ps.Length; i++)
        {
            q[i].ShouldBeRelClose(r.InverseCumulativeDistribution(ps[i]), 1e-9, 1e-9);
        }

        var ends = d.Icdf(DistTestUtil.D(0.0, 1.0)).ToDoubleArray();
        ends[0].Should().Be(double.NegativeInfinity);
        ends[1].Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void Samples_MatchMoments_And_PassKolmogorovSmirnov()
    {
        var d = new Normal(1.5, 0.7, DType.Float64);
        var x = d.Sample(new Shape(200_000), new Generator(11)).ToDoubleArray();
        DistTestUtil.AssertMoments(x, 1.5, 0.49);
        var r = new MN.Normal(1.5, 0.7);
        DistTestUtil.AssertKs(x, r.CumulativeDistribution);
    }

    [Fact]
    public void Ks_RejectsAWrongDistribution()
    {
        // The test can fail: N(0, 1.05²) samples are rejected against N(0, 1) at n = 200k.
        var x = new Normal(0, 1.05, DType.Float64).Sample(new Shape(200_000), new Generator(3)).ToDoubleArray();
        double d = DistTestUtil.KsStatistic(x, new MN.Normal(0, 1).CumulativeDistribution);
        d.Should().BeGreaterThan(DistTestUtil.KsCoefficient(0.001) / Math.Sqrt(x.Length));
    }

    [Fact]
    public void RSample_GradCheck_WithFixedNoise()
    {
        DistTestUtil.AssertGrad(
            p => new Normal(p[0], p[1]).RSample(new Shape(3), new Generator(5)),
            DistTestUtil.D(0.3, -1.0), DistTestUtil.D(0.8, 1.7));
    }

    [Fact]
    public void LogProb_GradCheck_ParametersAndValue()
    {
        DistTestUtil.AssertGrad(
            p => new Normal(p[0], p[1]).LogProb(p[2]),
            DistTestUtil.D(0.3, -1.0, 2.0), DistTestUtil.D(0.8, 1.7, 0.4), DistTestUtil.D(1.1, -0.2, 2.3));
        DistTestUtil.AssertGrad(
            p => Normal.FromLogVariance(p[0], p[1]).LogProb(DistTestUtil.D(0.5, 0.1)) + Normal.FromLogVariance(p[0], p[1]).Entropy(),
            DistTestUtil.D(0.3, -1.0), DistTestUtil.D(-0.4, 1.2));
    }

    [Fact]
    public void Cdf_Icdf_GradCheck()
    {
        DistTestUtil.AssertGrad(p => new Normal(p[0], p[1]).Cdf(p[2]), DistTestUtil.D(0.2, -1), DistTestUtil.D(1.3, 0.6), DistTestUtil.D(0.9, -1.4));
        DistTestUtil.AssertGrad(p => new Normal(p[0], p[1]).Icdf(p[2]), DistTestUtil.D(0.2, -1), DistTestUtil.D(1.3, 0.6), DistTestUtil.D(0.1, 0.75));
    }

    [Fact]
    public void TinyScale_LogProbStaysFinite()
    {
        var d = new Normal(DistTestUtil.D(0.0), DistTestUtil.D(1e-30));
        double lp = d.LogProb(DistTestUtil.D(0.0)).Item();
        lp.ShouldBeRelClose(-Math.Log(1e-30) - (0.5 * Math.Log(2 * Math.PI)), 1e-14);
        double lp2 = d.LogProb(DistTestUtil.D(3e-30)).Item();
        lp2.ShouldBeRelClose(-4.5 - Math.Log(1e-30) - (0.5 * Math.Log(2 * Math.PI)), 1e-9);
        double.IsFinite(d.Entropy().Item()).Should().BeTrue();

        // Log-scale path: σ = e⁻⁸⁰⁰ underflows to 0, but log-density and entropy use log σ directly.
        var u = Normal.WithLogScale(DistTestUtil.D(0.0), DistTestUtil.D(-800.0));
        u.Entropy().Item().ShouldBeRelClose(-800 + 0.5 + (0.5 * Math.Log(2 * Math.PI)), 1e-15);
        var f = Normal.FromLogVariance(DistTestUtil.D(0.0), DistTestUtil.D(-138.155)); // σ² ≈ 1e-60
        double.IsFinite(f.LogProb(DistTestUtil.D(0.0)).Item()).Should().BeTrue();
    }

    [Fact]
    public void FromLogVariance_And_WithLogScale_MatchDirectParameterisation()
    {
        var mu = DistTestUtil.D(0.1, -2);
        var logVar = DistTestUtil.D(-1.0, 0.6);
        var a = Normal.FromLogVariance(mu, logVar);
        var b = new Normal(mu, (logVar * 0.5).Exp());
        var c = Normal.WithLogScale(mu, logVar * 0.5);
        var x = DistTestUtil.D(0.4, -1.1);
        a.LogProb(x).ShouldBeClose(b.LogProb(x).ToDoubleArray(), 1e-14);
        c.Entropy().ShouldBeClose(b.Entropy().ToDoubleArray(), 1e-14);
        a.Variance.ShouldBeClose(b.Variance.ToDoubleArray(), 1e-14);
    }

    [Fact]
    public void Parameters_BroadcastToCommonBatchShape()
    {
        var loc = Tensor.Zeros(new Shape(3, 1), DType.Float64);
        var scale = Tensor.Ones(new Shape(4), DType.Float64);
        var d = new Normal(loc, scale);
        d.BatchShape.Should().Equal(3, 4);
        d.EventShape.Should().BeEmpty();
        d.RSample(new Shape(5), new Generator(1)).Shape.Should().Equal(5, 3, 4);
        d.Sample(new Generator(1)).Shape.Should().Equal(3, 4);
        d.LogProb(Tensor.Zeros(new Shape(2, 1, 4), DType.Float64)).Shape.Should().Equal(2, 3, 4);
        d.Entropy().Shape.Should().Equal(3, 4);
        var f32 = new Normal(Tensor.Zeros(new Shape(2)), 1.0);
        f32.DType.Should().Be(DType.Float32);
        f32.RSample(new Shape(7), new Generator(2)).DType.Should().Be(DType.Float32);
    }

    [Fact]
    public void InvalidParameters_Throw()
    {
        var act = () => new Normal(DistTestUtil.D(0, 0), DistTestUtil.D(1, -0.5));
        act.Should().Throw<ArgumentException>().WithMessage("*scale*positive*[1]*-0.5*");
        var zero = () => new Normal(0, 0, DType.Float64);
        zero.Should().Throw<ArgumentException>();
        var shapes = () => new Normal(Tensor.Zeros(new Shape(3), DType.Float64), Tensor.Ones(new Shape(4), DType.Float64));
        shapes.Should().Throw<ArgumentException>().WithMessage("*[3]*[4]*");
        var dtypes = () => new Normal(Tensor.Zeros(new Shape(3)), Tensor.Ones(new Shape(3), DType.Float64));
        dtypes.Should().Throw<ArgumentException>().WithMessage("*float32*float64*");
        var inf = () => Normal.WithLogScale(DistTestUtil.D(0.0), DistTestUtil.D(double.NegativeInfinity));
        inf.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void NaNScale_Propagates()
    {
        var d = new Normal(DistTestUtil.D(0.0), DistTestUtil.D(double.NaN));
        double.IsNaN(d.LogProb(DistTestUtil.D(0.0)).Item()).Should().BeTrue();
    }

    [Fact]
    public void WrongValueShape_ThrowsNamingBothShapes()
    {
        var d = new Normal(Tensor.Zeros(new Shape(2, 3), DType.Float64), 1.0);
        var act = () => d.LogProb(Tensor.Zeros(new Shape(2, 4), DType.Float64));
        act.Should().Throw<ArgumentException>().WithMessage("*[2, 4]*[2, 3]*");
        var dtype = () => d.LogProb(Tensor.Zeros(new Shape(2, 3)));
        dtype.Should().Throw<ArgumentException>().WithMessage("*float32*float64*");
    }

    [Fact]
    public void SameSeed_GivesIdenticalBits()
    {
        var d = new Normal(Tensor.Zeros(new Shape(4)), Tensor.Ones(new Shape(4)));
        var a = d.RSample(new Shape(100), new Generator(42)).ToArray();
        var b = d.RSample(new Shape(100), new Generator(42)).ToArray();
        a.Should().Equal(b);
        var c = d.RSample(new Shape(100), new Generator(43)).ToArray();
        c.Should().NotEqual(a);
    }
}
