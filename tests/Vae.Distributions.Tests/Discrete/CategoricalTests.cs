using Vae.Core;
using Vae.Distributions;

namespace Vae.Distributions.Tests;

public class CategoricalTests
{
    private static readonly double[,] Logits = { { 1, 2, 3 }, { 0, 0, Math.Log(2) } };

    [Fact]
    public void LogProb_matches_hand_computed_log_softmax()
    {
        var d = new Categorical(Tensor.FromArray(Logits));
        d.BatchShape.Should().Equal(2);
        d.EventShape.Should().BeEmpty();
        var lp = d.LogProb(Tensor.FromArray(new double[] { 2, 0 }, 2).Float());
        double z0 = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        lp.Shape.Should().Equal(2);
        lp.ShouldBeCloseTo([3 - z0, -Math.Log(4)], 1e-6);
    }

    [Fact]
    public void LogProb_broadcasts_sample_dimensions_without_copying_logits()
    {
        var logits = MixtureTestUtil.RandnD(3, 2, 3, 5);
        var d = new Categorical(logits);
        var value = Tensor.FromArray(new double[] { 0, 1, 2, 3, 4, 0, 4, 3, 2, 1, 0, 1, 1, 2, 3, 4, 4, 4, 0, 2, 1, 3, 0, 0 }, 4, 2, 3);
        var lp = d.LogProb(value);
        lp.Shape.Should().Equal(4, 2, 3);
        var l = logits.ToDoubleArray();
        var v = value.ToDoubleArray();
        var expected = new double[24];
        for (int s = 0; s < 4; s++)
        {
            for (int b = 0; b < 6; b++)
            {
                var row = l.AsSpan(b * 5, 5).ToArray();
                expected[(s * 6) + b] = row[(int)v[(s * 6) + b]] - MixtureTestUtil.LogSumExp(row);
            }
        }

        lp.ShouldBeCloseTo(expected, 1e-12);

        // A scalar value broadcasts against the batch.
        d.LogProb(Tensor.Scalar(1, DType.Float64)).Shape.Should().Equal(2, 3);
    }

    [Fact]
    public void FromProbs_normalises_and_gives_log_probabilities()
    {
        var d = Categorical.FromProbs(Tensor.FromArray(new double[] { 2, 3, 5, 0 }, 4));
        d.Probs.ShouldBeCloseTo([0.2, 0.3, 0.5, 0], 1e-15);
        d.LogProb(Tensor.FromArray(new double[] { 0, 1, 2, 3 }, 4)).ShouldBeCloseTo([Math.Log(0.2), Math.Log(0.3), Math.Log(0.5), double.NegativeInfinity], 1e-12);
        d.Logits.Shape.Should().Equal(4);
    }

    [Fact]
    public void Logits_are_normalised()
    {
        var d = new Categorical(Tensor.FromArray(new double[] { 1000, 1000, 1000 + Math.Log(2) }, 3));
        d.Logits.ShouldBeCloseTo([Math.Log(0.25), Math.Log(0.25), Math.Log(0.5)], 1e-12);
        d.Probs.ShouldBeCloseTo([0.25, 0.25, 0.5], 1e-12);
    }

    [Fact]
    public void Sample_frequencies_match_probabilities_chi_square()
    {
        // Two batch rows with different probabilities, one of them with a zero-probability class; 20000 draws, seed 1234,
        // chi-square at level 0.001 (critical values 16.27 for 3 df and 13.82 for 2 df).
        double[][] probs = [[0.1, 0.2, 0.3, 0.4], [0.5, 0, 0.25, 0.25]];
        var d = Categorical.FromProbs(Tensor.FromArray(probs.SelectMany(p => p).ToArray(), 2, 4));
        var s = d.Sample(new Shape(20000), new Generator(1234));
        s.Shape.Should().Equal(20000, 2);
        s.DType.Should().Be(DType.Float64);
        var v = s.ToDoubleArray();
        for (int b = 0; b < 2; b++)
        {
            var counts = new long[4];
            for (int i = 0; i < 20000; i++)
            {
                counts[(int)v[(i * 2) + b]]++;
            }

            counts[1].Should().BeGreaterThanOrEqualTo(b == 1 ? 0 : 1);
            MixtureTestUtil.AssertFrequencies(counts, probs[b]);
        }

        MixtureTestUtil.ChiSquareCritical(3).Should().BeApproximately(16.266, 1e-3);
    }

    [Fact]
    public void Zero_probability_classes_are_never_drawn()
    {
        var logits = Tensor.FromArray(new float[] { float.NegativeInfinity, 0, float.NegativeInfinity, 0, float.NegativeInfinity }, 5);
        var v = new Categorical(logits).Sample(new Shape(5000), new Generator(7)).ToArray();
        v.Should().OnlyContain(x => x == 1 || x == 3);
        v.Should().Contain(1).And.Contain(3);
    }

    [Fact]
    public void Same_seed_gives_same_bits_and_different_seeds_differ()
    {
        var d = new Categorical(MixtureTestUtil.RandnD(1, 3, 10).Float());
        var a = d.Sample(new Shape(50), new Generator(42)).ToArray();
        var b = d.Sample(new Shape(50), new Generator(42)).ToArray();
        var c = d.Sample(new Shape(50), new Generator(43)).ToArray();
        a.Should().Equal(b);
        a.Should().NotEqual(c);
        d.Sample(new Generator(1)).Shape.Should().Equal(3);
    }

    [Fact]
    public void Entropy_matches_closed_form_including_zero_probability_classes()
    {
        var d = Categorical.FromProbs(Tensor.FromArray(new double[] { 0.1, 0.2, 0.7, 0.5, 0.5, 0 }, 2, 3));
        var h = d.Entropy();
        h.Shape.Should().Equal(2);
        double h0 = -((0.1 * Math.Log(0.1)) + (0.2 * Math.Log(0.2)) + (0.7 * Math.Log(0.7)));
        h.ShouldBeCloseTo([h0, Math.Log(2)], 1e-12);

        var uniform = new Categorical(Tensor.Zeros(7));
        uniform.Entropy().Item().Should().BeApproximately(Math.Log(7), 1e-6);
    }

    [Fact]
    public void Mean_and_variance_are_nan_of_batch_shape_like_pytorch()
    {
        var d = new Categorical(Tensor.Zeros(2, 3, 4));
        d.Mean.Shape.Should().Equal(2, 3);
        d.Variance.Shape.Should().Equal(2, 3);
        d.Mean.ToArray().Should().OnlyContain(x => float.IsNaN(x));
        d.Variance.ToArray().Should().OnlyContain(x => float.IsNaN(x));
        d.HasRSample.Should().BeFalse();
    }

    [Fact]
    public void EnumerateSupport_covers_every_class_and_probabilities_sum_to_one()
    {
        var d = new Categorical(MixtureTestUtil.RandnD(5, 2, 4));
        var support = d.EnumerateSupport();
        support.Shape.Should().Equal(4, 2);
        support.ToDoubleArray().Should().Equal(0, 0, 1, 1, 2, 2, 3, 3);
        d.LogProb(support).Exp().Sum(0).ShouldBeCloseTo([1, 1], 1e-12);
    }

    [Fact]
    public void Wrong_value_shape_throws_naming_both_shapes()
    {
        var d = new Categorical(Tensor.Zeros(3, 4));
        var act = () => d.LogProb(Tensor.Zeros(2));
        act.Should().Throw<ArgumentException>().WithMessage("*[2]*[3]*");
    }

    [Theory]
    [InlineData(4.0)]
    [InlineData(-1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Values_that_are_not_class_indices_throw(double bad)
    {
        var d = new Categorical(Tensor.Zeros(4));
        var act = () => d.LogProb(Tensor.FromArray(new[] { 0, bad }, 2));
        act.Should().Throw<ArgumentException>().WithMessage("*[0, 4)*");
    }

    [Fact]
    public void Invalid_parameters_throw()
    {
        ((Action)(() => _ = new Categorical(Tensor.Scalar(1)))).Should().Throw<ArgumentException>().WithMessage("*[K]*");
        ((Action)(() => _ = new Categorical(Tensor.Zeros(3, 0)))).Should().Throw<ArgumentException>();
        ((Action)(() => Categorical.FromProbs(Tensor.FromArray(new float[] { 0.5f, -0.1f }, 2)))).Should().Throw<ArgumentException>().WithMessage("*-0.1*");
        ((Action)(() => Categorical.FromProbs(Tensor.Zeros(2, 3)))).Should().Throw<ArgumentException>().WithMessage("*sums to zero*");
    }

    [Fact]
    public void LogProb_and_entropy_gradients_match_finite_differences()
    {
        var value = Tensor.FromArray(new double[] { 0, 3, 2, 1, 1, 0 }, 2, 3);
        MixtureTestUtil.AssertGrad(x => new Categorical(x[0]).LogProb(value), MixtureTestUtil.RandnD(11, 3, 4));
        MixtureTestUtil.AssertGrad(x => new Categorical(x[0]).Entropy(), MixtureTestUtil.RandnD(12, 3, 4));
        MixtureTestUtil.AssertGradGrad(x => new Categorical(x[0]).Entropy(), MixtureTestUtil.RandnD(13, 2, 4));

        // Through probabilities (kept away from zero so that the finite differences stay inside the domain).
        var p = MixtureTestUtil.RandnD(14, 3, 4).Abs() + 0.1;
        MixtureTestUtil.AssertGrad(x => Categorical.FromProbs(x[0]).LogProb(value), p);
    }
}
