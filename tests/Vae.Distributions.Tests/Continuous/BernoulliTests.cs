using Vae.Core;
using MN = MathNet.Numerics.Distributions;

namespace Vae.Distributions.Tests;

public class BernoulliTests
{
    [Fact]
    public void LogProb_Mean_Variance_Entropy_MatchMathNet()
    {
        double[] ps = [0.1, 0.5, 0.93, 0.999];
        var byProbs = Bernoulli.FromProbs(DistTestUtil.D(ps));
        var byLogits = Bernoulli.FromLogits(DistTestUtil.D(ps.Select(p => Math.Log(p / (1 - p))).ToArray()));
        foreach (var d in new[] { byProbs, byLogits })
        {
            var lp1 = d.LogProb(DistTestUtil.D(1, 1, 1, 1)).ToDoubleArray();
            var lp0 = d.LogProb(DistTestUtil.D(0, 0, 0, 0)).ToDoubleArray();
            var h = d.Entropy().ToDoubleArray();
            var m = d.Mean.ToDoubleArray();
            var v = d.Variance.ToDoubleArray();
            for (int i = 0; i < ps.Length; i++)
            {
                var r = new MN.Bernoulli(ps[i]);
                lp1[i].ShouldBeRelClose(r.ProbabilityLn(1), 1e-12);
                lp0[i].ShouldBeRelClose(r.ProbabilityLn(0), 1e-12);
                h[i].ShouldBeRelClose(r.Entropy, 1e-12);
                m[i].ShouldBeRelClose(r.Mean, 1e-14);
                v[i].ShouldBeRelClose(r.Variance, 1e-12);
            }
        }
    }

    [Fact]
    public void ExtremeLogits_GiveFiniteCorrectLogProbs()
    {
        var d = Bernoulli.FromLogits(DistTestUtil.D(100, -100, 100, -100));
        var lp = d.LogProb(DistTestUtil.D(1, 1, 0, 0)).ToDoubleArray();
        lp.All(double.IsFinite).Should().BeTrue();
        lp[0].ShouldBeRelClose(-Math.Exp(-100), 1e-12);   // log σ(100) = −log1p(e⁻¹⁰⁰)
        lp[1].ShouldBeRelClose(-100 - Math.Exp(-100), 1e-15);
        lp[2].ShouldBeRelClose(-100 - Math.Exp(-100), 1e-15);
        lp[3].ShouldBeRelClose(-Math.Exp(-100), 1e-12);
        var f32 = Bernoulli.FromLogits(Tensor.FromArray([100f, -100f], 2)).LogProb(Tensor.FromArray([0f, 1f], 2)).ToArray();
        f32[0].Should().BeApproximately(-100f, 1e-4f);
        f32[1].Should().BeApproximately(-100f, 1e-4f);
        double.IsFinite(d.Entropy().ToDoubleArray()[0]).Should().BeTrue();
    }

    [Fact]
    public void ProbsOfZeroAndOne_GiveFiniteLogits()
    {
        var d = Bernoulli.FromProbs(DistTestUtil.D(0, 1));
        d.Logits.ToDoubleArray().All(double.IsFinite).Should().BeTrue();
        var lp = d.LogProb(DistTestUtil.D(0, 1)).ToDoubleArray();
        lp[0].Should().BeApproximately(0, 1e-15);
        lp[1].Should().BeApproximately(0, 1e-15);
        d.Mean.ToDoubleArray().Should().Equal(0, 1);
    }

    [Fact]
    public void Samples_MatchMean()
    {
        var d = Bernoulli.FromProbs(DistTestUtil.D(0.2, 0.7));
        var s = d.Sample(new Shape(100_000), new Generator(17));
        s.Shape.Should().Equal(100_000, 2);
        s.ToDoubleArray().All(v => v == 0 || v == 1).Should().BeTrue();
        var mean = s.Mean(0).ToDoubleArray();
        mean[0].Should().BeApproximately(0.2, 5 * Math.Sqrt(0.16 / 100_000));
        mean[1].Should().BeApproximately(0.7, 5 * Math.Sqrt(0.21 / 100_000));
        d.HasRSample.Should().BeFalse();
        var rs = () => d.RSample(new Shape(1), new Generator(1));
        rs.Should().Throw<NotSupportedException>();
        d.Sample(new Shape(64), new Generator(5)).ToArray().Should().Equal(d.Sample(new Shape(64), new Generator(5)).ToArray());
    }

    [Fact]
    public void LogProb_GradCheck()
    {
        DistTestUtil.AssertGrad(p => Bernoulli.FromLogits(p[0]).LogProb(DistTestUtil.D(1, 0, 0.3)), DistTestUtil.D(0.4, -2, 3));
        DistTestUtil.AssertGrad(p => Bernoulli.FromProbs(p[0]).LogProb(DistTestUtil.D(1, 0, 0.3)) + Bernoulli.FromProbs(p[0]).Entropy(), DistTestUtil.D(0.4, 0.2, 0.9));
    }

    [Fact]
    public void InvalidProbs_Throw()
    {
        var act = () => Bernoulli.FromProbs(DistTestUtil.D(0.5, 1.2));
        act.Should().Throw<ArgumentException>().WithMessage("*probs*[0, 1]*[1]*1.2*");
        var shape = () => Bernoulli.FromLogits(Tensor.Zeros(new Shape(5), DType.Float64)).LogProb(Tensor.Zeros(new Shape(5, 2), DType.Float64));
        shape.Should().Throw<ArgumentException>().WithMessage("*[5, 2]*[5]*");
    }
}
