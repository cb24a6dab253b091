using Vae.Core;
using Vae.Distributions;

namespace Vae.Distributions.Tests;

public class GaussianMixtureTests
{
    private static readonly double[] Means = [0, 0, 3, -1, -2, 4];
    private static readonly double[] LogVars = [0, 0.5, -1, 0.2, 0.3, -0.4];
    private static readonly double[] Logits = [0.2, -0.5, 1.0];

    private static GaussianMixture Diagonal(DType dtype = DType.Float64) => GaussianMixture.FromLogVariances(
        Tensor.FromArray(Means, 3, 2).To(dtype), Tensor.FromArray(LogVars, 3, 2).To(dtype), Tensor.FromArray(Logits, 3).To(dtype));

    [Fact]
    public void Diagonal_LogProb_matches_hand_computed_mixture()
    {
        var g = Diagonal();
        g.BatchShape.Should().BeEmpty();
        g.EventShape.Should().Equal(2);
        g.IsDiagonal.Should().BeTrue();
        var x = MixtureTestUtil.RandnD(1, 3, 4, 2) * 2.0;
        var lp = g.LogProb(x);
        lp.Shape.Should().Equal(3, 4);
        var xv = x.ToDoubleArray();
        double lse = MixtureTestUtil.LogSumExp(Logits);
        var expected = new double[12];
        for (int i = 0; i < 12; i++)
        {
            var terms = new double[3];
            for (int k = 0; k < 3; k++)
            {
                terms[k] = Logits[k] - lse + MixtureTestUtil.LogNormalDiag(
                    xv.AsSpan(2 * i, 2).ToArray(), Means.AsSpan(2 * k, 2).ToArray(), LogVars.AsSpan(2 * k, 2).ToArray().Select(Math.Exp).ToArray());
            }

            expected[i] = MixtureTestUtil.LogSumExp(terms);
        }

        lp.ShouldBeCloseTo(expected, 1e-12);
        Diagonal(DType.Float32).LogProb(x.Float()).ShouldBeCloseTo(expected, 1e-4);
        g.LogProb(x.Select(0, 0).Select(0, 0)).Shape.Should().BeEmpty();
        g.ToMixtureSameFamily().LogProb(x).ShouldBeCloseTo(expected, 1e-12);
    }

    [Fact]
    public void Full_covariance_LogProb_matches_direct_2x2_density()
    {
        // Rotated components of OnCircle against a direct evaluation with the 2×2 inverse and determinant.
        const int k = 5;
        const double r = 3, s1 = 1.5, s2 = 0.4;
        var g = GaussianMixture.OnCircle(k, r, s1, s2, DType.Float64);
        g.IsDiagonal.Should().BeFalse();
        var x = MixtureTestUtil.RandnD(2, 7, 2) * 3.0;
        var lp = g.LogProb(x).ToDoubleArray();
        var cl = g.ComponentLogProb(x);
        cl.Shape.Should().Equal(7, k);
        var clv = cl.ToDoubleArray();
        var xv = x.ToDoubleArray();
        for (int i = 0; i < 7; i++)
        {
            var terms = new double[k];
            for (int c = 0; c < k; c++)
            {
                double a = 2 * Math.PI * c / k, cos = Math.Cos(a), sin = Math.Sin(a);
                double cxx = (s1 * s1 * cos * cos) + (s2 * s2 * sin * sin);
                double cxy = ((s1 * s1) - (s2 * s2)) * cos * sin;
                double cyy = (s1 * s1 * sin * sin) + (s2 * s2 * cos * cos);
                double comp = MixtureTestUtil.LogNormal2(xv[2 * i], xv[(2 * i) + 1], r * cos, r * sin, cxx, cxy, cyy);
                clv[(i * k) + c].Should().BeApproximately(comp, 1e-12);
                terms[c] = comp - Math.Log(k);
            }

            lp[i].Should().BeApproximately(MixtureTestUtil.LogSumExp(terms), 1e-12);
        }

        var f32 = GaussianMixture.OnCircle(k, r, s1, s2).LogProb(x.Float());
        f32.DType.Should().Be(DType.Float32);
        f32.ShouldBeCloseTo(lp, 1e-4);
    }

    [Fact]
    public void OnCircle_means_lie_on_the_circle_and_covariances_are_rotated()
    {
        const int k = 10;
        var g = GaussianMixture.OnCircle(k, 2.5, 0.8, 0.2, DType.Float64);
        g.NumComponents.Should().Be(k);
        g.Dimension.Should().Be(2);
        g.Weights.ShouldBeCloseTo(Enumerable.Repeat(0.1, k).ToArray(), 1e-15);
        var mu = g.ComponentMeans.ToDoubleArray();
        var cov = g.ComponentCovariances.ToDoubleArray();
        for (int c = 0; c < k; c++)
        {
            double a = 2 * Math.PI * c / k;
            Math.Sqrt((mu[2 * c] * mu[2 * c]) + (mu[(2 * c) + 1] * mu[(2 * c) + 1])).Should().BeApproximately(2.5, 1e-14);
            Math.Atan2(mu[(2 * c) + 1], mu[2 * c]).Should().BeApproximately(Math.IEEERemainder(a, 2 * Math.PI), 1e-13);

            // R·diag(σ1², σ2²)·Rᵀ: the radial direction (cos a, sin a) has variance σ1², the tangent σ2².
            double[] radial = [Math.Cos(a), Math.Sin(a)], tangent = [-Math.Sin(a), Math.Cos(a)];
            Quadratic(cov, c, radial, radial).Should().BeApproximately(0.64, 1e-14);
            Quadratic(cov, c, tangent, tangent).Should().BeApproximately(0.04, 1e-14);
            Quadratic(cov, c, radial, tangent).Should().BeApproximately(0, 1e-14);
        }

        var l = g.ComponentScaleTril!.ToDoubleArray();
        for (int c = 0; c < k; c++)
        {
            l[(4 * c) + 1].Should().Be(0);
        }
    }

    private static double Quadratic(double[] cov, int c, double[] u, double[] v) =>
        (u[0] * ((cov[4 * c] * v[0]) + (cov[(4 * c) + 1] * v[1]))) + (u[1] * ((cov[(4 * c) + 2] * v[0]) + (cov[(4 * c) + 3] * v[1])));

    [Fact]
    public void SampleWithLabels_per_component_moments_match_each_labelled_component()
    {
        // 40000 draws with seed 17 from the adversarial-autoencoder prior (components overlap, so labels can only be
        // checked statistically): the points labelled c have mean μ_c and covariance Σ_c. Tolerances: 6 standard errors
        // for means, 12 % of the largest variance for covariance entries (about 5 standard errors with ~4000 points).
        var g = GaussianMixture.AdversarialAutoencoderPrior(dtype: DType.Float64);
        var (x, labels) = g.SampleWithLabels(new Shape(40000), new Generator(17));
        x.Shape.Should().Equal(40000, 2);
        labels.Shape.Should().Equal(40000);
        var xv = x.ToDoubleArray();
        var lv = labels.ToDoubleArray();
        var mu = g.ComponentMeans.ToDoubleArray();
        var cov = g.ComponentCovariances.ToDoubleArray();
        var counts = new long[10];
        for (int c = 0; c < 10; c++)
        {
            var pts = Enumerable.Range(0, 40000).Where(i => lv[i] == c).SelectMany(i => new[] { xv[2 * i], xv[(2 * i) + 1] }).ToArray();
            int n = pts.Length / 2;
            counts[c] = n;
            var (mx, my, cxx, cxy, cyy) = MixtureTestUtil.Moments2(pts);
            mx.Should().BeApproximately(mu[2 * c], 6 * Math.Sqrt(cov[4 * c] / n));
            my.Should().BeApproximately(mu[(2 * c) + 1], 6 * Math.Sqrt(cov[(4 * c) + 3] / n));
            cxx.Should().BeApproximately(cov[4 * c], 0.12 * 2.0);
            cxy.Should().BeApproximately(cov[(4 * c) + 1], 0.12 * 2.0);
            cyy.Should().BeApproximately(cov[(4 * c) + 3], 0.12 * 2.0);
        }

        // Uniform weights: chi-square at level 0.001 with 9 degrees of freedom (critical value 27.88).
        MixtureTestUtil.AssertFrequencies(counts, Enumerable.Repeat(0.1, 10).ToArray());
    }

    [Fact]
    public void Well_separated_labels_name_the_nearest_component_and_fixed_labels_are_respected()
    {
        var g = GaussianMixture.OnCircle(8, 100, 1.0, 0.3);
        var (x, labels) = g.SampleWithLabels(new Shape(500), new Generator(4));
        var nearest = g.ComponentLogProb(x).ArgMax(-1);
        nearest.ToArray().Should().Equal(labels.ToArray());

        var (x3, l3) = g.SampleWithLabels(50, new Generator(5), label: 3);
        l3.ToArray().Should().OnlyContain(v => v == 3);
        g.ComponentLogProb(x3).ArgMax(-1).ToArray().Should().OnlyContain(v => v == 3);

        var wanted = Tensor.FromArray(new float[] { 0, 7, 2, 2, 5, 1 }, 2, 3);
        var y = g.SampleForLabels(wanted, new Generator(6));
        y.Shape.Should().Equal(2, 3, 2);
        g.ComponentLogProb(y).ArgMax(-1).ToArray().Should().Equal(wanted.ToArray());
        ((Action)(() => g.SampleForLabels(Tensor.FromArray(new float[] { 8 }, 1), new Generator(1)))).Should().Throw<ArgumentException>().WithMessage("*[0, 8)*");
        ((Action)(() => g.SampleWithLabels(3, new Generator(1), label: 8))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Sample_moments_match_mean_variance_and_covariance_matrix()
    {
        var g = GaussianMixture.FromCovariances(
            Tensor.FromArray(new double[] { 0, 0, 4, 1, -3, 2 }, 3, 2),
            Tensor.FromArray(new double[] { 1, 0.5, 0.5, 2, 0.5, -0.2, -0.2, 0.3, 1, 0, 0, 1 }, 3, 2, 2),
            Tensor.FromArray(new double[] { 0, 1, -1 }, 3));
        var mean = g.Mean.ToDoubleArray();
        var variance = g.Variance.ToDoubleArray();
        var c = g.CovarianceMatrix.ToDoubleArray();
        variance[0].Should().BeApproximately(c[0], 1e-12);
        variance[1].Should().BeApproximately(c[3], 1e-12);
        const int n = 50000;
        var (mx, my, cxx, cxy, cyy) = MixtureTestUtil.Moments2(g.Sample(new Shape(n), new Generator(8)).ToDoubleArray());
        mx.Should().BeApproximately(mean[0], 5 * Math.Sqrt(c[0] / n));
        my.Should().BeApproximately(mean[1], 5 * Math.Sqrt(c[3] / n));
        cxx.Should().BeApproximately(c[0], 0.04 * c[0]);
        cyy.Should().BeApproximately(c[3], 0.04 * c[3]);
        cxy.Should().BeApproximately(c[1], 0.04 * Math.Sqrt(c[0] * c[3]));
        c[1].Should().Be(c[2]);
    }

    [Fact]
    public void Thousand_far_apart_components_give_finite_exact_log_probabilities()
    {
        // 1000 components in 3-D with means spread over ±1000 and scales 0.05 … 2: nearly every component density
        // underflows, yet log-space evaluation stays exact. Reference: float64 brute force with a double log-sum-exp.
        const int k = 1000, d = 3;
        var gen = new Generator(99);
        var means = Tensor.Uniform(new Shape(k, d), -1000, 1000, gen, DType.Float64);
        var logVars = Tensor.Uniform(new Shape(k, d), 2 * Math.Log(0.05), 2 * Math.Log(2), gen, DType.Float64);
        var logits = Tensor.Randn(new Shape(k), gen, DType.Float64);
        var g = GaussianMixture.FromLogVariances(means, logVars, logits);

        // Points at component means, between components and far outside the cloud.
        var pts = new List<double>();
        var mv = means.ToDoubleArray();
        for (int i = 0; i < 6; i++)
        {
            pts.AddRange(mv.AsSpan(i * 97 * d, d).ToArray().Select(v => v + 0.1));
        }

        pts.AddRange([0, 0, 0, 500, -500, 250, 3000, 3000, -3000, -1e4, 2e4, 0]);
        var x = Tensor.FromArray(pts.ToArray(), pts.Count / d, d);
        var lp64 = g.LogProb(x).ToDoubleArray();
        var lp32 = GaussianMixture.FromLogVariances(means.Float(), logVars.Float(), logits.Float()).LogProb(x.Float()).ToDoubleArray();

        // The float32 reference uses the float32-rounded inputs, so that it measures the arithmetic, not the input rounding.
        static double[] F(double[] v) => v.Select(e => (double)(float)e).ToArray();
        var lv = logVars.ToDoubleArray();
        var lw = logits.ToDoubleArray();
        var xs = pts.ToArray();
        for (int i = 0; i < lp64.Length; i++)
        {
            double expected = Reference(xs, mv, lv, lw, i);
            double expected32 = Reference(F(xs), F(mv), F(lv), F(lw), i);
            double.IsFinite(expected).Should().BeTrue();
            lp64[i].Should().BeApproximately(expected, 1e-9 * Math.Max(1, Math.Abs(expected)), $"point {i} (float64)");
            lp32[i].Should().BeApproximately(expected32, 1e-5 * Math.Max(10, Math.Abs(expected32)), $"point {i} (float32)");
        }

        static double Reference(double[] xs, double[] mv, double[] lv, double[] lw, int i)
        {
            double lse = MixtureTestUtil.LogSumExp(lw);
            var terms = new double[k];
            for (int c = 0; c < k; c++)
            {
                terms[c] = lw[c] - lse + MixtureTestUtil.LogNormalDiag(
                    xs.AsSpan(i * d, d).ToArray(), mv.AsSpan(c * d, d).ToArray(), lv.AsSpan(c * d, d).ToArray().Select(Math.Exp).ToArray());
            }

            return MixtureTestUtil.LogSumExp(terms);
        }

        lp64.Last().Should().BeLessThan(-1e6);
    }

    [Fact]
    public void Diagonal_gradients_match_finite_differences_for_means_log_variances_logits_and_value()
    {
        var means = MixtureTestUtil.RandnD(1, 4, 3);
        var logVars = MixtureTestUtil.RandnD(2, 4, 3) * 0.3;
        var logits = MixtureTestUtil.RandnD(3, 4);
        var x = MixtureTestUtil.RandnD(4, 5, 3);
        MixtureTestUtil.AssertGrad(t => GaussianMixture.FromLogVariances(t[0], t[1], t[2]).LogProb(t[3]), means, logVars, logits, x);
        MixtureTestUtil.AssertGrad(t => GaussianMixture.FromScales(t[0], t[1]).LogProb(x), means, logVars.Exp());
        MixtureTestUtil.AssertGradGrad(t => GaussianMixture.FromLogVariances(t[1], logVars, logits).LogProb(t[0]), x, means);
        MixtureTestUtil.AssertGrad(t => GaussianMixture.FromLogVariances(t[0], t[1], t[2]).LogResponsibilities(x), means, logVars, logits);
    }

    [Fact]
    public void Full_covariance_gradients_match_finite_differences()
    {
        var means = MixtureTestUtil.RandnD(5, 3, 2);
        var tril = Tensor.FromArray(new double[] { 1.2, 0, 0.3, 0.7, 0.5, 0, -0.4, 1.1, 0.9, 0, 0.2, 0.6 }, 3, 2, 2);
        var logits = MixtureTestUtil.RandnD(6, 3);
        var x = MixtureTestUtil.RandnD(7, 4, 2);

        // GradCheck perturbs every entry, also above the diagonal: Tril() keeps the factors valid (zero gradient there).
        MixtureTestUtil.AssertGrad(t => GaussianMixture.FromScaleTril(t[0], t[1].Tril(), t[2]).LogProb(t[3]), means, tril, logits, x);
        var cov = tril.MatMul(tril.Transpose(-1, -2));
        MixtureTestUtil.AssertGrad(t => GaussianMixture.FromCovariances(means, (t[0] + t[0].Transpose(-1, -2)) * 0.5).LogProb(x), cov);
        MixtureTestUtil.AssertGradGrad(t => GaussianMixture.FromScaleTril(means, tril, logits).LogProb(t[0]), x);
    }

    [Fact]
    public void Labelled_component_log_density_selects_the_labelled_component()
    {
        foreach (var g in new[] { Diagonal(), GaussianMixture.ConditionalVaePrior(3, DType.Float64) })
        {
            var x = MixtureTestUtil.RandnD(8, 2, 4, 2);
            var labels = Tensor.FromArray(new double[] { 0, 2, 1, 1, 2, 0, 0, 2 }, 2, 4);
            var selected = g.ComponentLogProb(x, labels);
            selected.Shape.Should().Equal(2, 4);
            selected.ShouldBeCloseTo(g.ComponentLogProb(x).Gather(-1, labels.Unsqueeze(-1)).Squeeze(-1).ToDoubleArray(), 1e-12);
            ((Action)(() => g.ComponentLogProb(x, Tensor.Zeros(new Shape(8), DType.Float64)))).Should().Throw<ArgumentException>().WithMessage("*[8]*[2, 4, 2]*");
        }

        var means = MixtureTestUtil.RandnD(9, 3, 2);
        var tril = Tensor.FromArray(new double[] { 1.2, 0, 0.3, 0.7, 0.5, 0, -0.4, 1.1, 0.9, 0, 0.2, 0.6 }, 3, 2, 2);
        var lab = Tensor.FromArray(new double[] { 2, 0, 1, 2 }, 4);
        MixtureTestUtil.AssertGrad(t => GaussianMixture.FromScaleTril(t[0], t[1].Tril()).ComponentLogProb(t[2], lab), means, tril, MixtureTestUtil.RandnD(10, 4, 2));
        MixtureTestUtil.AssertGrad(t => GaussianMixture.FromLogVariances(t[0], t[1]).ComponentLogProb(t[2], lab), means, means * 0.2, MixtureTestUtil.RandnD(11, 4, 2));
    }

    [Fact]
    public void Named_priors_reproduce_the_seed_parameters()
    {
        // ml-playground: AAE radius 2.0, CVAE radius 4.0; covariance diag(2.0, 0.1) rotated to each component's angle.
        var aae = GaussianMixture.AdversarialAutoencoderPrior(dtype: DType.Float64);
        var cvae = GaussianMixture.ConditionalVaePrior(dtype: DType.Float64);
        aae.NumComponents.Should().Be(10);
        aae.ComponentMeans.Select(0, 0).ShouldBeCloseTo([2, 0], 1e-15);
        cvae.ComponentMeans.Select(0, 0).ShouldBeCloseTo([4, 0], 1e-15);
        aae.ComponentCovariances.Select(0, 0).ShouldBeCloseTo([2, 0, 0, 0.1], 1e-14);
        double a = 2 * Math.PI * 3 / 10, c = Math.Cos(a), s = Math.Sin(a);
        cvae.ComponentCovariances.Select(0, 3).ShouldBeCloseTo(
            [(2 * c * c) + (0.1 * s * s), 1.9 * c * s, 1.9 * c * s, (2 * s * s) + (0.1 * c * c)], 1e-14);
    }

    [Fact]
    public void Same_seed_gives_same_bits()
    {
        var g = GaussianMixture.AdversarialAutoencoderPrior();
        var a = g.SampleWithLabels(new Shape(64), new Generator(12));
        var b = g.SampleWithLabels(new Shape(64), new Generator(12));
        a.Samples.ToArray().Should().Equal(b.Samples.ToArray());
        a.Labels.ToArray().Should().Equal(b.Labels.ToArray());
        g.Sample(new Shape(64), new Generator(12)).ToArray().Should().Equal(a.Samples.ToArray());
        g.Sample(new Shape(64), new Generator(13)).ToArray().Should().NotEqual(a.Samples.ToArray());
    }

    [Fact]
    public void Kl_divergence_throws_not_supported_and_monte_carlo_is_available()
    {
        var g = Diagonal();
        var act = () => KL.Divergence(g, g);
        act.Should().Throw<NotSupportedException>().WithMessage("*GaussianMixture*KL.MonteCarlo*");
        ((Action)(() => g.Entropy())).Should().Throw<NotSupportedException>();

        // KL(q ‖ p) ≥ 0 in expectation; 4000 draws give a positive, finite estimate here.
        var q = new MixtureTestGaussian(Tensor.FromArray(new double[] { 0.5, 0.5 }, 2), Tensor.FromArray(new double[] { 0, 0 }, 2), 1);
        double kl = KL.MonteCarlo(q, g, 4000, new Generator(3)).Item();
        double.IsFinite(kl).Should().BeTrue();
        kl.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Empty_batches_and_index_tensors_of_the_other_dtype_work()
    {
        var g = GaussianMixture.OnCircle(4, 1, 1, 0.5);
        g.LogProb(Tensor.Zeros(0, 2)).Shape.Should().Equal(0);
        g.ComponentLogProb(Tensor.Zeros(0, 2)).Shape.Should().Equal(0, 4);
        g.Sample(new Shape(0), new Generator(1)).Shape.Should().Equal(0, 2);
        var y = g.SampleForLabels(Tensor.FromArray(new double[] { 3, 1 }, 2), new Generator(2));
        y.DType.Should().Be(DType.Float32);
        y.Shape.Should().Equal(2, 2);
    }

    [Fact]
    public void Invalid_parameters_and_values_throw_naming_shapes()
    {
        var m = Tensor.Zeros(3, 2);
        ((Action)(() => GaussianMixture.FromLogVariances(Tensor.Zeros(3), Tensor.Zeros(3)))).Should().Throw<ArgumentException>().WithMessage("*[K, d]*[3]*");
        ((Action)(() => GaussianMixture.FromLogVariances(m, Tensor.Zeros(3, 3)))).Should().Throw<ArgumentException>().WithMessage("*[3, 2]*[3, 3]*");
        ((Action)(() => GaussianMixture.FromLogVariances(m, Tensor.Zeros(3, 2), Tensor.Zeros(4)))).Should().Throw<ArgumentException>().WithMessage("*[3]*[4]*");
        ((Action)(() => GaussianMixture.FromLogVariances(m, Tensor.Zeros(new Shape(3, 2), DType.Float64)))).Should().Throw<ArgumentException>().WithMessage("*float64*float32*");
        ((Action)(() => GaussianMixture.FromScales(m, Tensor.Zeros(3, 2)))).Should().Throw<ArgumentException>().WithMessage("*positive*");
        ((Action)(() => GaussianMixture.FromScaleTril(m, Tensor.Ones(3, 2, 2)))).Should().Throw<ArgumentException>().WithMessage("*lower triangular*");
        ((Action)(() => GaussianMixture.FromCovariances(m, Tensor.Zeros(3, 2, 2)))).Should().Throw<ArgumentException>();
        ((Action)(() => GaussianMixture.OnCircle(0, 1, 1, 1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => GaussianMixture.OnCircle(3, 1, 0, 1))).Should().Throw<ArgumentOutOfRangeException>();

        var g = GaussianMixture.OnCircle(4, 1, 1, 0.5);
        ((Action)(() => g.LogProb(Tensor.Zeros(5, 3)))).Should().Throw<ArgumentException>().WithMessage("*[5, 3]*[2]*");
        ((Action)(() => g.LogProb(Tensor.Zeros(new Shape(5, 2), DType.Float64)))).Should().Throw<ArgumentException>().WithMessage("*float64*float32*");
    }
}
