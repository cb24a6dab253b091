using Vae.Core;
using Vae.Distributions;

namespace Vae.Distributions.Tests;

/// <summary>
/// The float32 fast path of diagonal mixtures (GaussianComponents.PairwiseLogProbExpanded: the square expanded into
/// matrix products, evaluated in float64) against the direct per-difference form it replaces.
/// </summary>
public sealed class GaussianMixtureExpandedPathTests
{
    private static GaussianComponents Components(GaussianMixture g) => (GaussianComponents)g.ComponentDistribution;

    [Fact]
    public void Expanded_form_matches_the_direct_form_in_float64_and_passes_grad_checks()
    {
        var means = MixtureTestUtil.RandnD(1, 5, 3);
        var logVars = MixtureTestUtil.RandnD(2, 5, 3) * 0.3;
        var x = MixtureTestUtil.RandnD(3, 4, 3);
        var g = GaussianMixture.FromLogVariances(means, logVars);
        var direct = g.ComponentLogProb(x); // float64 inputs take the direct form
        Components(g).PairwiseLogProbExpanded(x).ShouldBeCloseTo(direct.ToDoubleArray(), 1e-12);

        MixtureTestUtil.AssertGrad(t => Components(GaussianMixture.FromLogVariances(t[0], t[1])).PairwiseLogProbExpanded(t[2]), means, logVars, x);
        MixtureTestUtil.AssertGradGrad(t => Components(GaussianMixture.FromLogVariances(t[0], t[1])).PairwiseLogProbExpanded(t[2]), means, logVars, x);
    }

    [Fact]
    public void Float32_thousand_component_log_prob_and_gradients_match_the_float64_direct_form()
    {
        // K = 1000, d = 10: the prior of the mixture-prior VAE. Reference: the same (float32-representable) parameters in
        // float64, which take the exact direct form.
        const int k = 1000, d = 10, n = 64;
        var gen = new Generator(7);
        var means = Tensor.Randn(new Shape(k, d), gen);
        var logVars = Tensor.Uniform(new Shape(k, d), -3, 1, gen);
        var logits = Tensor.Randn(new Shape(k), gen);
        var x = Tensor.Randn(new Shape(n, d), gen) * 1.5f;
        GaussianComponents.ExpansionIsAccurate(x, means, logVars).Should().BeTrue();

        (double[] Value, double[][] Grads) Run(DType dtype)
        {
            var leaves = new[] { means, logVars, logits, x }.Select(t => t.To(dtype).Detach().SetRequiresGrad()).ToArray();
            var lp = GaussianMixture.FromLogVariances(leaves[0], leaves[1], leaves[2]).LogProb(leaves[3]);
            lp.DType.Should().Be(dtype);
            var grads = Autograd.Grad([lp.Sum()], leaves);
            return (lp.ToDoubleArray(), grads.Select(t => t!.ToDoubleArray()).ToArray());
        }

        var (v32, g32) = Run(DType.Float32);
        var (v64, g64) = Run(DType.Float64);
        for (int i = 0; i < n; i++)
        {
            v32[i].Should().BeApproximately(v64[i], 2e-6 * Math.Max(1, Math.Abs(v64[i])), $"point {i}");
        }

        for (int t = 0; t < g32.Length; t++)
        {
            double scale = g64[t].Max(Math.Abs);
            for (int i = 0; i < g32[t].Length; i++)
            {
                g32[t][i].Should().BeApproximately(g64[t][i], 1e-5 * scale, $"gradient {t}, element {i}");
            }
        }
    }

    [Fact]
    public void Float32_second_order_gradients_match_float64()
    {
        var gen = new Generator(8);
        var means = Tensor.Randn(new Shape(20, 4), gen);
        var logVars = Tensor.Uniform(new Shape(20, 4), -1, 0.5, gen);
        var x0 = Tensor.Randn(new Shape(6, 4), gen);
        double[] HessianRowSums(DType dtype)
        {
            var x = x0.To(dtype).Detach().SetRequiresGrad();
            var lp = GaussianMixture.FromLogVariances(means.To(dtype), logVars.To(dtype)).LogProb(x).Sum();
            var grad = Autograd.Grad(lp, x, createGraph: true);
            return Autograd.Grad(grad.Sum(), x).ToDoubleArray();
        }

        var h32 = HessianRowSums(DType.Float32);
        var h64 = HessianRowSums(DType.Float64);
        for (int i = 0; i < h32.Length; i++)
        {
            h32[i].Should().BeApproximately(h64[i], 1e-4 * Math.Max(1, Math.Abs(h64[i])), $"element {i}");
        }
    }

    [Fact]
    public void Non_finite_values_and_extreme_magnitudes_take_the_direct_form()
    {
        var means = Tensor.Zeros(new Shape(3, 2));
        var logVars = Tensor.Zeros(new Shape(3, 2));
        GaussianComponents.ExpansionIsAccurate(Tensor.FromArray(new float[] { 1, float.PositiveInfinity }, 1, 2), means, logVars).Should().BeFalse();
        GaussianComponents.ExpansionIsAccurate(Tensor.FromArray(new float[] { 1, float.NaN }, 1, 2), means, logVars).Should().BeFalse();
        GaussianComponents.ExpansionIsAccurate(Tensor.FromArray(new float[] { 1e4f, 0 }, 1, 2), means, logVars).Should().BeFalse();
        GaussianComponents.ExpansionIsAccurate(Tensor.FromArray(new float[] { 1, 0 }, 1, 2), means, Tensor.Full(new Shape(3, 2), -30.0)).Should().BeFalse();

        // IEEE propagation is that of the direct form: an infinite coordinate has density 0 (log −∞), NaN stays NaN.
        var g = GaussianMixture.FromLogVariances(means, logVars);
        var lp = g.LogProb(Tensor.FromArray(new float[] { float.PositiveInfinity, 0, float.NaN, 0, 0, 0 }, 3, 2)).ToDoubleArray();
        lp[0].Should().Be(double.NegativeInfinity);
        double.IsNaN(lp[1]).Should().BeTrue();
        lp[2].Should().BeApproximately(-Math.Log(2 * Math.PI), 1e-6);
    }
}
