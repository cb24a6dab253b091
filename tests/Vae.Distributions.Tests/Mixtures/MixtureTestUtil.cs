using MathNet.Numerics.Distributions;
using Vae.Core;
using Vae.Distributions;

namespace Vae.Distributions.Tests;

/// <summary>Helpers for the discrete and mixture tests: gradient checks, goodness-of-fit statistics, references.</summary>
internal static class MixtureTestUtil
{
    /// <summary>Significance level of every goodness-of-fit test (with fixed seeds the outcome is deterministic).</summary>
    public const double Alpha = 1e-3;

    public static Tensor RandnD(ulong seed, params int[] shape) => Tensor.Randn(new Shape(shape), new Generator(seed), DType.Float64);

    /// <summary>Asserts first-order finite-difference agreement of <paramref name="f"/> at float64 <paramref name="inputs"/>.</summary>
    public static void AssertGrad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs);
        r.Passed.Should().BeTrue(r.Message);
    }

    /// <summary>Asserts second-order (gradient of a gradient) finite-difference agreement.</summary>
    public static void AssertGradGrad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.CheckSecondOrder(f, inputs, atol: 1e-4, rtol: 1e-3);
        r.Passed.Should().BeTrue(r.Message);
    }

    public static void ShouldBeCloseTo(this Tensor actual, double[] expected, double tol)
    {
        var a = actual.ToDoubleArray();
        a.Length.Should().Be(expected.Length);
        for (int i = 0; i < a.Length; i++)
        {
            a[i].Should().BeApproximately(expected[i], tol, $"element {i}");
        }
    }

    /// <summary>Pearson's chi-square statistic of observed counts against expected probabilities.</summary>
    public static double ChiSquare(long[] counts, double[] probs)
    {
        long n = counts.Sum();
        double chi = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            double e = n * probs[i];
            if (e == 0)
            {
                counts[i].Should().Be(0, $"category {i} has probability zero");
                continue;
            }

            chi += (counts[i] - e) * (counts[i] - e) / e;
        }

        return chi;
    }

    /// <summary>The upper-<see cref="Alpha"/> critical value of the chi-square distribution with <paramref name="df"/> degrees of freedom.</summary>
    public static double ChiSquareCritical(int df) => ChiSquared.InvCDF(df, 1 - Alpha);

    /// <summary>Asserts that counts fit the probabilities (chi-square test at level <see cref="Alpha"/>, categories of probability 0 excluded from df).</summary>
    public static void AssertFrequencies(long[] counts, double[] probs)
    {
        int df = probs.Count(p => p > 0) - 1;
        double chi = ChiSquare(counts, probs);
        chi.Should().BeLessThan(ChiSquareCritical(df), $"chi-square with {df} degrees of freedom at level {Alpha}");
    }

    /// <summary>Kolmogorov–Smirnov statistic sup |F_n − F| of samples against a continuous CDF.</summary>
    public static double KolmogorovSmirnov(double[] samples, Func<double, double> cdf)
    {
        var s = (double[])samples.Clone();
        Array.Sort(s);
        int n = s.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(s[i]);
            d = Math.Max(d, Math.Max(((i + 1.0) / n) - f, f - ((double)i / n)));
        }

        return d;
    }

    /// <summary>Asymptotic KS critical value at level <see cref="Alpha"/> (c(0.001) = 1.949).</summary>
    public static double KolmogorovSmirnovCritical(int n) => 1.949 / Math.Sqrt(n);

    /// <summary>Stable log Σ exp in double precision.</summary>
    public static double LogSumExp(IReadOnlyList<double> v)
    {
        double m = v.Max();
        if (double.IsNegativeInfinity(m))
        {
            return m;
        }

        double s = 0;
        foreach (double x in v)
        {
            s += Math.Exp(x - m);
        }

        return m + Math.Log(s);
    }

    /// <summary>Log-density of a diagonal Gaussian in double precision.</summary>
    public static double LogNormalDiag(double[] x, double[] mean, double[] variance)
    {
        double lp = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double z = x[i] - mean[i];
            lp += -0.5 * ((z * z / variance[i]) + Math.Log(2 * Math.PI * variance[i]));
        }

        return lp;
    }

    /// <summary>Log-density of a 2-D Gaussian with full covariance [[a, b], [b, c]] (direct 2×2 inverse and determinant).</summary>
    public static double LogNormal2(double x, double y, double mx, double my, double a, double b, double c)
    {
        double det = (a * c) - (b * b);
        double dx = x - mx, dy = y - my;
        double q = ((c * dx * dx) - (2 * b * dx * dy) + (a * dy * dy)) / det;
        return (-0.5 * q) - Math.Log(2 * Math.PI) - (0.5 * Math.Log(det));
    }

    /// <summary>Sample mean and (biased) covariance of 2-D points [n, 2].</summary>
    public static (double Mx, double My, double Cxx, double Cxy, double Cyy) Moments2(double[] xy)
    {
        int n = xy.Length / 2;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++)
        {
            mx += xy[2 * i];
            my += xy[(2 * i) + 1];
        }

        mx /= n;
        my /= n;
        double cxx = 0, cxy = 0, cyy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = xy[2 * i] - mx, dy = xy[(2 * i) + 1] - my;
            cxx += dx * dx;
            cxy += dx * dy;
            cyy += dy * dy;
        }

        return (mx, my, cxx / n, cxy / n, cyy / n);
    }
}

/// <summary>
/// A minimal reparameterisable Gaussian with elementwise parameters of shape <c>batch + event</c> (the last
/// <c>eventRank</c> dimensions form the event), used only to exercise <see cref="MixtureSameFamily"/> with batched
/// components and <see cref="KL.MonteCarlo"/> in these tests (the library's Normal/Independent live elsewhere).
/// </summary>
internal sealed class MixtureTestGaussian(Tensor mean, Tensor logVariance, int eventRank)
    : Distribution(new Shape(mean.Shape.Dims[..^eventRank]), new Shape(mean.Shape.Dims[^eventRank..]))
{
    public override bool HasRSample => true;

    public override DType DType => mean.DType;

    public override Tensor Mean => mean;

    public override Tensor Variance => logVariance.Exp();

    public override Tensor RSample(Shape sampleShape, Generator generator) =>
        mean + (Tensor.Randn(ExtendedShape(sampleShape), generator, DType) * (logVariance * 0.5).Exp());

    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        var z = (value - mean) * (logVariance * -0.5).Exp();
        var lp = (z.Square() + logVariance + Math.Log(2 * Math.PI)) * -0.5;
        for (int i = 0; i < eventRank; i++)
        {
            lp = lp.Sum(-1);
        }

        return lp;
    }
}
