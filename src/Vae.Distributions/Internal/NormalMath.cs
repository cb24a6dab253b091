using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// The standard normal CDF Φ and its inverse as differentiable tensor ops (values computed in float64, gradients
/// written in tensor ops so that they are differentiable again), plus the scalar special functions behind them.
/// </summary>
internal static class NormalMath
{
    /// <summary>1/√(2π).</summary>
    public const double InvSqrt2Pi = 0.398942280401432677939946059934;

    /// <summary>½·log(2π).</summary>
    public const double HalfLog2Pi = 0.918938533204672741780329736406;

    /// <summary>log 2.</summary>
    public const double Ln2 = 0.693147180559945309417232121458;

    private const double SqrtPi = 1.77245385090551602729816748334;
    private const double Sqrt2 = 1.41421356237309504880168872421;
    private const double Sqrt2Pi = 2.50662827463100050241576528481;

    /// <summary>Φ(z) elementwise. Gradient: g·φ(z).</summary>
    public static Tensor Cdf(Tensor z)
    {
        var y = Map(z, StandardNormalCdf);
        if (Tensor.ShouldRecord(z))
        {
            y.SetGradFn("NormalCdf", [z], static (g, n) => [g * Pdf(n.Inputs[0])]);
        }

        return y;
    }

    /// <summary>Φ⁻¹(p) elementwise (−∞ at 0, +∞ at 1, NaN outside [0, 1]). Gradient: g·√(2π)·exp(x²/2).</summary>
    public static Tensor Icdf(Tensor p)
    {
        var x = Map(p, StandardNormalIcdf);
        if (Tensor.ShouldRecord(p))
        {
            x.SetGradFn("NormalIcdf", [p], static (g, n) => [g * ((n.Output.Square() * 0.5).Exp() * Sqrt2Pi)]);
        }

        return x;
    }

    /// <summary>φ(z) = exp(−z²/2)/√(2π) in tensor ops.</summary>
    public static Tensor Pdf(Tensor z) => (z.Square() * -0.5).Exp() * InvSqrt2Pi;

    /// <summary>Φ(z) = ½·erfc(−z/√2), accurate in both tails (absolute error ~1e-16; relative in the lower tail).</summary>
    public static double StandardNormalCdf(double z) => 0.5 * Erfc(-z / Sqrt2);

    /// <summary>
    /// Φ⁻¹(p): an Abramowitz–Stegun 26.2.23 starting point refined by Newton's method on log Φ(x) − log q
    /// (q = min(p, 1 − p)); log Φ is concave, so the iterates approach the root monotonically.
    /// </summary>
    public static double StandardNormalIcdf(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1)
        {
            return double.NaN;
        }

        if (p == 0)
        {
            return double.NegativeInfinity;
        }

        if (p == 1)
        {
            return double.PositiveInfinity;
        }

        bool upper = p > 0.5;
        double q = upper ? 1 - p : p;
        double t = Math.Sqrt(-2 * Math.Log(q));
        double x = -(t - ((2.515517 + (t * (0.802853 + (t * 0.010328)))) / (1 + (t * (1.432788 + (t * (0.189269 + (t * 0.001308))))))));
        double logQ = Math.Log(q);
        for (int it = 0; it < 100; it++)
        {
            double cdf = StandardNormalCdf(x);
            if (cdf <= 0)
            {
                break;
            }

            double pdf = InvSqrt2Pi * Math.Exp(-0.5 * x * x);
            double step = (Math.Log(cdf) - logQ) * cdf / pdf;
            x -= step;
            if (Math.Abs(step) <= 1e-15 * (1 + Math.Abs(x)))
            {
                break;
            }
        }

        return upper ? -x : x;
    }

    /// <summary>erfc(x) for any real x: a positive series for |x| &lt; 2, a continued fraction beyond.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        return x < 2 ? 1 - ErfSeries(x) : ErfcContinuedFraction(x);
    }

    /// <summary>erf(x) = (2/√π)·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)); all terms positive, so no cancellation.</summary>
    private static double ErfSeries(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 0; n < 500; n++)
        {
            term *= 2 * x2 / ((2 * n) + 3);
            sum += term;
            if (term < 1e-17 * sum)
            {
                break;
            }
        }

        return 2 / SqrtPi * Math.Exp(-x2) * sum;
    }

    /// <summary>
    /// erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) for x ≥ 2, evaluated by the modified Lentz method.
    /// </summary>
    private static double ErfcContinuedFraction(double x)
    {
        if (double.IsPositiveInfinity(x))
        {
            return 0;
        }

        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 5000; k++)
        {
            double a = k * 0.5;
            d = x + (a * d);
            d = d == 0 ? tiny : d;
            c = x + (a / c);
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(-x * x) / SqrtPi / f;
    }

    private static Tensor Map(Tensor x, Func<double, double> f)
    {
        var values = x.ToDoubleArray();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = f(values[i]);
        }

        var y = Tensor.FromArray(values, x.Shape.ToArray());
        if (x.Rank == 0)
        {
            y = y.Reshape(Shape.Scalar);
        }

        return x.DType == DType.Float64 ? y : y.To(x.DType);
    }
}
