using Vae.Core;
using Vae.Core.Kernels;

namespace Vae.Core.Tests;

/// <summary>
/// Strided transposed convolutions (the input gradient of the stride-2 encoder convolutions) computed as one gather
/// GEMM per stride phase (<see cref="PhaseTranspose"/>): values against the direct-loop reference and the col2im path,
/// float32 and float64, and finite-difference gradients of first and second order.
/// </summary>
public sealed class PhaseTransposeTests
{
    // cfg = N, C, H, W, O, kH, kW, strideH, strideW, padH, padW (of the forward convolution whose input gradient this is).
    [Theory]
    [InlineData(new[] { 3, 16, 14, 14, 32, 5, 5, 2, 2, 2, 2 })]   // the conv VAE's second encoder layer
    [InlineData(new[] { 1, 32, 7, 7, 32, 5, 5, 2, 2, 2, 2 })]     // third layer, batch 1, odd size
    [InlineData(new[] { 2, 4, 10, 11, 3, 2, 2, 3, 3, 0, 0 })]     // kernel < stride: phases without taps, rows no window reaches
    [InlineData(new[] { 2, 5, 9, 13, 6, 3, 4, 2, 3, 1, 2 })]      // different strides, paddings and kernel sizes per axis
    [InlineData(new[] { 2, 4, 7, 7, 3, 1, 1, 2, 2, 0, 0 })]       // 1×1 kernel
    [InlineData(new[] { 40, 8, 14, 15, 16, 5, 5, 2, 2, 2, 2 })]   // chunks in parallel
    public void Matches_reference_and_col2im(int[] cfg)
    {
        var gen = new Generator(71);
        var x = TestUtil.RandnD(gen, cfg[0], cfg[1], cfg[2], cfg[3]);
        var w = TestUtil.RandnD(gen, cfg[4], cfg[1], cfg[5], cfg[6]);
        var bx = TestUtil.RandnD(gen, cfg[1]);
        (int, int) s = (cfg[7], cfg[8]), p = (cfg[9], cfg[10]);
        var geo = ConvGeometry.ForConv2d(x, w, null, s, p, (1, 1), 1);
        PhaseTranspose.Supports(geo).Should().BeTrue();
        var gy = TestUtil.RandnD(gen, geo.OutputShape.ToArray());
        // Rows/columns at the end that no window reaches appear as output padding of the transposed convolution.
        (int, int) op = (cfg[2] - (((geo.OH - 1) * cfg[7]) - (2 * cfg[9]) + cfg[5]), cfg[3] - (((geo.OW - 1) * cfg[8]) - (2 * cfg[10]) + cfg[6]));
        var expected = ConvReference.ConvTranspose2d(gy, w, bx, s, p, op, (1, 1));
        var gathered = Tensor.ConvBackwardData(gy, w, bx, geo);
        gathered.ShouldMatch(expected, 1e-9);
        Tensor.ConvBackwardData(gy.Float(), w.Float(), bx.Float(), geo).Double().ShouldMatch(expected, 2e-3);
        Tensor.ConvBackwardData(gy, w, null, geo).ShouldMatch(ConvReference.ConvTranspose2d(gy, w, null, s, p, op, (1, 1)), 1e-9);
        Conv2dKernel.DisableGatherTranspose = true;
        try
        {
            Tensor.ConvBackwardData(gy, w, bx, geo).ShouldMatch(gathered, 1e-9);
        }
        finally
        {
            Conv2dKernel.DisableGatherTranspose = false;
        }
    }

    [Fact]
    public void ConvTranspose2d_with_output_padding_matches_reference()
    {
        var gen = new Generator(72);
        var z = TestUtil.RandnD(gen, 2, 6, 4, 5);
        var w = TestUtil.RandnD(gen, 6, 4, 3, 3);
        var b = TestUtil.RandnD(gen, 4);
        var y = z.ConvTranspose2d(w, b, stride: 2, padding: 1, outputPadding: 1);
        y.ShouldHaveShape(2, 4, 8, 10);
        y.ShouldMatch(ConvReference.ConvTranspose2d(z, w, b, (2, 2), (1, 1), (1, 1), (1, 1)), 1e-9);
        z.Float().ConvTranspose2d(w.Float(), b.Float(), stride: 2, padding: 1, outputPadding: 1).Double()
            .ShouldMatch(ConvReference.ConvTranspose2d(z, w, b, (2, 2), (1, 1), (1, 1), (1, 1)), 1e-4);
    }

    [Fact]
    public void Strided_convolution_gradients_pass_finite_difference_checks()
    {
        var gen = new Generator(73);
        var x = TestUtil.RandnD(gen, 2, 4, 7, 6);
        var w = TestUtil.RandnD(gen, 3, 4, 3, 3);
        var b = TestUtil.RandnD(gen, 3);
        PhaseTranspose.Supports(ConvGeometry.ForConv2d(x, w, b, (2, 2), (1, 1), (1, 1), 1)).Should().BeTrue();
        TestUtil.AssertGrad(t => t[0].Conv2d(t[1], t[2], stride: 2, padding: 1), x, w, b);
        TestUtil.AssertGradGrad(t => t[0].Conv2d(t[1], t[2], stride: 2, padding: 1), x, w, b);
        var z = TestUtil.RandnD(gen, 2, 3, 4, 3);
        var wt = TestUtil.RandnD(gen, 3, 4, 3, 3);
        TestUtil.AssertGrad(t => t[0].ConvTranspose2d(t[1], t[2], stride: 2, padding: 1), z, wt, TestUtil.RandnD(gen, 4));
        TestUtil.AssertGradGrad(t => t[0].ConvTranspose2d(t[1], null, stride: 2, padding: 1), z, wt);
    }
}
