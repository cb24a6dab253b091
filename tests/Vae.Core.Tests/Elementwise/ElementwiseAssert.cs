using System.Globalization;
using Vae.Core;

namespace Vae.Core.Tests;

/// <summary>Value checks for elementwise ops against scalar reference functions, in float64 and float32.</summary>
internal static class ElementwiseAssert
{
    /// <summary>
    /// Runs <paramref name="op"/> on a float64 and a float32 tensor holding <paramref name="xs"/> and compares each
    /// element with <paramref name="reference"/> evaluated in double (on the float-rounded input for float32):
    /// <c>|actual − expected| ≤ atol + rtol·|expected|</c>; NaN must match NaN and infinities must match exactly.
    /// </summary>
    public static void MatchesReference(
        Func<Tensor, Tensor> op, Func<double, double> reference, double[] xs, double rtol64 = 4e-16, double rtol32 = 1.2e-7, double atol = 0)
    {
        var y64 = op(Tensor.FromArray(xs)).ToDoubleArray();
        var xf = xs.Select(v => (float)v).ToArray();
        var y32 = op(Tensor.FromArray(xf)).ToArray();
        y64.Length.Should().Be(xs.Length);
        y32.Length.Should().Be(xs.Length);
        for (int i = 0; i < xs.Length; i++)
        {
            double e64 = reference(xs[i]);
            if (!IsClose(y64[i], e64, rtol64, atol))
            {
                Close(y64[i], e64, rtol64, atol, $"float64 at x = {xs[i]:R}");
            }

            double e32 = (float)reference(xf[i]);
            if (!IsClose(y32[i], e32, rtol32, atol))
            {
                Close(y32[i], e32, rtol32, atol, $"float32 at x = {xf[i]:R}");
            }
        }
    }

    /// <summary>Closeness with NaN and infinities treated exactly (see <see cref="Close"/>).</summary>
    public static bool IsClose(double actual, double expected, double rtol, double atol) =>
        double.IsNaN(expected) ? double.IsNaN(actual)
        : double.IsInfinity(expected) ? actual == expected
        : Math.Abs(actual - expected) <= atol + (rtol * Math.Abs(expected));

    /// <summary>Asserts closeness with NaN and infinities treated exactly.</summary>
    public static void Close(double actual, double expected, double rtol, double atol, string where)
    {
        if (double.IsNaN(expected))
        {
            if (!double.IsNaN(actual))
            {
                Assert.Fail($"{where}: expected NaN, got {actual:R}");
            }

            return;
        }

        if (double.IsInfinity(expected))
        {
            if (actual != expected)
            {
                Assert.Fail($"{where}: expected {expected}, got {actual:R}");
            }

            return;
        }

        double err = Math.Abs(actual - expected);
        if (!(err <= atol + (rtol * Math.Abs(expected))))
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{where}: got {actual:R}, expected {expected:R} (|diff| {err:G3})"));
        }
    }

    /// <summary><paramref name="n"/> evenly spaced values from <paramref name="lo"/> to <paramref name="hi"/>.</summary>
    public static double[] Grid(double lo, double hi, int n) =>
        Enumerable.Range(0, n).Select(i => lo + ((hi - lo) * i / (n - 1))).ToArray();

    /// <summary>A float64 tensor of uniform values in [lo, hi] that avoids (−gap, gap) around <paramref name="kink"/>.</summary>
    public static Tensor AwayFrom(Generator g, double kink, double gap, double lo, double hi, params int[] shape)
    {
        var t = Tensor.Uniform(new Shape(shape), lo, hi, g, DType.Float64);
        var v = t.ToDoubleArray().Select(x => Math.Abs(x - kink) < gap ? kink + (x < kink ? -gap : gap) : x).ToArray();
        return Tensor.FromArray(v, shape);
    }
}
