using MathNet.Numerics;
using Vae.Core;

namespace Vae.Core.Tests;

public sealed class ActivationTests
{
    private static readonly double[] Wide = [.. ElementwiseAssert.Grid(-30, 30, 61), 1e-30, -1e-30, 1e-9, -1e-9, 1e-4, -1e-4, 0.3, -0.3];

    // log(1 + e^z) in double without overflow or cancellation (MathNet's Log1p is exact for the small arguments here).
    private static double SoftplusReference(double z) => Math.Max(z, 0) + SpecialFunctions.Log1p(Math.Exp(-Math.Abs(z)));

    [Fact]
    public void Sigmoid_matches_logistic_and_saturates_without_overflow()
    {
        ElementwiseAssert.MatchesReference(t => t.Sigmoid(), SpecialFunctions.Logistic, Wide, rtol64: 1e-15, rtol32: 3e-7, atol: 1e-300);
        Tensor.FromArray([-1000f, 1000f, float.NaN, float.NegativeInfinity, float.PositiveInfinity]).Sigmoid().ToArray()
            .Should().Equal(0f, 1f, float.NaN, 0f, 1f);
        Tensor.FromArray([-1000.0, 1000.0]).Sigmoid().ToDoubleArray().Should().Equal(0, 1);
    }

    [Fact]
    public void Tanh_matches_System_Math_with_full_relative_accuracy_near_zero()
    {
        ElementwiseAssert.MatchesReference(t => t.Tanh(), Math.Tanh, Wide, rtol64: 1e-15, rtol32: 2.4e-7);
        Tensor.FromArray([0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1000f, -1000f]).Tanh().ToArray()
            .Should().Equal(0f, -0f, 1f, -1f, float.NaN, 1f, -1f);
        BitConverter.DoubleToInt64Bits(Tensor.FromArray([-0.0]).Tanh().Item()).Should().Be(BitConverter.DoubleToInt64Bits(-0.0));
    }

    [Fact]
    public void Relu_and_LeakyRelu_values_propagate_NaN()
    {
        var x = Tensor.FromArray([-2f, -0.5f, 0f, 0.5f, 3f, float.NaN, float.NegativeInfinity, float.PositiveInfinity]);
        x.Relu().ToArray().Should().Equal(0f, 0f, 0f, 0.5f, 3f, float.NaN, 0f, float.PositiveInfinity);
        x.LeakyRelu().ToArray().Should().Equal(-0.02f, -0.005f, 0f, 0.5f, 3f, float.NaN, float.NegativeInfinity, float.PositiveInfinity);
        x.LeakyRelu(0.2).ToArray().Should().Equal(-0.4f, -0.1f, 0f, 0.5f, 3f, float.NaN, float.NegativeInfinity, float.PositiveInfinity);
        ElementwiseAssert.MatchesReference(t => t.Relu(), v => Math.Max(v, 0), Wide, rtol64: 0, rtol32: 0);
        ElementwiseAssert.MatchesReference(t => t.LeakyRelu(0.1), v => v > 0 ? v : 0.1 * v, Wide, rtol64: 2.3e-16, rtol32: 1.2e-7);
    }

    [Fact]
    public void Elu_matches_closed_form_and_is_accurate_for_small_negative_inputs()
    {
        foreach (double alpha in new[] { 1.0, 0.5 })
        {
            ElementwiseAssert.MatchesReference(
                t => t.Elu(alpha), v => v > 0 ? v : alpha * (v > -1 ? 2 * Math.Tanh(v / 2) / (1 - Math.Tanh(v / 2)) : Math.Exp(v) - 1),
                Wide, rtol64: 1e-15, rtol32: 3e-7);
        }

        Tensor.FromArray([double.NegativeInfinity, double.NaN]).Elu().ToDoubleArray().Should().Equal(-1, double.NaN);
    }

    [Fact]
    public void Softplus_matches_reference_for_several_betas_and_reverts_to_identity_above_threshold()
    {
        ElementwiseAssert.MatchesReference(t => t.Softplus(), v => v > 20 ? v : SoftplusReference(v), Wide, rtol64: 1e-15, rtol32: 3e-7, atol: 1e-300);
        ElementwiseAssert.MatchesReference(t => t.Softplus(2.0, 10), v => 2 * v > 10 ? v : SoftplusReference(2 * v) / 2, Wide, rtol64: 1e-15, rtol32: 3e-7, atol: 1e-300);
        Tensor.FromArray([21.0, 20.0]).Softplus().ToDoubleArray().Should().Equal(21.0, 20.0 + Math.Exp(-20) - (Math.Exp(-40) / 2));
    }

    [Fact]
    public void Softplus_and_LogSigmoid_are_stable_at_extremes()
    {
        // softplus(-100) = log1p(e^-100) = e^-100 to double precision: relative accuracy is kept, not just "≈ 0".
        Tensor.FromArray([100.0, -100.0, 1000.0, -1000.0]).Softplus(threshold: double.PositiveInfinity).ToDoubleArray()
            .Should().Equal(100.0, Math.Exp(-100), 1000.0, 0);
        var f = Tensor.FromArray([100f, -100f]).Softplus().ToArray();
        f[0].Should().Be(100f);
        ((double)f[1]).Should().BeApproximately(Math.Exp(-100), 1.5e-45); // a float32 subnormal

        Tensor.FromArray([-100.0, 100.0, -1000.0, 1000.0, double.NegativeInfinity, double.NaN]).LogSigmoid().ToDoubleArray()
            .Should().Equal(-100.0, -Math.Exp(-100), -1000.0, 0, double.NegativeInfinity, double.NaN);
        Tensor.FromArray([-100f, -1000f]).LogSigmoid().ToArray().Should().Equal(-100f, -1000f);
        ElementwiseAssert.MatchesReference(t => t.LogSigmoid(), v => -SoftplusReference(-v), Wide, rtol64: 1e-15, rtol32: 3e-7, atol: 1e-300);
    }

    [Fact]
    public void Softplus_rejects_bad_parameters()
    {
        var x = Tensor.Zeros(2, 3);
        ((Action)(() => x.Softplus(beta: 0))).Should().Throw<ArgumentException>().WithMessage("*beta*[2, 3]*");
        ((Action)(() => x.Softplus(beta: double.NaN))).Should().Throw<ArgumentException>();
        ((Action)(() => x.Softplus(threshold: double.NaN))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Silu_matches_closed_form()
    {
        ElementwiseAssert.MatchesReference(t => t.Silu(), v => v * SpecialFunctions.Logistic(v), Wide, rtol64: 1e-15, rtol32: 3e-7, atol: 1e-300);
    }

    [Fact]
    public void Gradients_at_extremes_are_finite_and_exact()
    {
        var x = Tensor.FromArray([-1000.0, 1000.0, -100.0, 100.0]).SetRequiresGrad();
        (x.Sigmoid().Sum() + x.Softplus().Sum() + x.LogSigmoid().Sum() + x.Tanh().Sum()).Backward();
        // σ' + σ + σ(−x) + tanh' = [0 + 0 + 1 + 0, 0 + 1 + 0 + 0, ...]
        x.Grad!.ShouldBeClose([1, 1, 1, 1], 1e-15);
    }

    [Fact]
    public void First_order_gradients_match_finite_differences()
    {
        var g = new Generator(21);
        var any = TestUtil.RandnD(g, 3, 5) * 3.0;
        var kinked = ElementwiseAssert.AwayFrom(g, 0, 0.05, -3, 3, 3, 5);
        TestUtil.AssertGrad(x => x[0].Sigmoid(), any);
        TestUtil.AssertGrad(x => x[0].Tanh(), any);
        TestUtil.AssertGrad(x => x[0].Relu(), kinked);
        TestUtil.AssertGrad(x => x[0].LeakyRelu(), kinked);
        TestUtil.AssertGrad(x => x[0].LeakyRelu(0.3), kinked);
        TestUtil.AssertGrad(x => x[0].Elu(), kinked);
        TestUtil.AssertGrad(x => x[0].Elu(0.7), kinked);
        TestUtil.AssertGrad(x => x[0].Softplus(), any);
        TestUtil.AssertGrad(x => x[0].Softplus(2.0, 3.0), ElementwiseAssert.AwayFrom(g, 1.5, 0.05, -3, 3, 3, 5)); // both regions
        TestUtil.AssertGrad(x => x[0].LogSigmoid(), any);
        TestUtil.AssertGrad(x => x[0].Silu(), any);
    }

    [Fact]
    public void Second_order_gradients_match_finite_differences()
    {
        var g = new Generator(22);
        var any = TestUtil.RandnD(g, 2, 4) * 2.0;
        var kinked = ElementwiseAssert.AwayFrom(g, 0, 0.05, -3, 3, 2, 4);
        TestUtil.AssertGradGrad(x => x[0].Sigmoid(), any);
        TestUtil.AssertGradGrad(x => x[0].Tanh(), any);
        TestUtil.AssertGradGrad(x => x[0].Softplus(), any);
        TestUtil.AssertGradGrad(x => x[0].Softplus(2.0, 2.0), ElementwiseAssert.AwayFrom(g, 1.0, 0.05, -3, 3, 2, 4));
        TestUtil.AssertGradGrad(x => x[0].LogSigmoid(), any);
        TestUtil.AssertGradGrad(x => x[0].Elu(0.7), kinked);
        TestUtil.AssertGradGrad(x => x[0].Relu() * x[0], kinked);
        TestUtil.AssertGradGrad(x => x[0].LeakyRelu(0.2) * x[0], kinked);
        TestUtil.AssertGradGrad(x => x[0].Silu(), any);
    }

    public static TheoryData<string> Activations => new() { "Sigmoid", "Tanh", "Relu", "LeakyRelu", "Elu", "Softplus", "LogSigmoid", "Clamp" };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Fused_backward_kernels_agree_with_the_composed_createGraph_rules(string name)
    {
        Func<Tensor, Tensor> f = name switch
        {
            "Sigmoid" => t => t.Sigmoid(),
            "Tanh" => t => t.Tanh(),
            "Relu" => t => t.Relu(),
            "LeakyRelu" => t => t.LeakyRelu(0.1),
            "Elu" => t => t.Elu(0.5),
            "Softplus" => t => t.Softplus(1.5, 4),
            "LogSigmoid" => t => t.LogSigmoid(),
            _ => t => t.Clamp(-1, 2),
        };
        var g = new Generator(23);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            // 37 elements: vector body plus padded tail; include the special values.
            var values = Tensor.Normal(new Shape(37), 0, 4, g, DType.Float64).ToDoubleArray();
            values[3] = 0;
            values[5] = double.NaN;
            values[7] = double.PositiveInfinity;
            values[11] = double.NegativeInfinity;
            values[13] = 500;
            values[17] = -500;
            var x1 = Tensor.FromArray(values).To(dtype).SetRequiresGrad();
            var x2 = Tensor.FromArray(values).To(dtype).SetRequiresGrad();
            var upstream = Tensor.Normal(new Shape(37), 0, 1, g, DType.Float64).To(dtype);
            var fused = Autograd.Grad([f(x1)], [x1], [upstream], createGraph: false, allowUnused: false, retainGraph: null)[0]!;
            var composed = Autograd.Grad([f(x2)], [x2], [upstream], createGraph: true, allowUnused: false, retainGraph: null)[0]!;
            var a = fused.ToDoubleArray();
            var b = composed.ToDoubleArray();
            for (int i = 0; i < a.Length; i++)
            {
                double rtol = dtype == DType.Float32 ? 1e-6 : 1e-14;
                if (!ElementwiseAssert.IsClose(a[i], b[i], rtol, 1e-30))
                {
                    ElementwiseAssert.Close(a[i], b[i], rtol, 1e-30, $"{name} {dtype} element {i} (x = {values[i]})");
                }
            }
        }
    }
}
