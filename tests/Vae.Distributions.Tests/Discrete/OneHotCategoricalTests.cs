using Vae.Core;
using Vae.Distributions;

namespace Vae.Distributions.Tests;

public class OneHotCategoricalTests
{
    [Fact]
    public void Shapes_and_samples_are_one_hot_and_match_the_categorical_draws()
    {
        var logits = MixtureTestUtil.RandnD(2, 3, 5).Float();
        var d = new OneHotCategorical(logits);
        d.BatchShape.Should().Equal(3);
        d.EventShape.Should().Equal(5);
        var s = d.Sample(new Shape(7), new Generator(9));
        s.Shape.Should().Equal(7, 3, 5);
        s.Sum(-1).ToArray().Should().OnlyContain(x => x == 1);
        s.ToArray().Should().OnlyContain(x => x == 0 || x == 1);
        var idx = new Categorical(logits).Sample(new Shape(7), new Generator(9));
        s.ArgMax(-1).ToArray().Should().Equal(idx.ToArray());
    }

    [Fact]
    public void LogProb_of_one_hot_values_equals_the_categorical_log_probability()
    {
        var logits = MixtureTestUtil.RandnD(4, 2, 4);
        var d = new OneHotCategorical(logits);
        var index = Tensor.FromArray(new double[] { 3, 0, 1, 1, 2, 3 }, 3, 2);
        var lp = d.LogProb(Tensor.OneHot(index, 4, DType.Float64));
        lp.Shape.Should().Equal(3, 2);
        lp.ShouldBeCloseTo(new Categorical(logits).LogProb(index).ToDoubleArray(), 1e-14);
    }

    [Fact]
    public void Values_that_are_not_one_hot_throw_and_wrong_shapes_name_both_shapes()
    {
        var d = new OneHotCategorical(Tensor.Zeros(2, 3));
        ((Action)(() => d.LogProb(Tensor.FromArray(new float[] { 1, 0, 0, 0, 1, 1 }, 2, 3)))).Should().Throw<ArgumentException>().WithMessage("*one-hot*");
        ((Action)(() => d.LogProb(Tensor.FromArray(new float[] { 1, 0, 0, 0, 0, 0 }, 2, 3)))).Should().Throw<ArgumentException>().WithMessage("*one-hot*");
        ((Action)(() => d.LogProb(Tensor.FromArray(new float[] { 0.5f, 0.5f, 0, 0, 1, 0 }, 2, 3)))).Should().Throw<ArgumentException>();
        ((Action)(() => d.LogProb(Tensor.Zeros(2, 4)))).Should().Throw<ArgumentException>().WithMessage("*[2, 4]*[2, 3]*");
    }

    [Fact]
    public void Moments_entropy_and_support()
    {
        var d = OneHotCategorical.FromProbs(Tensor.FromArray(new double[] { 0.2, 0.3, 0.5 }, 3));
        d.Mean.ShouldBeCloseTo([0.2, 0.3, 0.5], 1e-15);
        d.Variance.ShouldBeCloseTo([0.16, 0.21, 0.25], 1e-15);
        d.Entropy().Item().Should().BeApproximately(-((0.2 * Math.Log(0.2)) + (0.3 * Math.Log(0.3)) + (0.5 * Math.Log(0.5))), 1e-14);
        var support = d.EnumerateSupport();
        support.Shape.Should().Equal(3, 3);
        d.LogProb(support).Exp().ShouldBeCloseTo([0.2, 0.3, 0.5], 1e-14);
    }

    [Fact]
    public void Sample_frequencies_match_probabilities_chi_square()
    {
        // 20000 draws with seed 5, chi-square at level 0.001 with 3 degrees of freedom (critical value 16.27).
        double[] p = [0.05, 0.15, 0.3, 0.5];
        var s = OneHotCategorical.FromProbs(Tensor.FromArray(p, 4)).Sample(new Shape(20000), new Generator(5));
        var counts = s.Sum(0).ToDoubleArray().Select(c => (long)c).ToArray();
        MixtureTestUtil.AssertFrequencies(counts, p);
    }

    [Fact]
    public void LogProb_gradient_matches_finite_differences()
    {
        var value = Tensor.OneHot(new[] { 2, 0, 1 }, 3, DType.Float64);
        MixtureTestUtil.AssertGrad(x => new OneHotCategorical(x[0]).LogProb(value), MixtureTestUtil.RandnD(8, 3, 3));
    }
}
