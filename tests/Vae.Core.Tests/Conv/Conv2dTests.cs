using Vae.Core;
using Vae.Core.Kernels;

namespace Vae.Core.Tests;

public sealed class Conv2dTests
{
    // cfg = N, C, H, W, O, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups
    [Theory]
    [InlineData(new[] { 1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1 }, false)]
    [InlineData(new[] { 2, 3, 7, 6, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1 }, true)]
    [InlineData(new[] { 3, 2, 9, 8, 3, 3, 2, 1, 1, 2, 1, 2, 2, 1 }, true)]
    [InlineData(new[] { 2, 2, 6, 9, 2, 2, 4, 2, 3, 0, 2, 1, 1, 1 }, false)]
    [InlineData(new[] { 2, 4, 6, 5, 6, 3, 3, 1, 2, 1, 1, 1, 1, 2 }, true)]
    [InlineData(new[] { 1, 3, 4, 4, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1 }, true)]
    [InlineData(new[] { 4, 1, 28, 28, 5, 4, 4, 2, 2, 1, 1, 1, 1, 1 }, true)]
    [InlineData(new[] { 2, 2, 3, 4, 2, 3, 3, 1, 1, 2, 2, 2, 1, 1 }, false)]
    public void Matches_direct_loop_reference(int[] cfg, bool bias)
    {
        var gen = new Generator(11);
        int groups = cfg[13];
        var x = TestUtil.RandnD(gen, cfg[0], cfg[1], cfg[2], cfg[3]);
        var w = TestUtil.RandnD(gen, cfg[4], cfg[1] / groups, cfg[5], cfg[6]);
        var b = bias ? TestUtil.RandnD(gen, cfg[4]) : null;
        (int, int) s = (cfg[7], cfg[8]), p = (cfg[9], cfg[10]), d = (cfg[11], cfg[12]);
        var y = x.Conv2d(w, b, s, p, d, groups);
        y.ShouldMatch(ConvReference.Conv2d(x, w, b, s, p, d, groups));
    }

    [Fact]
    public void Float32_matches_float64()
    {
        var gen = new Generator(3);
        var x = TestUtil.RandnD(gen, 3, 2, 8, 7);
        var w = TestUtil.RandnD(gen, 4, 2, 3, 3);
        var b = TestUtil.RandnD(gen, 4);
        var y32 = x.Float().Conv2d(w.Float(), b.Float(), stride: 2, padding: 1);
        y32.DType.Should().Be(DType.Float32);
        y32.ShouldMatch(x.Conv2d(w, b, stride: 2, padding: 1), 1e-4);
    }

    [Fact]
    public void Matches_values_computed_with_pytorch()
    {
        // torch 1.13: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2) in float64 with
        // x[i] = sin(0.37 i + 0.1) of shape [1, 4, 4, 5], w[i] = 0.5 cos(0.23 i) of shape [4, 2, 3, 2], b[i] = 0.1 i − 0.2.
        var x = Seq([1, 4, 4, 5], i => Math.Sin((0.37 * i) + 0.1));
        var w = Seq([4, 2, 3, 2], i => 0.5 * Math.Cos(0.23 * i));
        var b = Seq([4], i => (0.1 * i) - 0.2);
        var y = x.Conv2d(w, b, (2, 1), (1, 0), (1, 2), groups: 2);
        y.ShouldHaveShape(1, 4, 2, 3);
        y.ShouldBeClose(
        [
            0.3837028246, 0.7440005798, 0.9765322850, -0.5847069174, -1.0398532541, -1.3813293928, -1.2142100349, -1.4128271093,
            -1.4337591933, 0.6830652447, 1.0173432085, 1.2003940107, -0.6762430152, -1.1205713707, -1.4132356481, 0.1396447097,
            0.5810808574, 0.9438704371, 1.2668813460, 1.6113794587, 1.7513194520, -0.5215139825, -0.8548492429, -1.0589501378,
        ], 1e-9);
    }

    [Fact]
    public void Chunked_batches_give_the_same_values_and_gradients()
    {
        var gen = new Generator(5);
        var x = TestUtil.RandnD(gen, 5, 2, 6, 5);
        var w = TestUtil.RandnD(gen, 3, 2, 3, 2);
        var gy = TestUtil.RandnD(gen, 5, 3, 3, 6);
        (Tensor Y, Tensor Dx, Tensor Dw) Run()
        {
            var xl = x.Detach().SetRequiresGrad();
            var wl = w.Detach().SetRequiresGrad();
            var y = xl.Conv2d(wl, null, (2, 1), (1, 1));
            var grads = Autograd.Grad([y], [xl, wl], [gy]);
            return (y.Detach(), grads[0]!, grads[1]!);
        }

        var whole = Run();
        Conv2dKernel.ChunkSizeOverride = 2; // chunks of 2, 2 and 1 samples
        try
        {
            var chunked = Run();
            chunked.Y.ShouldMatch(whole.Y);
            chunked.Dx.ShouldMatch(whole.Dx);
            chunked.Dw.ShouldMatch(whole.Dw);
        }
        finally
        {
            Conv2dKernel.ChunkSizeOverride = 0;
        }
    }

    [Fact]
    public void Gradients_pass_finite_difference_check()
    {
        var gen = new Generator(21);
        var x = TestUtil.RandnD(gen, 2, 2, 5, 4);
        var w = TestUtil.RandnD(gen, 3, 2, 3, 2);
        var b = TestUtil.RandnD(gen, 3);
        TestUtil.AssertGrad(t => t[0].Conv2d(t[1], t[2], stride: 2, padding: 1), x, w, b);
        TestUtil.AssertGrad(t => t[0].Conv2d(t[1], null, (1, 2), (1, 0), (2, 1)), x, w);
    }

    [Fact]
    public void Grouped_gradients_pass_finite_difference_check()
    {
        var gen = new Generator(22);
        var x = TestUtil.RandnD(gen, 2, 4, 4, 4);
        var w = TestUtil.RandnD(gen, 2, 2, 2, 2);
        var b = TestUtil.RandnD(gen, 2);
        TestUtil.AssertGrad(t => t[0].Conv2d(t[1], t[2], padding: 1, groups: 2), x, w, b);
    }

    [Fact]
    public void Second_order_gradients_pass_finite_difference_check()
    {
        var gen = new Generator(23);
        var x = TestUtil.RandnD(gen, 2, 2, 5, 4);
        var w = TestUtil.RandnD(gen, 2, 2, 3, 2);
        var b = TestUtil.RandnD(gen, 2);

        // Squaring makes the Hessian involve every adjoint: ConvTranspose2d, Conv2dWeightGrad and their own gradients.
        Tensor F(Tensor[] t)
        {
            var y = t[0].Conv2d(t[1], t[2], stride: 2, padding: 1);
            return y * y;
        }

        TestUtil.AssertGradGrad(F, x, w, b);
        TestUtil.AssertGradGrad(
            t => t[0].Conv2d(t[1], null, (1, 1), (0, 1), (2, 1), groups: 2) * t[0].Sum(),
            TestUtil.RandnD(gen, 1, 2, 5, 3),
            TestUtil.RandnD(gen, 2, 1, 2, 2));
    }

    [Fact]
    public void Weight_gradient_op_is_itself_differentiable()
    {
        // Conv2dWeightGrad(x, g) is bilinear; check its own gradients directly.
        var gen = new Generator(24);
        var x = TestUtil.RandnD(gen, 2, 2, 5, 5);
        var g = TestUtil.RandnD(gen, 2, 3, 3, 3);
        var geo = ConvGeometry.ForConv2d(x, TestUtil.RandnD(gen, 3, 2, 2, 2), null, (2, 2), (1, 1), (1, 1), 1);
        TestUtil.AssertGrad(t => Tensor.ConvBackwardWeight(t[0], t[1], geo), x, g);
    }

    [Fact]
    public void Bias_gradient_is_gradient_summed_over_batch_and_space()
    {
        var gen = new Generator(25);
        var x = TestUtil.RandnD(gen, 3, 2, 4, 4);
        var w = TestUtil.RandnD(gen, 2, 2, 3, 3).SetRequiresGrad();
        var b = Tensor.Zeros(new Shape(2), DType.Float64).SetRequiresGrad();
        var gy = TestUtil.RandnD(gen, 3, 2, 2, 2);
        x.Conv2d(w, b).Backward(gy);
        b.Grad!.ShouldBeClose(gy.Sum([0, 2, 3]).ToDoubleArray(), 1e-12);
    }

    [Fact]
    public void Empty_batch_gives_empty_output()
    {
        var x = Tensor.Zeros(new Shape(0, 2, 5, 5), DType.Float64);
        var w = Tensor.Ones(new Shape(3, 2, 3, 3), DType.Float64);
        x.Conv2d(w, stride: 2).ShouldHaveShape(0, 3, 2, 2);
    }

    [Fact]
    public void Invalid_arguments_throw_naming_the_shapes()
    {
        var x = Tensor.Zeros(1, 1, 2, 2);
        var w3 = Tensor.Zeros(1, 1, 3, 3);
        FluentActions.Invoking(() => x.Conv2d(w3)).Should().Throw<ArgumentException>()
            .WithMessage("Conv2d: input [1, 1, 2, 2] with padding 0 is smaller than the dilated kernel 3×3*");
        FluentActions.Invoking(() => x.Conv2d(Tensor.Zeros(1, 1, 2, 2), dilation: 2)).Should().Throw<ArgumentException>()
            .WithMessage("*dilated kernel 3×3*");
        FluentActions.Invoking(() => Tensor.Zeros(1, 2, 4).Conv2d(w3)).Should().Throw<ArgumentException>()
            .WithMessage("*input must be [N, C, H, W], got [1, 2, 4]*");
        FluentActions.Invoking(() => Tensor.Zeros(1, 2, 4, 4).Conv2d(w3)).Should().Throw<ArgumentException>()
            .WithMessage("*input [1, 2, 4, 4] has 2 channels but weight [1, 1, 3, 3]*");
        FluentActions.Invoking(() => Tensor.Zeros(1, 1, 4, 4).Conv2d(w3, stride: 0)).Should().Throw<ArgumentException>()
            .WithMessage("*stride 0*positive*");
        FluentActions.Invoking(() => Tensor.Zeros(1, 1, 4, 4).Conv2d(w3, padding: -1)).Should().Throw<ArgumentException>()
            .WithMessage("*padding -1*");
        FluentActions.Invoking(() => Tensor.Zeros(1, 1, 4, 4).Conv2d(w3, Tensor.Zeros(2))).Should().Throw<ArgumentException>()
            .WithMessage("*bias [2]*weight [1, 1, 3, 3]*");
        FluentActions.Invoking(() => Tensor.Zeros(1, 1, 4, 4).Conv2d(Tensor.Zeros(1, 1, 3))).Should().Throw<ArgumentException>()
            .WithMessage("*weight must be 4-D*[1, 1, 3]*");
        FluentActions.Invoking(() => Tensor.Zeros(1, 4, 4, 4).Conv2d(Tensor.Zeros(3, 2, 3, 3), groups: 2)).Should().Throw<ArgumentException>()
            .WithMessage("*not divisible by 2*");
        FluentActions.Invoking(() => Tensor.Zeros(1, 1, 4, 4).Double().Conv2d(w3)).Should().Throw<ArgumentException>()
            .WithMessage("*dtypes differ*");
    }

    internal static Tensor Seq(int[] shape, Func<int, double> f)
    {
        var n = new Shape(shape).Numel;
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = f(i);
        }

        return Tensor.FromArray(v, shape);
    }
}
