using MathNet.Numerics;
using Vae.Core;

namespace Vae.Core.Tests;

public sealed class MathOpsTests
{
    // 61 values (vector bodies plus padded tails in both dtypes) spanning the interesting ranges.
    private static readonly double[] Wide = ElementwiseAssert.Grid(-20, 20, 61);
    private static readonly double[] Positive = ElementwiseAssert.Grid(1e-3, 50, 61);
    private static readonly double[] Tiny = [1e-30, -1e-30, 1e-20, -1e-20, 1e-12, -1e-12, 1e-8, -1e-8, 1e-5, -1e-5, 3e-3, -3e-3, 0.1, -0.1];

    [Fact]
    public void Exp_matches_System_Math_and_is_exactly_one_at_zero()
    {
        ElementwiseAssert.MatchesReference(t => t.Exp(), Math.Exp, [.. Wide, .. Tiny, 80, -80, 700, -700], rtol64: 4e-16, rtol32: 6e-8);
        Tensor.FromArray(new float[] { 0f, -0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f }).Exp().ToArray().Should().AllBeEquivalentTo(1f);
    }

    [Fact]
    public void Exp_special_values_follow_IEEE()
    {
        Tensor.FromArray([double.PositiveInfinity, double.NegativeInfinity, double.NaN, 710, -746]).Exp().ToDoubleArray()
            .Should().Equal(double.PositiveInfinity, 0, double.NaN, double.PositiveInfinity, 0);
        Tensor.FromArray([float.PositiveInfinity, float.NegativeInfinity, float.NaN, 89f, -104f]).Exp().ToArray()
            .Should().Equal(float.PositiveInfinity, 0f, float.NaN, float.PositiveInfinity, 0f);
    }

    [Fact]
    public void Log_and_Sqrt_and_Rsqrt_match_System_Math()
    {
        ElementwiseAssert.MatchesReference(t => t.Log(), Math.Log, Positive, rtol64: 1e-15, rtol32: 2.4e-7);
        ElementwiseAssert.MatchesReference(t => t.Sqrt(), Math.Sqrt, Positive, rtol64: 2.3e-16, rtol32: 6e-8);
        ElementwiseAssert.MatchesReference(t => t.Rsqrt(), x => 1 / Math.Sqrt(x), Positive, rtol64: 4.5e-16, rtol32: 1.2e-7);
        Tensor.FromArray([-1.0, 0, double.PositiveInfinity, double.NaN]).Log().ToDoubleArray()
            .Should().Equal(double.NaN, double.NegativeInfinity, double.PositiveInfinity, double.NaN);
        Tensor.FromArray([-1f, 0f, float.PositiveInfinity]).Sqrt().ToArray().Should().Equal(float.NaN, 0f, float.PositiveInfinity);
        Tensor.FromArray([0.0, -1, double.PositiveInfinity]).Rsqrt().ToDoubleArray().Should().Equal(double.PositiveInfinity, double.NaN, 0);
    }

    [Fact]
    public void Log1p_is_accurate_for_tiny_arguments_unlike_log_of_one_plus_x()
    {
        ElementwiseAssert.MatchesReference(t => t.Log1p(), SpecialFunctions.Log1p, [.. Tiny, .. Positive, -0.5, -0.9, -0.999999], rtol64: 1e-15, rtol32: 3e-7);
        // log(1 + 1e-10f) would be 0 in float32.
        Tensor.FromArray([1e-10f]).Log1p().Item().Should().BeApproximately(1e-10, 1e-17);
        Tensor.FromArray([-1.0, -2, double.PositiveInfinity, double.NaN, -0.0]).Log1p().ToDoubleArray()
            .Should().Equal(double.NegativeInfinity, double.NaN, double.PositiveInfinity, double.NaN, -0.0);
    }

    [Fact]
    public void Expm1_is_accurate_for_tiny_arguments()
    {
        ElementwiseAssert.MatchesReference(t => t.Expm1(), Expm1Reference, [.. Tiny, .. Wide], rtol64: 1e-15, rtol32: 3e-7);
        Tensor.FromArray([1e-10f]).Expm1().Item().Should().BeApproximately(1e-10, 1e-17);
        Tensor.FromArray([double.NegativeInfinity, double.PositiveInfinity, 1000, -1000, double.NaN]).Expm1().ToDoubleArray()
            .Should().Equal(-1, double.PositiveInfinity, double.PositiveInfinity, -1, double.NaN);
    }

    // MathNet's Expm1 truncates its series (1e-5 → 1.0000050000000001e-5); e^x − 1 = 2t/(1 − t) with t = tanh(x/2)
    // keeps full precision for |x| < 1, and e^x − 1 has no cancellation beyond.
    private static double Expm1Reference(double x)
    {
        if (Math.Abs(x) >= 1)
        {
            return Math.Exp(x) - 1;
        }

        double t = Math.Tanh(x / 2);
        return 2 * t / (1 - t);
    }

    [Fact]
    public void Square_Abs_Reciprocal_Sin_Cos_match_closed_forms()
    {
        ElementwiseAssert.MatchesReference(t => t.Square(), x => x * x, Wide);
        ElementwiseAssert.MatchesReference(t => t.Abs(), Math.Abs, Wide, rtol64: 0, rtol32: 0);
        ElementwiseAssert.MatchesReference(t => t.Reciprocal(), x => 1 / x, Positive, rtol64: 2.3e-16, rtol32: 6e-8);
        ElementwiseAssert.MatchesReference(t => t.Sin(), Math.Sin, Wide, rtol64: 1e-15, rtol32: 3e-7, atol: 1e-15);
        ElementwiseAssert.MatchesReference(t => t.Cos(), Math.Cos, Wide, rtol64: 1e-15, rtol32: 3e-7, atol: 1e-15);
    }

    [Fact]
    public void Pow_scalar_matches_Math_Pow_including_negative_bases_and_special_cases()
    {
        foreach (double p in new[] { 2.0, 3.0, 0.5, -1.5, 0.0, 1.0, 2.5 })
        {
            ElementwiseAssert.MatchesReference(t => t.Pow(p), x => Math.Pow(x, p), Wide, rtol64: 1e-15, rtol32: 2.4e-7);
        }

        Tensor.FromArray([double.NaN, -8]).Pow(0).ToDoubleArray().Should().Equal(1, 1);
        Tensor.FromArray([-8.0]).Pow(1.0 / 3).Item().Should().Be(double.NaN);
    }

    [Fact]
    public void Pow_tensor_broadcasts_and_matches_Math_Pow()
    {
        var x = Tensor.FromArray([0.5, 2, 3, -2], 4, 1);
        var e = Tensor.FromArray([0.0, 1, 2, -1.5, 3]);
        var y = x.Pow(e);
        y.Shape.ToArray().Should().Equal(4, 5);
        var expected = new double[20];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                expected[(i * 5) + j] = Math.Pow(x[i, 0], e[j]);
            }
        }

        var actual = y.ToDoubleArray();
        for (int k = 0; k < 20; k++)
        {
            ElementwiseAssert.Close(actual[k], expected[k], 1e-15, 0, $"element {k}");
        }
    }

    [Fact]
    public void Sign_Floor_Round_values_and_no_grad()
    {
        var x = Tensor.FromArray([-2.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, 3.7, double.NaN, double.NegativeInfinity]).SetRequiresGrad();
        var s = x.Sign();
        s.ToDoubleArray().Should().Equal(-1, -1, 0, 0, 1, 1, 1, 1, double.NaN, -1);
        x.Floor().ToDoubleArray().Should().Equal(-3, -1, -0.0, 0, 0, 1, 2, 3, double.NaN, double.NegativeInfinity);
        x.Round().ToDoubleArray().Should().Equal(-2, -0.0, -0.0, 0, 0, 2, 2, 4, double.NaN, double.NegativeInfinity); // ties to even
        s.RequiresGrad.Should().BeFalse();
        x.Floor().RequiresGrad.Should().BeFalse();
        x.Round().RequiresGrad.Should().BeFalse();
    }

    [Fact]
    public void Clamp_values_NaN_and_crossed_bounds()
    {
        var x = Tensor.FromArray([-3f, -1f, 0f, 0.5f, 1f, 4f, float.NaN, float.NegativeInfinity]);
        x.Clamp(-1, 1).ToArray().Should().Equal(-1f, -1f, 0f, 0.5f, 1f, 1f, float.NaN, -1f);
        x.ClampMin(0).ToArray().Should().Equal(0f, 0f, 0f, 0.5f, 1f, 4f, float.NaN, 0f);
        x.ClampMax(0).ToArray().Should().Equal(-3f, -1f, 0f, 0f, 0f, 0f, float.NaN, float.NegativeInfinity);
        x.Clamp(2, 1).ToArray().Should().Equal(1f, 1f, 1f, 1f, 1f, 1f, float.NaN, 1f); // min > max: max wins, as PyTorch
        var act = () => x.Clamp(null, null);
        act.Should().Throw<ArgumentException>().WithMessage("*Clamp*[8]*");
    }

    [Fact]
    public void Clamp_gradient_passes_inside_and_on_inclusive_bounds_only()
    {
        var x = Tensor.FromArray([-2.0, -1, 0, 1, 2, double.NaN]).SetRequiresGrad();
        x.Clamp(-1, 1).Sum().Backward();
        x.Grad!.ToDoubleArray().Should().Equal(0, 1, 1, 1, 0, 0);

        // The createGraph path (composed of tensor ops) gives the same values.
        var x2 = Tensor.FromArray([-2.0, -1, 0, 1, 2, double.NaN]).SetRequiresGrad();
        Autograd.Grad(x2.Clamp(-1, 1).Sum(), x2, createGraph: true).ToDoubleArray().Should().Equal(0, 1, 1, 1, 0, 0);
    }

    [Fact]
    public void First_order_gradients_match_finite_differences()
    {
        var g = new Generator(11);
        var any = TestUtil.RandnD(g, 3, 5);
        var pos = Tensor.Uniform(new Shape(3, 5), 0.2, 3, g, DType.Float64);
        var aboveMinusOne = Tensor.Uniform(new Shape(3, 5), -0.8, 3, g, DType.Float64);
        var nonZero = ElementwiseAssert.AwayFrom(g, 0, 0.2, -3, 3, 3, 5);
        TestUtil.AssertGrad(x => x[0].Exp(), any);
        TestUtil.AssertGrad(x => x[0].Log(), pos);
        TestUtil.AssertGrad(x => x[0].Log1p(), aboveMinusOne);
        TestUtil.AssertGrad(x => x[0].Expm1(), any);
        TestUtil.AssertGrad(x => x[0].Sqrt(), pos);
        TestUtil.AssertGrad(x => x[0].Rsqrt(), pos);
        TestUtil.AssertGrad(x => x[0].Square(), any);
        TestUtil.AssertGrad(x => x[0].Abs(), nonZero);
        TestUtil.AssertGrad(x => x[0].Reciprocal(), nonZero);
        TestUtil.AssertGrad(x => x[0].Sin(), any);
        TestUtil.AssertGrad(x => x[0].Cos(), any);
        TestUtil.AssertGrad(x => x[0].Clamp(-0.5, 0.7), ElementwiseAssert.AwayFrom(g, 0.7, 0.05, -0.3, 2, 3, 5));
        TestUtil.AssertGrad(x => x[0].ClampMin(0.3), ElementwiseAssert.AwayFrom(g, 0.3, 0.05, -2, 2, 3, 5));
        TestUtil.AssertGrad(x => x[0].ClampMax(-0.3), ElementwiseAssert.AwayFrom(g, -0.3, 0.05, -2, 2, 3, 5));
        foreach (double p in new[] { 0.0, 1.0, 2.0, 3.0, 0.5, -1.5 })
        {
            TestUtil.AssertGrad(x => x[0].Pow(p), pos);
        }

        TestUtil.AssertGrad(x => x[0].Pow(3.0), any); // integer power of negative bases
    }

    [Fact]
    public void Pow_tensor_gradients_for_base_and_broadcast_exponent()
    {
        var g = new Generator(12);
        var x = Tensor.Uniform(new Shape(3, 4), 0.3, 2.5, g, DType.Float64);
        var e = Tensor.Uniform(new Shape(4), -1.5, 2.5, g, DType.Float64);
        TestUtil.AssertGrad(v => v[0].Pow(v[1]), x, e);
        TestUtil.AssertGradGrad(v => v[0].Pow(v[1]), x, e);
    }

    [Fact]
    public void Pow_tensor_gradients_are_zero_not_NaN_at_zero_base_and_zero_exponent()
    {
        var x = Tensor.FromArray([0.0, 0, 2]).SetRequiresGrad();
        var e = Tensor.FromArray([0.0, 2, 0]).SetRequiresGrad();
        x.Pow(e).Sum().Backward();
        x.Grad!.ToDoubleArray().Should().Equal(0, 0, 0);      // d/dx x^0 = 0; d/dx x^2 at 0 = 0
        e.Grad!.ShouldBeClose([0, 0, Math.Log(2)], 1e-15);    // x = 0 with e ≥ 0 masked to 0
    }

    [Fact]
    public void Second_order_gradients_match_finite_differences()
    {
        var g = new Generator(13);
        var any = TestUtil.RandnD(g, 2, 4);
        var pos = Tensor.Uniform(new Shape(2, 4), 0.3, 3, g, DType.Float64);
        TestUtil.AssertGradGrad(x => x[0].Exp(), any);
        TestUtil.AssertGradGrad(x => x[0].Log(), pos);
        TestUtil.AssertGradGrad(x => x[0].Log1p(), pos);
        TestUtil.AssertGradGrad(x => x[0].Expm1(), any);
        TestUtil.AssertGradGrad(x => x[0].Sqrt(), pos);
        TestUtil.AssertGradGrad(x => x[0].Rsqrt(), pos);
        TestUtil.AssertGradGrad(x => x[0].Square(), any);
        TestUtil.AssertGradGrad(x => x[0].Reciprocal(), pos);
        TestUtil.AssertGradGrad(x => x[0].Sin(), any);
        TestUtil.AssertGradGrad(x => x[0].Cos(), any);
        TestUtil.AssertGradGrad(x => x[0].Abs() * x[0], ElementwiseAssert.AwayFrom(g, 0, 0.2, -3, 3, 2, 4));
        TestUtil.AssertGradGrad(x => x[0].Clamp(-0.5, 0.5) * x[0], ElementwiseAssert.AwayFrom(g, 0.5, 0.05, -0.4, 2, 2, 4));
        foreach (double p in new[] { 2.0, 3.0, 0.5, -1.5 })
        {
            TestUtil.AssertGradGrad(x => x[0].Pow(p), pos);
        }
    }
}
