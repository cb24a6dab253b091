using Vae.Core;
using Vae.Distributions;

namespace Vae.Models.Tests;

/// <summary>Random diagonal Gaussians and mixtures for the mixture-prior tests.</summary>
internal static class MixtureTestKit
{
    public static Tensor Randn(Generator g, DType dtype, params int[] shape) => Tensor.Randn(new Shape(shape), g, dtype);

    /// <summary>q = Independent(Normal(μ, exp(½ log σ²)), 1) with batch [n], event [d].</summary>
    public static Distribution Posterior(Tensor mean, Tensor logVar) => new Independent(new Normal(mean, (logVar * 0.5).Exp()), 1);

    /// <summary>A random diagonal posterior: means ~ N(0, meanScale²), log-variances ~ U(lo, hi).</summary>
    public static (Tensor Mean, Tensor LogVar) RandomPosterior(Generator g, int n, int d, double meanScale = 1, double lo = -2, double hi = 0.5, DType dtype = DType.Float64) =>
        (Randn(g, dtype, n, d) * meanScale, Tensor.Uniform(new Shape(n, d), lo, hi, g, dtype));

    /// <summary>A random diagonal mixture: means ~ N(0, meanScale²), log-variances ~ U(lo, hi), logits ~ N(0, 1).</summary>
    public static (Tensor Means, Tensor LogVars, Tensor Logits) RandomMixture(Generator g, int k, int d, double meanScale = 2, double lo = -1.5, double hi = 0.5, DType dtype = DType.Float64) =>
        (Randn(g, dtype, k, d) * meanScale, Tensor.Uniform(new Shape(k, d), lo, hi, g, dtype), Randn(g, dtype, k));

    /// <summary>Per-example Monte Carlo KL with its standard error: mean and SE over <paramref name="samples"/> draws of log q − log p.</summary>
    public static (double[] Mean, double[] StdErr) MonteCarloKl(Distribution q, Distribution p, int samples, Generator g)
    {
        using (Autograd.NoGrad())
        {
            int n = q.BatchShape.Numel;
            int components = p is GaussianMixture gm ? gm.NumComponents : 1;
            int chunk = Math.Max(1, Math.Min(samples, 1_000_000 / Math.Max(1, n * components)));
            var sum = new double[n];
            var sumSquares = new double[n];
            for (int start = 0; start < samples; start += chunk)
            {
                int count = Math.Min(chunk, samples - start);
                var z = q.Sample(new Shape(count), g);
                var diff = (q.LogProb(z) - p.LogProb(z)).ToDoubleArray(); // [count, N]
                for (int t = 0; t < count; t++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        double v = diff[(t * n) + i];
                        sum[i] += v;
                        sumSquares[i] += v * v;
                    }
                }
            }

            var mean = new double[n];
            var se = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = sum[i], s2 = sumSquares[i];
                mean[i] = s / samples;
                double variance = Math.Max(0, (s2 / samples) - (mean[i] * mean[i])) * samples / (samples - 1);
                se[i] = Math.Sqrt(variance / samples);
            }

            return (mean, se);
        }
    }

    public static void ShouldPassGradCheck(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs);
        r.Passed.Should().BeTrue(r.Message);
    }

    public static void ShouldPassSecondOrderGradCheck(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.CheckSecondOrder(f, inputs, atol: 1e-4, rtol: 1e-3);
        r.Passed.Should().BeTrue(r.Message);
    }
}
