using Vae.Core;
using Vae.Distributions;

namespace Vae.Distributions.Tests;

public class MixtureSameFamilyTests
{
    // Batch [2], K = 3 components, event [2].
    private static readonly double[] MixLogits = [0.2, -0.5, 1.0, 0.0, 0.0, 2.0];
    private static readonly double[] Means = [0, 0, 3, -1, -2, 4, 1, 1, 5, 5, -3, 0];
    private static readonly double[] LogVars = [0, 0.5, -1, 0.2, 0.3, -0.4, 1, 0, -0.5, -0.5, 0.1, 0.7];

    private static MixtureSameFamily Gaussians(DType dtype = DType.Float64) => new(
        new Categorical(Tensor.FromArray(MixLogits, 2, 3).To(dtype)),
        new MixtureTestGaussian(Tensor.FromArray(Means, 2, 3, 2).To(dtype), Tensor.FromArray(LogVars, 2, 3, 2).To(dtype), 1));

    private static double Reference(double[] x, int b)
    {
        var lw = MixLogits.AsSpan(b * 3, 3).ToArray();
        double lse = MixtureTestUtil.LogSumExp(lw);
        var terms = new double[3];
        for (int k = 0; k < 3; k++)
        {
            int o = ((b * 3) + k) * 2;
            terms[k] = lw[k] - lse + MixtureTestUtil.LogNormalDiag(
                x, Means.AsSpan(o, 2).ToArray(), LogVars.AsSpan(o, 2).ToArray().Select(Math.Exp).ToArray());
        }

        return MixtureTestUtil.LogSumExp(terms);
    }

    [Fact]
    public void LogProb_matches_hand_computed_mixture_of_gaussians()
    {
        var m = Gaussians();
        m.BatchShape.Should().Equal(2);
        m.EventShape.Should().Equal(2);
        m.NumComponents.Should().Be(3);
        var x = MixtureTestUtil.RandnD(1, 4, 2, 2) * 2.0;
        var lp = m.LogProb(x);
        lp.Shape.Should().Equal(4, 2);
        var xv = x.ToDoubleArray();
        var expected = new double[8];
        for (int s = 0; s < 4; s++)
        {
            for (int b = 0; b < 2; b++)
            {
                expected[(s * 2) + b] = Reference(xv.AsSpan(((s * 2) + b) * 2, 2).ToArray(), b);
            }
        }

        lp.ShouldBeCloseTo(expected, 1e-12);

        // Float32 agrees to single precision.
        Gaussians(DType.Float32).LogProb(x.Float()).ShouldBeCloseTo(expected, 1e-4);
    }

    [Fact]
    public void Mixture_batch_broadcasts_against_the_component_batch()
    {
        var comps = new MixtureTestGaussian(Tensor.FromArray(Means, 2, 3, 2), Tensor.FromArray(LogVars, 2, 3, 2), 1);
        var shared = new MixtureSameFamily(new Categorical(Tensor.FromArray(MixLogits[..3], 3)), comps);
        shared.BatchShape.Should().Equal(2);
        var x = MixtureTestUtil.RandnD(2, 2, 2);
        var lp = shared.LogProb(x).ToDoubleArray();
        var expanded = new MixtureSameFamily(new Categorical(Tensor.FromArray([.. MixLogits[..3], .. MixLogits[..3]], 2, 3)), comps);
        lp.Should().Equal(expanded.LogProb(x).ToDoubleArray());

        // Each batch element draws its own component.
        var (_, labels) = shared.SampleWithComponents(new Shape(200), new Generator(3));
        labels.Shape.Should().Equal(200, 2);
        var l = labels.ToDoubleArray();
        Enumerable.Range(0, 200).Count(i => l[2 * i] != l[(2 * i) + 1]).Should().BeGreaterThan(50);
    }

    [Fact]
    public void Mixture_of_categoricals_is_the_categorical_of_the_mixed_probabilities()
    {
        var w = new Categorical(MixtureTestUtil.RandnD(4, 3));
        var comps = new Categorical(MixtureTestUtil.RandnD(5, 3, 5));
        var m = new MixtureSameFamily(w, comps);
        m.BatchShape.Should().BeEmpty();
        m.EventShape.Should().BeEmpty();
        var mixed = (w.Probs.Unsqueeze(-1) * comps.Probs).Sum(0); // [5]
        var values = Tensor.FromArray(new double[] { 0, 1, 2, 3, 4 }, 5);
        m.LogProb(values).ShouldBeCloseTo(mixed.Log().ToDoubleArray(), 1e-12);

        // 20000 draws with seed 6: chi-square at level 0.001 with 4 degrees of freedom (critical value 18.47).
        var s = m.Sample(new Shape(20000), new Generator(6)).ToDoubleArray();
        var counts = new long[5];
        foreach (double v in s)
        {
            counts[(int)v]++;
        }

        MixtureTestUtil.AssertFrequencies(counts, mixed.ToDoubleArray());
    }

    [Fact]
    public void One_hot_components_give_one_hot_samples_with_their_labels()
    {
        var w = new Categorical(MixtureTestUtil.RandnD(7, 2, 3));
        var comps = new OneHotCategorical(MixtureTestUtil.RandnD(8, 2, 3, 4) * 3.0);
        var m = new MixtureSameFamily(w, comps);
        m.EventShape.Should().Equal(4);
        var (x, labels) = m.SampleWithComponents(new Shape(6), new Generator(2));
        x.Shape.Should().Equal(6, 2, 4);
        labels.Shape.Should().Equal(6, 2);
        x.Sum(-1).ToDoubleArray().Should().OnlyContain(v => v == 1);
        var lp = m.LogProb(x);
        lp.Shape.Should().Equal(6, 2);
        var asIndices = new MixtureSameFamily(w, new Categorical(comps.Logits)).LogProb(x.ArgMax(-1));
        lp.ShouldBeCloseTo(asIndices.ToDoubleArray(), 1e-12);
    }

    [Fact]
    public void Sample_moments_match_mean_and_variance()
    {
        var m = Gaussians();
        var mean = m.Mean;
        var variance = m.Variance;
        mean.Shape.Should().Equal(2, 2);
        variance.Shape.Should().Equal(2, 2);
        const int n = 40000;
        var s = m.Sample(new Shape(n), new Generator(11));
        s.Shape.Should().Equal(n, 2, 2);
        var sm = s.Mean(0).ToDoubleArray();
        var sv = s.Var(0, unbiased: true).ToDoubleArray();
        var mv = mean.ToDoubleArray();
        var vv = variance.ToDoubleArray();
        for (int i = 0; i < 4; i++)
        {
            // Five standard errors for the mean; 5 % for the variance (standard error ≈ 1 % for these mixtures).
            sm[i].Should().BeApproximately(mv[i], 5 * Math.Sqrt(vv[i] / n), $"mean {i}");
            sv[i].Should().BeApproximately(vv[i], 0.05 * vv[i], $"variance {i}");
        }

        // Closed-form check of the law of total variance for batch 0, dimension 0.
        var w = MixLogits[..3].Select(Math.Exp).ToArray();
        double z = w.Sum();
        double mu = 0, second = 0;
        for (int k = 0; k < 3; k++)
        {
            double mk = Means[k * 2], vk = Math.Exp(LogVars[k * 2]);
            mu += w[k] / z * mk;
            second += w[k] / z * (vk + (mk * mk));
        }

        mv[0].Should().BeApproximately(mu, 1e-12);
        vv[0].Should().BeApproximately(second - (mu * mu), 1e-12);
    }

    [Fact]
    public void Component_frequencies_match_weights_and_labels_name_the_source_component()
    {
        // Components 100 apart with standard deviation 0.1: each sample's nearest mean must be its label.
        var means = Tensor.FromArray(new double[] { 0, 100, 200, 300 }, 4);
        var comps = new MixtureTestGaussian(means, Tensor.Full(new Shape(4), Math.Log(0.01), DType.Float64), 0);
        double[] p = [0.1, 0.2, 0.3, 0.4];
        var m = new MixtureSameFamily(Categorical.FromProbs(Tensor.FromArray(p, 4)), comps);
        var (x, labels) = m.SampleWithComponents(new Shape(20000), new Generator(21));
        var xv = x.ToDoubleArray();
        var lv = labels.ToDoubleArray();
        var counts = new long[4];
        for (int i = 0; i < xv.Length; i++)
        {
            Math.Round(xv[i] / 100).Should().Be(lv[i]);
            counts[(int)lv[i]]++;
        }

        // Chi-square at level 0.001 with 3 degrees of freedom (critical value 16.27), seed 21.
        MixtureTestUtil.AssertFrequencies(counts, p);
    }

    [Fact]
    public void Same_seed_gives_same_bits()
    {
        var m = Gaussians(DType.Float32);
        var a = m.SampleWithComponents(new Shape(30), new Generator(5));
        var b = m.SampleWithComponents(new Shape(30), new Generator(5));
        a.Samples.ToArray().Should().Equal(b.Samples.ToArray());
        a.Components.ToArray().Should().Equal(b.Components.ToArray());
        m.Sample(new Shape(30), new Generator(6)).ToArray().Should().NotEqual(a.Samples.ToArray());
    }

    [Fact]
    public void LogProb_gradients_match_finite_differences_for_every_parameter_and_the_value()
    {
        var logits = MixtureTestUtil.RandnD(1, 2, 3);
        var means = MixtureTestUtil.RandnD(2, 2, 3, 2);
        var logVars = MixtureTestUtil.RandnD(3, 2, 3, 2) * 0.3;
        var x = MixtureTestUtil.RandnD(4, 3, 2, 2);
        MixtureTestUtil.AssertGrad(
            t => new MixtureSameFamily(new Categorical(t[0]), new MixtureTestGaussian(t[1], t[2], 1)).LogProb(t[3]),
            logits, means, logVars, x);
        MixtureTestUtil.AssertGradGrad(
            t => new MixtureSameFamily(new Categorical(logits), new MixtureTestGaussian(t[1], logVars, 1)).LogProb(t[0]),
            x, means);
    }

    [Fact]
    public void LogResponsibilities_are_normalised_posteriors()
    {
        var m = Gaussians();
        var x = MixtureTestUtil.RandnD(9, 5, 2, 2);
        var r = m.LogResponsibilities(x);
        r.Shape.Should().Equal(5, 2, 3);
        r.LogSumExp(-1).ShouldBeCloseTo(new double[10], 1e-12);
        var joint = m.ComponentDistribution.LogProb(x.Unsqueeze(-2)) + m.MixtureDistribution.Logits;
        r.ShouldBeCloseTo((joint - m.LogProb(x).Unsqueeze(-1)).ToDoubleArray(), 1e-12);
    }

    [Fact]
    public void Kl_divergence_has_no_closed_form_but_monte_carlo_works()
    {
        var m = Gaussians();
        var act = () => KL.Divergence(m, m);
        act.Should().Throw<NotSupportedException>().WithMessage("*MixtureSameFamily*MonteCarlo*");

        // A one-component mixture equal to q: every Monte Carlo term log q − log p is zero.
        var mean = Tensor.FromArray(new double[] { 1, -2 }, 2);
        var logVar = Tensor.FromArray(new double[] { 0.3, -0.2 }, 2);
        var q = new MixtureTestGaussian(mean, logVar, 1);
        var p = new MixtureSameFamily(new Categorical(Tensor.Zeros(new Shape(1), DType.Float64)), new MixtureTestGaussian(mean.Unsqueeze(0), logVar.Unsqueeze(0), 1));
        KL.MonteCarlo(q, p, 64, new Generator(1)).Item().Should().BeApproximately(0, 1e-12);
    }

    [Fact]
    public void Invalid_shapes_and_dtypes_throw_naming_the_shapes()
    {
        var comps = new MixtureTestGaussian(Tensor.Zeros(new Shape(2, 3, 2), DType.Float64), Tensor.Zeros(new Shape(2, 3, 2), DType.Float64), 1);
        ((Action)(() => _ = new MixtureSameFamily(new Categorical(Tensor.Zeros(new Shape(4), DType.Float64)), comps)))
            .Should().Throw<ArgumentException>().WithMessage("*[2, 3]*4*");
        ((Action)(() => _ = new MixtureSameFamily(new Categorical(Tensor.Zeros(new Shape(5, 3), DType.Float64)), comps)))
            .Should().Throw<ArgumentException>().WithMessage("*[5]*[2]*");
        ((Action)(() => _ = new MixtureSameFamily(new Categorical(Tensor.Zeros(3)), comps)))
            .Should().Throw<ArgumentException>().WithMessage("*float32*float64*");
        var m = Gaussians();
        ((Action)(() => m.LogProb(Tensor.Zeros(new Shape(4, 2, 3), DType.Float64))))
            .Should().Throw<ArgumentException>().WithMessage("*[4, 2, 3]*[2, 2]*");
        ((Action)(() => m.LogProb(Tensor.Zeros(new Shape(3, 2), DType.Float64)))).Should().Throw<ArgumentException>().WithMessage("*[3, 2]*");
    }
}
