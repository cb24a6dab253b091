using Vae.Core;

namespace Vae.Distributions.Tests;

/// <summary>Helpers for the distribution tests: gradient checks, goodness-of-fit and moment assertions.</summary>
internal static class DistTestUtil
{
    /// <summary>c(α) = √(−½·ln(α/2)) for the two-sided Kolmogorov–Smirnov test; α = 0.001 gives 1.9495.</summary>
    public static double KsCoefficient(double alpha) => Math.Sqrt(-0.5 * Math.Log(alpha / 2));

    public static Tensor D(params double[] values) => Tensor.FromArray(values, values.Length);

    public static Tensor D(double value) => Tensor.Scalar(value, DType.Float64);

    /// <summary>Asserts first-order finite-difference agreement of autograd gradients (float64).</summary>
    public static void AssertGrad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs, eps: 1e-6, atol: 1e-6, rtol: 1e-4);
        r.Passed.Should().BeTrue(r.Message);
    }

    /// <summary>Elementwise closeness with a per-element message.</summary>
    public static void ShouldBeClose(this Tensor actual, double[] expected, double tol)
    {
        var a = actual.ToDoubleArray();
        a.Length.Should().Be(expected.Length);
        for (int i = 0; i < a.Length; i++)
        {
            a[i].Should().BeApproximately(expected[i], tol, $"element {i}");
        }
    }

    /// <summary>Relative closeness: |a − e| ≤ rtol·|e| + atol.</summary>
    public static void ShouldBeRelClose(this double actual, double expected, double rtol, double atol = 0, string because = "")
    {
        Math.Abs(actual - expected).Should().BeLessThanOrEqualTo((rtol * Math.Abs(expected)) + atol,
            $"{actual:R} vs expected {expected:R} {because}");
    }

    /// <summary>The two-sided KS statistic sup |F_n(x) − F(x)| of the sample against the CDF.</summary>
    public static double KsStatistic(double[] samples, Func<double, double> cdf) =>
        KsStatisticVec(samples, xs => xs.Select(cdf).ToArray());

    /// <summary>As <see cref="KsStatistic"/> with a CDF evaluated on the whole sorted sample at once.</summary>
    public static double KsStatisticVec(double[] samples, Func<double[], double[]> cdf)
    {
        var s = (double[])samples.Clone();
        Array.Sort(s);
        var f = cdf(s);
        int n = s.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            d = Math.Max(d, Math.Max(((i + 1.0) / n) - f[i], f[i] - ((double)i / n)));
        }

        return d;
    }

    /// <summary>Asserts that the KS statistic is below the α = 0.001 critical value c(α)/√n.</summary>
    public static void AssertKs(double[] samples, Func<double, double> cdf) => AssertKsVec(samples, xs => xs.Select(cdf).ToArray());

    /// <summary>As <see cref="AssertKs"/> with a vectorised CDF.</summary>
    public static void AssertKsVec(double[] samples, Func<double[], double[]> cdf)
    {
        double d = KsStatisticVec(samples, cdf);
        double crit = KsCoefficient(0.001) / Math.Sqrt(samples.Length);
        d.Should().BeLessThan(crit, $"KS statistic {d:G4} must be below the α = 0.001 critical value {crit:G4} (n = {samples.Length})");
    }

    /// <summary>
    /// Asserts the sample mean and variance agree with the expected moments within 5 standard errors
    /// (SE of the mean √(σ²/n); SE of the variance √((μ₄ − σ⁴)/n), μ₄ estimated from the sample).
    /// </summary>
    public static void AssertMoments(double[] x, double mean, double variance)
    {
        int n = x.Length;
        double m = x.Average();
        double v = x.Sum(t => (t - m) * (t - m)) / (n - 1);
        double m4 = x.Sum(t => Math.Pow(t - m, 4)) / n;
        double seMean = Math.Sqrt(variance / n);
        double seVar = Math.Sqrt(Math.Max(m4 - (v * v), 0) / n);
        m.Should().BeApproximately(mean, 5 * seMean, "sample mean vs Mean (5 standard errors)");
        v.Should().BeApproximately(variance, 5 * seVar, "sample variance vs Variance (5 standard errors)");
    }

    /// <summary>∫ f over [a, b] by composite 32-point Gauss–Legendre (MathNet nodes), f evaluated on all nodes at once.</summary>
    public static double Integrate(Func<Tensor, Tensor> f, double a, double b, int pieces = 32)
    {
        var rule = new MathNet.Numerics.Integration.GaussLegendreRule(-1, 1, 32);
        double h = (b - a) / pieces;
        var nodes = new double[pieces * rule.Order];
        var weights = new double[nodes.Length];
        for (int i = 0; i < pieces; i++)
        {
            for (int j = 0; j < rule.Order; j++)
            {
                nodes[(i * rule.Order) + j] = a + (h * (i + ((rule.Abscissas[j] + 1) / 2)));
                weights[(i * rule.Order) + j] = rule.Weights[j] * h / 2;
            }
        }

        var y = f(Tensor.FromArray(nodes, nodes.Length)).ToDoubleArray();
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sum += weights[i] * y[i];
        }

        return sum;
    }
}
