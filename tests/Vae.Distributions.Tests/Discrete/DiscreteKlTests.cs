using Vae.Core;
using Vae.Distributions;

namespace Vae.Distributions.Tests;

public class DiscreteKlTests
{
    /// <summary>Σ_k p(k) (log p(k) − log q(k)) by enumerating the support with LogProb (p and q of equal batch shapes).</summary>
    private static Tensor Enumerated(Categorical p, Categorical q)
    {
        var support = p.EnumerateSupport(); // [K] + p batch
        var lp = p.LogProb(support);
        var lq = q.LogProb(support);
        return (lp.Exp() * (lp - lq)).Sum(0);
    }

    [Fact]
    public void Categorical_rule_matches_exact_enumeration_with_broadcast_batches()
    {
        var p = new Categorical(MixtureTestUtil.RandnD(1, 2, 1, 4));
        var q = new Categorical(MixtureTestUtil.RandnD(2, 3, 4));
        KL.HasRule(p, q).Should().BeTrue();
        var kl = KL.Divergence(p, q);
        kl.Shape.Should().Equal(2, 3);

        var lp = p.Logits.ToDoubleArray();
        var lq = q.Logits.ToDoubleArray();
        var expected = new double[6];
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 4; k++)
                {
                    double a = lp[(i * 4) + k], b = lq[(j * 4) + k];
                    expected[(i * 3) + j] += Math.Exp(a) * (a - b);
                }
            }
        }

        kl.ShouldBeCloseTo(expected, 1e-12);
        kl.ToDoubleArray().Should().OnlyContain(x => x > 0);
    }

    [Fact]
    public void Categorical_rule_matches_enumeration_through_LogProb()
    {
        var p = new Categorical(MixtureTestUtil.RandnD(3, 5, 6));
        var q = new Categorical(MixtureTestUtil.RandnD(4, 5, 6));
        KL.Divergence(p, q).ShouldBeCloseTo(Enumerated(p, q).ToDoubleArray(), 1e-12);
        KL.Divergence(p, p).ShouldBeCloseTo(new double[5], 1e-12);
    }

    [Fact]
    public void Zero_probabilities_give_zero_terms_and_infinite_divergence_where_q_vanishes()
    {
        var p = Categorical.FromProbs(Tensor.FromArray(new double[] { 0.5, 0.5, 0 }, 3));
        var q = Categorical.FromProbs(Tensor.FromArray(new double[] { 0.25, 0.25, 0.5 }, 3));
        KL.Divergence(p, q).Item().Should().BeApproximately(Math.Log(2), 1e-14);
        double.IsPositiveInfinity(KL.Divergence(q, p).Item()).Should().BeTrue();
        var pz = Categorical.FromProbs(Tensor.FromArray(new double[] { 0.5, 0.5, 0 }, 3));
        KL.Divergence(p, pz).Item().Should().Be(0);
    }

    [Fact]
    public void Gradients_match_finite_differences_and_stay_finite_at_zero_probability()
    {
        MixtureTestUtil.AssertGrad(
            x => KL.Divergence(new Categorical(x[0]), new Categorical(x[1])),
            MixtureTestUtil.RandnD(5, 2, 3), MixtureTestUtil.RandnD(6, 2, 3));
        MixtureTestUtil.AssertGradGrad(
            x => KL.Divergence(new Categorical(x[0]), new Categorical(x[1])),
            MixtureTestUtil.RandnD(7, 3), MixtureTestUtil.RandnD(8, 3));

        var pl = Tensor.FromArray(new[] { 0.0, 1.0, double.NegativeInfinity }, 3).SetRequiresGrad();
        var ql = Tensor.FromArray(new[] { 0.5, 0.0, double.NegativeInfinity }, 3).SetRequiresGrad();
        var kl = KL.Divergence(new Categorical(pl), new Categorical(ql));
        double.IsFinite(kl.Item()).Should().BeTrue();
        kl.Backward();
        pl.Grad!.ToDoubleArray().Should().OnlyContain(g => double.IsFinite(g));
        ql.Grad!.ToDoubleArray().Should().OnlyContain(g => double.IsFinite(g));
    }

    [Fact]
    public void OneHot_rule_equals_categorical_rule()
    {
        var a = MixtureTestUtil.RandnD(9, 4, 3);
        var b = MixtureTestUtil.RandnD(10, 4, 3);
        KL.Divergence(new OneHotCategorical(a), new OneHotCategorical(b))
            .ShouldBeCloseTo(KL.Divergence(new Categorical(a), new Categorical(b)).ToDoubleArray(), 1e-15);
    }

    [Fact]
    public void Mismatched_categories_throw()
    {
        var act = () => KL.Divergence(new Categorical(Tensor.Zeros(3)), new Categorical(Tensor.Zeros(4)));
        act.Should().Throw<ArgumentException>().WithMessage("*3*4*");
        var batches = () => KL.Divergence(new Categorical(Tensor.Zeros(2, 3)), new Categorical(Tensor.Zeros(5, 3)));
        batches.Should().Throw<ArgumentException>().WithMessage("*[2]*[5]*");
    }
}
