using Vae.Core;

namespace Vae.Core.Tests;

public sealed class ConvTranspose2dTests
{
    // cfg = N, C, H, W, O, kH, kW, strideH, strideW, padH, padW, outputPaddingH, outputPaddingW, dilationH, dilationW, groups
    [Theory]
    [InlineData(new[] { 1, 1, 3, 3, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1 }, false)]
    [InlineData(new[] { 2, 3, 4, 5, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1 }, true)]
    [InlineData(new[] { 2, 2, 5, 4, 3, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1 }, true)]
    [InlineData(new[] { 1, 2, 3, 4, 2, 3, 2, 1, 2, 2, 0, 0, 1, 2, 1, 1 }, false)]
    [InlineData(new[] { 2, 4, 3, 3, 6, 2, 3, 3, 1, 0, 1, 2, 0, 1, 1, 2 }, true)]
    [InlineData(new[] { 1, 2, 2, 3, 2, 3, 3, 1, 1, 0, 0, 1, 0, 2, 1, 1 }, true)]
    public void Matches_direct_loop_reference(int[] cfg, bool bias)
    {
        var gen = new Generator(31);
        int groups = cfg[15];
        var x = TestUtil.RandnD(gen, cfg[0], cfg[1], cfg[2], cfg[3]);
        var w = TestUtil.RandnD(gen, cfg[1], cfg[4] / groups, cfg[5], cfg[6]);
        var b = bias ? TestUtil.RandnD(gen, cfg[4]) : null;
        (int, int) s = (cfg[7], cfg[8]), p = (cfg[9], cfg[10]), op = (cfg[11], cfg[12]), d = (cfg[13], cfg[14]);
        var y = x.ConvTranspose2d(w, b, s, p, op, d, groups);
        y.ShouldMatch(ConvReference.ConvTranspose2d(x, w, b, s, p, op, d, groups));
    }

    [Theory]
    [InlineData(2, 7, 1, 1)]
    [InlineData(2, 8, 1, 1)]
    [InlineData(3, 8, 0, 2)]
    [InlineData(1, 6, 2, 1)]
    public void Is_the_adjoint_of_Conv2d(int stride, int size, int padding, int dilation)
    {
        // <conv(x), y> = <x, convT(y)> with the same weight; outputPadding makes convT(y) the shape of x.
        var gen = new Generator(32);
        var x = TestUtil.RandnD(gen, 2, 3, size, size - 1);
        var w = TestUtil.RandnD(gen, 4, 3, 3, 2);
        var cx = x.Conv2d(w, null, stride, padding, dilation);
        var y = TestUtil.RandnD(gen, cx.Shape.ToArray());
        int opH = (size + (2 * padding) - (dilation * 2) - 1) % stride, opW = (size - 1 + (2 * padding) - dilation - 1) % stride;
        var ty = y.ConvTranspose2d(w, null, (stride, stride), (padding, padding), (opH, opW), (dilation, dilation));
        ty.ShouldHaveShape(x.Shape.ToArray());
        ConvReference.Dot(ty, x).Should().BeApproximately(ConvReference.Dot(cx, y), 1e-9);
    }

    [Fact]
    public void Matches_values_computed_with_pytorch()
    {
        // torch 1.13: F.conv_transpose2d(x, w, b, stride=(2, 1), padding=(0, 1), output_padding=(1, 0)) in float64 with
        // x[i] = sin(0.37 i + 0.1) of shape [1, 2, 3, 3], w[i] = 0.5 cos(0.23 i) of shape [2, 1, 2, 3], b = [−0.2].
        var x = Conv2dTests.Seq([1, 2, 3, 3], i => Math.Sin((0.37 * i) + 0.1));
        var w = Conv2dTests.Seq([2, 1, 2, 3], i => 0.5 * Math.Cos(0.23 * i));
        var b = Tensor.FromArray([-0.2], 1);
        var y = x.ConvTranspose2d(w, b, (2, 1), (0, 1), (1, 0));
        y.ShouldHaveShape(1, 1, 7, 3);
        y.ShouldBeClose(
        [
            0.0226025829, 0.4061319809, 0.4635722238, 0.2460932424, 0.7700027649, 0.6538590667, 0.6817990421,
            1.2407478321, 0.8471733929, 1.0319192369, 1.5840015374, 0.9679245730, 0.3616016161, 0.4751582517,
            0.0677031945, 0.4494809104, 0.4165508941, -0.0151968425, -0.2000000000, -0.2000000000, -0.2000000000,
        ], 1e-9);
    }

    [Fact]
    public void Gradients_pass_finite_difference_check()
    {
        var gen = new Generator(33);
        var x = TestUtil.RandnD(gen, 2, 2, 3, 2);
        var w = TestUtil.RandnD(gen, 2, 3, 3, 2);
        var b = TestUtil.RandnD(gen, 3);
        TestUtil.AssertGrad(t => t[0].ConvTranspose2d(t[1], t[2], stride: 2, padding: 1, outputPadding: 1), x, w, b);
        TestUtil.AssertGrad(t => t[0].ConvTranspose2d(t[1], null, (1, 2), (0, 1), (0, 1), (2, 1)), x, w);
    }

    [Fact]
    public void Output_padding_below_dilation_passes_finite_difference_check()
    {
        // outputPadding ≥ stride (allowed because it is below the dilation): the extra row gets only the bias.
        var gen = new Generator(34);
        var x = TestUtil.RandnD(gen, 1, 2, 3, 3);
        var w = TestUtil.RandnD(gen, 2, 1, 2, 2);
        var b = TestUtil.RandnD(gen, 1);
        Tensor F(Tensor[] t) => t[0].ConvTranspose2d(t[1], t[2], outputPadding: 1, dilation: 2);
        F([x, w, b]).ShouldMatch(ConvReference.ConvTranspose2d(x, w, b, (1, 1), (0, 0), (1, 1), (2, 2)));
        TestUtil.AssertGrad(F, x, w, b);
    }

    [Fact]
    public void Second_order_gradients_pass_finite_difference_check()
    {
        var gen = new Generator(35);
        var x = TestUtil.RandnD(gen, 1, 2, 3, 2);
        var w = TestUtil.RandnD(gen, 2, 2, 2, 3);
        var b = TestUtil.RandnD(gen, 2);
        Tensor F(Tensor[] t)
        {
            var y = t[0].ConvTranspose2d(t[1], t[2], stride: 2, padding: 1, outputPadding: 1);
            return y * y;
        }

        TestUtil.AssertGradGrad(F, x, w, b);
    }

    [Fact]
    public void Invalid_arguments_throw_naming_the_shapes()
    {
        var x = Tensor.Zeros(1, 2, 3, 3);
        FluentActions.Invoking(() => x.ConvTranspose2d(Tensor.Zeros(3, 1, 3, 3))).Should().Throw<ArgumentException>()
            .WithMessage("ConvTranspose2d: input [1, 2, 3, 3] has 2 channels but weight [3, 1, 3, 3] expects 3*");
        FluentActions.Invoking(() => x.ConvTranspose2d(Tensor.Zeros(2, 1, 3, 3), stride: 2, outputPadding: 2)).Should().Throw<ArgumentException>()
            .WithMessage("*outputPadding 2*stride 2*[1, 2, 3, 3]*");
        FluentActions.Invoking(() => x.ConvTranspose2d(Tensor.Zeros(2, 1, 3, 3), Tensor.Zeros(2))).Should().Throw<ArgumentException>()
            .WithMessage("*bias [2]*need [1]*");
        FluentActions.Invoking(() => x.ConvTranspose2d(Tensor.Zeros(2, 1, 2, 2), padding: 2)).Should().Throw<ArgumentException>()
            .WithMessage("*empty output*");
        FluentActions.Invoking(() => x.ConvTranspose2d(Tensor.Zeros(2, 1, 2, 2), stride: -1)).Should().Throw<ArgumentException>()
            .WithMessage("*stride -1*");
    }
}
