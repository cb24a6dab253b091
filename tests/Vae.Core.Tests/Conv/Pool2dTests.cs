using Vae.Core;

namespace Vae.Core.Tests;

public sealed class Pool2dTests
{
    // cfg = N, C, H, W, kernelH, kernelW, strideH, strideW, padH, padW
    [Theory]
    [InlineData(new[] { 1, 1, 4, 4, 2, 2, 2, 2, 0, 0 })]
    [InlineData(new[] { 2, 3, 5, 5, 3, 3, 2, 2, 1, 1 })]
    [InlineData(new[] { 1, 2, 7, 6, 3, 2, 2, 3, 1, 0 })]
    [InlineData(new[] { 2, 1, 5, 8, 2, 4, 1, 2, 0, 2 })]
    public void Max_and_average_match_direct_loop_reference(int[] cfg)
    {
        var gen = new Generator(41);
        var x = TestUtil.RandnD(gen, cfg[0], cfg[1], cfg[2], cfg[3]);
        (int, int) k = (cfg[4], cfg[5]), s = (cfg[6], cfg[7]), p = (cfg[8], cfg[9]);
        x.MaxPool2d(k, s, p).ShouldMatch(ConvReference.Pool2d(x, max: true, k, s, p));
        x.AvgPool2d(k, s, p).ShouldMatch(ConvReference.Pool2d(x, max: false, k, s, p));
        x.Float().AvgPool2d(k, s, p).ShouldMatch(ConvReference.Pool2d(x, max: false, k, s, p), 1e-5);
    }

    [Fact]
    public void Match_values_computed_with_pytorch()
    {
        // torch 1.13 in float64, x[i] = sin(0.37 i + 0.1) of shape [1, 1, 5, 5]: F.max_pool2d(x, 3, 2, 1),
        // F.avg_pool2d(x, 3, 2, 1), and the gradient of sum(F.max_pool2d(x, 3, 2, 1) * v) with v[i] = 0.5 cos(0.23 i).
        var x = Conv2dTests.Seq([1, 1, 5, 5], i => Math.Sin((0.37 * i) + 0.1));
        x.MaxPool2d(3, 2, 1).ShouldBeClose(
            [0.9289597150, 0.9356160016, 0.9999576465, 0.9289597150, 0.7322314440, 0.7491743483, 0.9998717087, 0.9998717087, 0.7491743483], 1e-9);
        x.AvgPool2d(3, 2, 1).ShouldBeClose(
            [0.2459900957, 0.3759197872, 0.1925166764, -0.0732241976, -0.1407395319, -0.0909470962, 0.1206665126, 0.3288073538, 0.2628840645], 1e-9);
        var xl = x.Detach().SetRequiresGrad();
        (xl.MaxPool2d(3, 2, 1) * Conv2dTests.Seq([1, 1, 3, 3], i => 0.5 * Math.Cos(0.23 * i))).Sum().Backward();
        xl.Grad!.ShouldBeClose(
        [
            0, 0, 0, 0.4868331975, 0.4480262488, 0.8856230075, 0.3029100783, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0712617826,
            0, 0.0752235998, 0, 0, 0,
        ], 1e-9);
    }

    [Fact]
    public void MaxPool_propagates_NaN()
    {
        var x = Tensor.FromArray([1f, float.NaN, 3f, 2f, 5f, 6f, 7f, 8f], 1, 1, 2, 4);
        x.MaxPool2d(2).ToArray().Should().Equal([float.NaN, 8f]);
    }

    [Fact]
    public void MaxPool_gradients_pass_first_and_second_order_checks()
    {
        // Distinct random values keep every argmax well away from ties at the finite-difference step.
        var gen = new Generator(42);
        var x = TestUtil.RandnD(gen, 2, 2, 5, 4);
        TestUtil.AssertGrad(t => t[0].MaxPool2d((3, 2), (2, 1), (1, 0)), x);
        TestUtil.AssertGradGrad(t => t[0].MaxPool2d(2, 1) * t[0].MaxPool2d(2, 1), x);
    }

    [Fact]
    public void AvgPool_gradients_pass_first_and_second_order_checks()
    {
        var gen = new Generator(43);
        var x = TestUtil.RandnD(gen, 2, 2, 5, 4);
        TestUtil.AssertGrad(t => t[0].AvgPool2d((3, 2), (2, 1), (1, 1)), x);
        TestUtil.AssertGrad(t => t[0].AvgPool2d((2, 3)), x); // non-overlapping tiles; the last row and column are uncovered
        TestUtil.AssertGradGrad(t => { var y = t[0].AvgPool2d(3, 2, 1); return y * y; }, x);
    }

    [Fact]
    public void UpsampleNearest_repeats_each_value()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 1, 2, 1, 3);
        x.UpsampleNearest2d(2, 1).ShouldBeClose([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
        var y = Tensor.FromArray([1.0, 2, 3, 4], 1, 1, 2, 2).UpsampleNearest2d(2);
        y.ShouldHaveShape(1, 1, 4, 4);
        y.ShouldBeClose([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    }

    [Fact]
    public void UpsampleNearest_gradient_is_the_block_sum()
    {
        var x = Tensor.Zeros(new Shape(1, 1, 2, 2), DType.Float64).SetRequiresGrad();
        var g = Tensor.Arange(16, DType.Float64).Reshape(1, 1, 4, 4);
        x.UpsampleNearest2d(2).Backward(g);
        x.Grad!.ShouldBeClose([0 + 1 + 4 + 5, 2 + 3 + 6 + 7, 8 + 9 + 12 + 13, 10 + 11 + 14 + 15]);
    }

    [Fact]
    public void UpsampleNearest_gradients_pass_first_and_second_order_checks()
    {
        var gen = new Generator(44);
        var x = TestUtil.RandnD(gen, 2, 2, 2, 3);
        TestUtil.AssertGrad(t => t[0].UpsampleNearest2d(2, 3), x);
        TestUtil.AssertGradGrad(t => { var y = t[0].UpsampleNearest2d(2); return y * y; }, x);
    }

    [Fact]
    public void Invalid_arguments_throw_naming_the_shapes()
    {
        var x = Tensor.Zeros(1, 1, 2, 2);
        FluentActions.Invoking(() => x.MaxPool2d(3)).Should().Throw<ArgumentException>()
            .WithMessage("MaxPool2d: input [1, 1, 2, 2] with padding 0 is smaller than the kernel 3×3.");
        FluentActions.Invoking(() => x.AvgPool2d(2, padding: 2)).Should().Throw<ArgumentException>()
            .WithMessage("AvgPool2d:*padding 2*half the kernel*[1, 1, 2, 2]*");
        FluentActions.Invoking(() => x.MaxPool2d(2, stride: 0)).Should().Throw<ArgumentException>()
            .WithMessage("*stride 0*");
        FluentActions.Invoking(() => Tensor.Zeros(2, 2).AvgPool2d(2)).Should().Throw<ArgumentException>()
            .WithMessage("*[N, C, H, W], got [2, 2]*");
        FluentActions.Invoking(() => x.UpsampleNearest2d(0)).Should().Throw<ArgumentException>()
            .WithMessage("UpsampleNearest2d: scale factors (0, 0)*[1, 1, 2, 2]*");
        FluentActions.Invoking(() => Tensor.Zeros(1, 2, 2).UpsampleNearest2d(2)).Should().Throw<ArgumentException>()
            .WithMessage("*[N, C, H, W], got [1, 2, 2]*");
    }
}
