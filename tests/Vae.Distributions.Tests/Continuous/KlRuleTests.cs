using Vae.Core;

namespace Vae.Distributions.Tests;

public class KlRuleTests
{
    /// <summary>Pairs (p, q) with an analytic KL(p ‖ q), all float64, with small batches.</summary>
    private static readonly string[] PairNames =
    [
        "Normal-Normal", "Independent-Independent", "Mvn-Mvn", "Uniform-Uniform", "Uniform-Normal",
        "Laplace-Laplace", "Normal-Laplace", "Laplace-Normal", "CB-CB",
    ];

    public static TheoryData<string> Pairs => new(PairNames);

    private static (Distribution P, Distribution Q) Make(string name) => name switch
    {
        "Normal-Normal" => (new Normal(DistTestUtil.D(0.3, -1), DistTestUtil.D(0.8, 2.0)), new Normal(DistTestUtil.D(-0.2, 0.5), DistTestUtil.D(1.1, 1.4))),
        "Independent-Independent" => (
            new Independent(new Normal(DistTestUtil.D(0.3, -1, 0.2), DistTestUtil.D(0.8, 2.0, 0.5)), 1),
            new Independent(new Normal(DistTestUtil.D(-0.2, 0.5, 0), DistTestUtil.D(1.1, 1.4, 1)), 1)),
        "Mvn-Mvn" => (
            new MultivariateNormal(Tensor.FromArray(new double[] { 0.2, -0.1, 0.4, 1, 0, -1 }, 2, 3),
                Tensor.FromArray(new double[,] { { 1.5, 0.3, 0.1 }, { 0.3, 0.8, -0.2 }, { 0.1, -0.2, 0.6 } })),
            new MultivariateNormal(DistTestUtil.D(0.0, 0.5, 0.1),
                Tensor.FromArray(new double[,] { { 1.0, -0.2, 0.0 }, { -0.2, 1.2, 0.3 }, { 0.0, 0.3, 0.9 } }))),
        "Uniform-Uniform" => (new Uniform(DistTestUtil.D(0, -1), DistTestUtil.D(1, 0.5)), new Uniform(DistTestUtil.D(-0.5, -2), DistTestUtil.D(2, 1))),
        "Uniform-Normal" => (new Uniform(DistTestUtil.D(0, -1), DistTestUtil.D(1, 2.5)), new Normal(DistTestUtil.D(0.3, 0), DistTestUtil.D(0.7, 2))),
        "Laplace-Laplace" => (new Laplace(DistTestUtil.D(0.3, -1), DistTestUtil.D(0.8, 2.0)), new Laplace(DistTestUtil.D(-0.2, 0.5), DistTestUtil.D(1.1, 1.4))),
        "Normal-Laplace" => (new Normal(DistTestUtil.D(0.3, -1), DistTestUtil.D(0.8, 2.0)), new Laplace(DistTestUtil.D(-0.2, 0.5), DistTestUtil.D(1.1, 1.4))),
        "Laplace-Normal" => (new Laplace(DistTestUtil.D(0.3, -1), DistTestUtil.D(0.8, 2.0)), new Normal(DistTestUtil.D(-0.2, 0.5), DistTestUtil.D(1.1, 1.4))),
        "CB-CB" => (ContinuousBernoulli.FromLogits(DistTestUtil.D(0.2, -3, 1.5)), ContinuousBernoulli.FromLogits(DistTestUtil.D(-1, 0.01, 4))),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Analytic_AgreesWithMonteCarlo(string pair)
    {
        var (p, q) = Make(pair);
        KL.HasRule(p, q).Should().BeTrue();
        var analytic = KL.Divergence(p, q).ToDoubleArray();
        const int n = 200_000;
        var mc = KL.MonteCarlo(p, q, n, new Generator(77)).ToDoubleArray();

        // Standard error of the estimate from the same draws: sd(log p − log q)/√n.
        var z = p.RSample(new Shape(n), new Generator(77));
        var diff = p.LogProb(z) - q.LogProb(z);
        var se = (diff.Std(0) / Math.Sqrt(n)).ToDoubleArray();
        analytic.Length.Should().Be(mc.Length);
        for (int i = 0; i < analytic.Length; i++)
        {
            double.IsFinite(analytic[i]).Should().BeTrue();
            // 5 standard errors, plus room for the rounding of a 200k-term float64 sum (zero-variance pairs).
            mc[i].Should().BeApproximately(analytic[i], (5 * se[i]) + (1e-10 * Math.Max(1, Math.Abs(analytic[i]))), $"{pair}, batch element {i} (SE {se[i]:G3})");
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void MonteCarloError_ShrinksWithMoreSamples(string pair)
    {
        var (p, q) = Make(pair);
        var analytic = KL.Divergence(p, q).ToDoubleArray();
        double Err(int samples)
        {
            double total = 0;
            for (int seed = 0; seed < 10; seed++)
            {
                var mc = KL.MonteCarlo(p, q, samples, new Generator((ulong)(1000 + seed))).ToDoubleArray();
                total += mc.Zip(analytic, (a, b) => Math.Abs(a - b)).Sum();
            }

            return total;
        }

        double small = Err(100), large = Err(10_000);
        if (small < 1e-10)
        {
            large.Should().BeLessThan(1e-10);   // zero-variance pairs (nested uniforms): exact at any sample size
            return;
        }

        large.Should().BeLessThan(small / 4, $"{pair}: error with 10000 samples vs 100 samples (expected ~10× smaller)");
    }

    [Fact]
    public void Bernoulli_MatchesExactEnumeration()
    {
        // Bernoulli has no RSample, so KL.MonteCarlo does not apply; the expectation is an exact two-term sum.
        var p = Bernoulli.FromLogits(DistTestUtil.D(0.3, -4, 100, 2));
        var q = Bernoulli.FromLogits(DistTestUtil.D(-1, 2, 3, -100));
        var kl = KL.Divergence(p, q).ToDoubleArray();
        var one = Tensor.Ones(new Shape(4), DType.Float64);
        var zero = Tensor.Zeros(new Shape(4), DType.Float64);
        var pr = p.Probs.ToDoubleArray();
        var d1 = (p.LogProb(one) - q.LogProb(one)).ToDoubleArray();
        var d0 = (p.LogProb(zero) - q.LogProb(zero)).ToDoubleArray();
        for (int i = 0; i < 4; i++)
        {
            kl[i].ShouldBeRelClose((pr[i] * d1[i]) + ((1 - pr[i]) * d0[i]), 1e-12, 1e-15);
            double.IsFinite(kl[i]).Should().BeTrue();
        }

        KL.Divergence(p, p).ToDoubleArray().Should().AllSatisfy(v => v.Should().BeApproximately(0, 1e-15));
    }

    [Fact]
    public void Bernoulli_AgreesWithASampledEstimate()
    {
        // The Monte Carlo estimate E_p[log p(x) − log q(x)] from (non-reparameterised) samples, within 5 standard errors.
        var p = Bernoulli.FromLogits(DistTestUtil.D(0.3, -2));
        var q = Bernoulli.FromLogits(DistTestUtil.D(-1, 0.5));
        const int n = 200_000;
        var x = p.Sample(new Shape(n), new Generator(5));
        var diff = p.LogProb(x) - q.LogProb(x);
        var mc = diff.Mean(0).ToDoubleArray();
        var se = (diff.Std(0) / Math.Sqrt(n)).ToDoubleArray();
        var kl = KL.Divergence(p, q).ToDoubleArray();
        for (int i = 0; i < 2; i++)
        {
            mc[i].Should().BeApproximately(kl[i], 5 * se[i]);
        }
    }

    [Fact]
    public void UniformNotNested_IsInfinite()
    {
        var p = new Uniform(DistTestUtil.D(0, -1), DistTestUtil.D(1, 3));
        var q = new Uniform(DistTestUtil.D(0.5, -2), DistTestUtil.D(2, 3));
        var kl = KL.Divergence(p, q).ToDoubleArray();
        kl[0].Should().Be(double.PositiveInfinity);
        kl[1].Should().BeApproximately(Math.Log(5.0 / 4), 1e-15);
    }

    [Fact]
    public void KlOfADistributionWithItself_IsZero()
    {
        foreach (var pair in PairNames)
        {
            var (p, _) = Make(pair);
            if (KL.HasRule(p, p))
            {
                KL.Divergence(p, p).ToDoubleArray().Should().AllSatisfy(v => v.Should().BeApproximately(0, 1e-12), pair);
            }
        }
    }

    [Fact]
    public void GradCheck_AnalyticRules()
    {
        DistTestUtil.AssertGrad(
            t => KL.Divergence(new Normal(t[0], t[1]), new Normal(t[2], t[3])),
            DistTestUtil.D(0.3, -1), DistTestUtil.D(0.8, 2.0), DistTestUtil.D(-0.2, 0.5), DistTestUtil.D(1.1, 1.4));
        DistTestUtil.AssertGrad(
            t => KL.Divergence(MultivariateNormal.FromScaleTril(t[0], t[1].Tril()), MultivariateNormal.FromScaleTril(t[2], t[3].Tril())),
            DistTestUtil.D(0.3, -1), Tensor.FromArray(new double[,] { { 1.2, 0 }, { 0.3, 0.7 } }),
            DistTestUtil.D(0.1, 0.2), Tensor.FromArray(new double[,] { { 0.9, 0 }, { -0.4, 1.3 } }));
        DistTestUtil.AssertGrad(
            t => KL.Divergence(new Normal(t[0], t[1]), new Laplace(t[2], t[3])) + KL.Divergence(new Laplace(t[0], t[1]), new Laplace(t[2], t[3])),
            DistTestUtil.D(0.3, -1), DistTestUtil.D(0.8, 2.0), DistTestUtil.D(-0.2, 0.5), DistTestUtil.D(1.1, 1.4));
        DistTestUtil.AssertGrad(
            t => KL.Divergence(ContinuousBernoulli.FromLogits(t[0]), ContinuousBernoulli.FromLogits(t[1])) + KL.Divergence(Bernoulli.FromLogits(t[0]), Bernoulli.FromLogits(t[1])),
            DistTestUtil.D(0.2, -3, 1e-3), DistTestUtil.D(-1, 0.01, 4));
    }

    [Fact]
    public void NormalNormal_StableForTinyScales()
    {
        var p = Normal.WithLogScale(DistTestUtil.D(0.0), DistTestUtil.D(-700.0));
        var q = Normal.WithLogScale(DistTestUtil.D(0.0), DistTestUtil.D(-699.0));
        KL.Divergence(p, q).Item().ShouldBeRelClose(1 + ((Math.Exp(-2) - 1) / 2), 1e-13);
    }
}
