using Vae.Core;

namespace Vae.Distributions.Tests;

/// <summary>Cross-cutting checks of the continuous family: sealing, second-order gradients, KL dispatch, detaching.</summary>
public class ContinuousApiTests
{
    [Fact]
    public void Distributions_AreSealed_ExceptTheExtensionPoints()
    {
        Type[] sealedTypes =
        [
            typeof(Normal), typeof(Independent), typeof(MultivariateNormal), typeof(Bernoulli), typeof(ContinuousBernoulli),
            typeof(Uniform), typeof(Laplace), typeof(AffineTransform), typeof(ExpTransform), typeof(SigmoidTransform),
            typeof(TanhTransform), typeof(SoftplusTransform), typeof(ComposeTransform),
        ];
        sealedTypes.Should().AllSatisfy(t => t.IsSealed.Should().BeTrue(t.Name));
        typeof(Transform).IsAbstract.Should().BeTrue();
        typeof(TransformedDistribution).IsSealed.Should().BeFalse();
    }

    [Fact]
    public void SecondOrderGradients_OfLogProbs()
    {
        static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
        {
            var r = GradCheck.CheckSecondOrder(f, inputs, atol: 1e-5, rtol: 1e-3);
            r.Passed.Should().BeTrue(r.Message);
        }

        Check(p => new Normal(p[0], p[1]).LogProb(p[2]), DistTestUtil.D(0.1, -0.3), DistTestUtil.D(0.9, 1.4), DistTestUtil.D(0.5, 0.2));
        Check(p => Bernoulli.FromLogits(p[0]).LogProb(DistTestUtil.D(1, 0.2)), DistTestUtil.D(0.7, -1.2));
        Check(p => ContinuousBernoulli.FromLogits(p[0]).LogProb(DistTestUtil.D(0.9, 0.2, 0.5)), DistTestUtil.D(0.7, -1.2, 2e-3));
        Check(p => new Laplace(p[0], p[1]).LogProb(p[2]), DistTestUtil.D(0.1, -0.3), DistTestUtil.D(0.9, 1.4), DistTestUtil.D(0.5, 0.2));
        Check(
            p => MultivariateNormal.FromScaleTril(p[0], p[1].Tril()).LogProb(p[2]),
            DistTestUtil.D(0.1, -0.3), Tensor.FromArray(new double[,] { { 1.1, 0 }, { 0.4, 0.8 } }), DistTestUtil.D(0.5, 0.2));
        Check(p => new Normal(p[0], p[1]).Cdf(p[2]) + new Normal(p[0], p[1]).Icdf(DistTestUtil.D(0.3, 0.9)), DistTestUtil.D(0.1, -0.3), DistTestUtil.D(0.9, 1.4), DistTestUtil.D(0.5, 0.2));
    }

    [Fact]
    public void Sample_IsDetached_RSample_CarriesGradients()
    {
        var loc = DistTestUtil.D(0.0, 1.0).SetRequiresGrad();
        var d = new Normal(loc, 1.0);
        d.Sample(new Shape(3), new Generator(1)).RequiresGrad.Should().BeFalse();
        var z = d.RSample(new Shape(3), new Generator(1));
        z.RequiresGrad.Should().BeTrue();
        z.Sum().Backward();
        loc.Grad!.ToDoubleArray().Should().Equal(3.0, 3.0);
        var cb = ContinuousBernoulli.FromLogits(DistTestUtil.D(0.3).SetRequiresGrad());
        cb.Sample(new Shape(3), new Generator(1)).RequiresGrad.Should().BeFalse();
    }

    [Fact]
    public void SameSeed_GivesIdenticalBits_ForEverySampler()
    {
        Distribution[] all =
        [
            new Normal(0.1, 2.0), new Laplace(-1, 0.5), new Uniform(-2, 3), ContinuousBernoulli.FromProbs(0.3),
            Bernoulli.FromProbs(0.4), new Independent(new Normal(Tensor.Zeros(new Shape(3)), 1.0), 1),
            new MultivariateNormal(Tensor.Zeros(new Shape(2)), Tensor.Eye(2)),
            new TransformedDistribution(new Normal(0.0, 1.0), new TanhTransform()),
        ];
        foreach (var d in all)
        {
            var a = d.Sample(new Shape(257), new Generator(2024)).ToArray();
            var b = d.Sample(new Shape(257), new Generator(2024)).ToArray();
            a.Should().Equal(b, d.ToString());
            d.Sample(new Shape(257), new Generator(2025)).ToArray().Should().NotEqual(a, d.ToString());
        }
    }

    [Fact]
    public void Kl_PicksTheMostSpecificRule()
    {
        RegistryFixture.EnsureRegistered();
        var n = new Normal(0, 1, DType.Float64);
        var general = new TestFlowA(n);
        var specific = new TestFlowB(n);
        KL.Divergence(general, n).Item().Should().Be(1);
        KL.Divergence(specific, n).Item().Should().Be(2);
        KL.HasRule(new TransformedDistribution(n, new ExpTransform()), n).Should().BeFalse();
        var none = () => KL.Divergence(new TransformedDistribution(n, new ExpTransform()), n);
        none.Should().Throw<NotSupportedException>().WithMessage("*MonteCarlo*");
        var dup = () => KL.Register<Normal, Normal>((p, q) => p.Loc);
        dup.Should().Throw<InvalidOperationException>();
    }

    private class TestFlowA(Distribution b) : TransformedDistribution(b, new ExpTransform());

    private sealed class TestFlowB(Distribution b) : TestFlowA(b);

    private static class RegistryFixture
    {
        private static readonly Lock Gate = new();
        private static bool _done;

        public static void EnsureRegistered()
        {
            lock (Gate)
            {
                if (_done)
                {
                    return;
                }

                KL.Register<TestFlowA, Normal>((p, q) => Tensor.Scalar(1, DType.Float64));
                KL.Register<TestFlowB, Normal>((p, q) => Tensor.Scalar(2, DType.Float64));
                _done = true;
            }
        }
    }
}
