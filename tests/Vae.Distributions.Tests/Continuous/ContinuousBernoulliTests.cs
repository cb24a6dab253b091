using Vae.Core;

namespace Vae.Distributions.Tests;

public class ContinuousBernoulliTests
{
    // λ values spanning both tails, the Taylor region around ½ (|logit| < 0.5) and λ = ½ itself.
    private static readonly double[] Lambdas = [1e-4, 0.05, 0.3, 0.45, 0.4999, 0.5, 0.5003, 0.6, 0.77, 0.999, 1 - 1e-6];

    [Fact]
    public void ValuesMatchHighPrecisionReferences()
    {
        // References evaluated with mpmath at 50 digits from the closed forms in λ (see the class docs).
        double[] lam = [0.4999, 0.5003, 0.45, 0.6];
        double[] x = [0.5, 0.7, 0.2, 0.95];
        double[] lp = [-6.6666668355555606e-9, 0.00023994002878632622, 0.058523907656937389, 0.17561857754482149];
        double[] mean = [0.49996666666631111, 0.5001000000096, 0.48328865456397289, 0.53369653762356831];
        double[] variance = [0.083333332666666653, 0.083333327333332236, 0.083165814706011102, 0.082652768529974985];
        double[] cdf = [0.5000500000005, 0.69987398990805317, 0.216366873951598, 0.93979259593767304];
        var d = ContinuousBernoulli.FromProbs(DistTestUtil.D(lam));
        var lpA = d.LogProb(DistTestUtil.D(x)).ToDoubleArray();
        var meanA = d.Mean.ToDoubleArray();
        var varA = d.Variance.ToDoubleArray();
        var cdfA = d.Cdf(DistTestUtil.D(x)).ToDoubleArray();
        for (int i = 0; i < lam.Length; i++)
        {
            lpA[i].Should().BeApproximately(lp[i], 1e-14, $"log-prob at λ = {lam[i]}");
            meanA[i].Should().BeApproximately(mean[i], 1e-14, $"mean at λ = {lam[i]}");
            varA[i].Should().BeApproximately(variance[i], 1e-14, $"variance at λ = {lam[i]}");
            cdfA[i].Should().BeApproximately(cdf[i], 1e-14, $"cdf at λ = {lam[i]}");
        }
    }

    [Fact]
    public void ValuesMatchPyTorch_AwayFromHalf()
    {
        // torch.distributions.ContinuousBernoulli (PyTorch 1.13, float64), probs = [0.05, 0.3, 0.77, 0.999],
        // x = [0.2, 0.9, 0.33, 0.999].
        var d = ContinuousBernoulli.FromProbs(DistTestUtil.D(0.05, 0.3, 0.77, 0.999));
        var x = DistTestUtil.D(0.2, 0.9, 0.33, 0.999);
        d.LogProb(x).ShouldBeClose([0.5450977249590702, -0.3686552674067569, -0.2655234455474894, 1.9265946337265718], 1e-12);
        d.Mean.ShouldBeClose([0.284067716339553, 0.43022250114382865, 0.5983245637132381, 0.8562162063289981], 1e-12);
        d.Variance.ShouldBeClose([0.05670199150409691, 0.08042515220619428, 0.07758519443451328, 0.01995991918950142], 1e-12);
        d.Entropy().ShouldBeClose([-0.2975654640793825, -0.02938620223212912, -0.0586961316120278, -0.9404219844758108], 1e-12);
        d.Cdf(x).ShouldBeClose([0.46978117201451497, 0.9336828100823724, 0.20868249346522705, 0.9931101452829001], 1e-12);
        d.Icdf(x).ShouldBeClose([0.07134515988724191, 0.8522796423718004, 0.4747766458175001, 0.9998552868368555], 1e-12);
    }

    [Fact]
    public void Density_Normalises_And_MomentsMatchNumericalIntegration()
    {
        foreach (double lam in Lambdas)
        {
            var d = ContinuousBernoulli.FromProbs(DistTestUtil.D(lam));
            Tensor Pdf(Tensor x) => d.LogProb(x).Exp();
            double mass = DistTestUtil.Integrate(Pdf, 0, 1);
            double m1 = DistTestUtil.Integrate(x => x * Pdf(x), 0, 1);
            double m2 = DistTestUtil.Integrate(x => x * x * Pdf(x), 0, 1);
            double h = DistTestUtil.Integrate(x => -(Pdf(x) * d.LogProb(x)), 0, 1);
            double cdfAt = DistTestUtil.Integrate(Pdf, 0, 0.37);
            mass.Should().BeApproximately(1, 1e-10, $"λ = {lam}");
            d.Mean.Item().Should().BeApproximately(m1, 1e-10, $"λ = {lam}");
            d.Variance.Item().Should().BeApproximately(m2 - (m1 * m1), 1e-10, $"λ = {lam}");
            d.Entropy().Item().Should().BeApproximately(h, 1e-9, $"λ = {lam}");
            d.Cdf(DistTestUtil.D(0.37)).Item().Should().BeApproximately(cdfAt, 1e-10, $"λ = {lam}");
        }
    }

    [Fact]
    public void FunctionsAreContinuousAcrossTheSeriesCutoffs()
    {
        foreach (double cut in new[] { 1e-6, 1e-2, 0.5 })
        {
            // Adjacent doubles on either side of the cutoff: the series and the closed form must agree there.
            var d = ContinuousBernoulli.FromLogits(DistTestUtil.D(Math.BitDecrement(cut), Math.BitIncrement(cut), -Math.BitDecrement(cut), -Math.BitIncrement(cut)));
            var x = DistTestUtil.D(0.3, 0.3, 0.3, 0.3);
            var fns = new[] { d.LogProb(x), d.Mean, d.Variance, d.Entropy(), d.Cdf(x), d.Icdf(x) };
            for (int f = 0; f < fns.Length; f++)
            {
                var v = fns[f].ToDoubleArray();
                v[0].Should().BeApproximately(v[1], 1e-14, $"cut {cut}, function {f}");
                v[2].Should().BeApproximately(v[3], 1e-14, $"cut {cut}, function {f}");
            }
        }
    }

    [Fact]
    public void HalfAndZeroLogits_AreExact()
    {
        var d = ContinuousBernoulli.FromLogits(DistTestUtil.D(0.0));
        d.LogProb(DistTestUtil.D(0.42)).Item().Should().Be(0);
        d.Mean.Item().Should().Be(0.5);
        d.Variance.Item().Should().BeApproximately(1.0 / 12, 1e-17);
        d.Entropy().Item().Should().Be(0);
        d.Cdf(DistTestUtil.D(0.42)).Item().Should().Be(0.42);
        d.Icdf(DistTestUtil.D(0.42)).Item().Should().Be(0.42);
    }

    [Fact]
    public void Icdf_InvertsCdf()
    {
        var d = ContinuousBernoulli.FromLogits(DistTestUtil.D(-30, -3, -0.2, 1e-7, 0.4, 5, 40));
        var u = DistTestUtil.D(0.01, 0.2, 0.5, 0.7, 0.9, 0.35, 0.999);
        d.Cdf(d.Icdf(u)).ShouldBeClose(u.ToDoubleArray(), 1e-12);
        var extreme = ContinuousBernoulli.FromLogits(DistTestUtil.D(800, -800)).Icdf(DistTestUtil.D(0.5, 0.5)).ToDoubleArray();
        extreme.All(v => v >= 0 && v <= 1).Should().BeTrue();
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.503)]
    [InlineData(0.93)]
    public void Samples_MatchMoments_And_PassKolmogorovSmirnov(double lam)
    {
        var d = ContinuousBernoulli.FromProbs(DistTestUtil.D(lam));
        var x = d.Sample(new Shape(200_000), new Generator(41)).ToDoubleArray();
        DistTestUtil.AssertMoments(x, d.Mean.Item(), d.Variance.Item());
        DistTestUtil.AssertKsVec(x, v => d.Cdf(DistTestUtil.D(v)).ToDoubleArray());
        x.All(v => v >= 0 && v <= 1).Should().BeTrue();
    }

    [Fact]
    public void GradCheck_RSample_LogProb_Moments()
    {
        var logits = DistTestUtil.D(-2.5, -0.3, 1e-3, 0.45, 3);
        DistTestUtil.AssertGrad(p => ContinuousBernoulli.FromLogits(p[0]).RSample(new Shape(2), new Generator(13)), logits);
        DistTestUtil.AssertGrad(p => ContinuousBernoulli.FromLogits(p[0]).LogProb(DistTestUtil.D(0.1, 0.5, 0.9, 0.33, 0.6)), logits);
        DistTestUtil.AssertGrad(p => ContinuousBernoulli.FromLogits(p[0]).Mean + ContinuousBernoulli.FromLogits(p[0]).Variance, logits);
        DistTestUtil.AssertGrad(p => ContinuousBernoulli.FromLogits(p[0]).Entropy(), logits);
        DistTestUtil.AssertGrad(p => ContinuousBernoulli.FromProbs(p[0]).LogProb(DistTestUtil.D(0.2, 0.8)), DistTestUtil.D(0.3, 0.7));
    }

    [Fact]
    public void Float32_IsFiniteAtExtremes()
    {
        var d = ContinuousBernoulli.FromLogits(Tensor.FromArray([-60f, -1e-5f, 0f, 3e-3f, 60f], 5));
        var x = Tensor.FromArray([0f, 0.5f, 0.5f, 1f, 1f], 5);
        foreach (var t in new[] { d.LogProb(x), d.Mean, d.Variance, d.Entropy(), d.Cdf(x), d.RSample(new Shape(3), new Generator(1)) })
        {
            t.ToArray().All(float.IsFinite).Should().BeTrue();
        }
    }

    [Fact]
    public void InvalidProbs_Throw()
    {
        var act = () => ContinuousBernoulli.FromProbs(DistTestUtil.D(-0.1));
        act.Should().Throw<ArgumentException>().WithMessage("*probs*");
        var d = ContinuousBernoulli.FromLogits(Tensor.Zeros(new Shape(3), DType.Float64));
        var shape = () => d.LogProb(Tensor.Zeros(new Shape(2), DType.Float64));
        shape.Should().Throw<ArgumentException>().WithMessage("*[2]*[3]*");
    }
}
