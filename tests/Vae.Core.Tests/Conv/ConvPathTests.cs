using Vae.Core;
using Vae.Core.Kernels;

namespace Vae.Core.Tests;

/// <summary>
/// The convolution's lowering paths: the direct stride-1 kernel (few channels on one side), the phase-buffer im2col
/// for strides, padding and dilation, and batches large enough that chunks run in parallel. Values are compared with
/// the direct-loop reference (forward, transposed) and gradients with the im2col path or finite differences.
/// </summary>
public sealed class ConvPathTests
{
    // cfg = N, C, H, W, O, k, pad — stride 1, all taken by DirectConv (min(C, O) ≤ 2, rows ≥ half a vector).
    [Theory]
    [InlineData(new[] { 2, 16, 28, 28, 1, 5, 2 })]
    [InlineData(new[] { 1, 3, 17, 19, 1, 5, 2 })]
    [InlineData(new[] { 3, 1, 16, 21, 5, 3, 0 })]
    [InlineData(new[] { 2, 2, 13, 30, 2, 4, 3 })]
    [InlineData(new[] { 1, 4, 9, 33, 2, 1, 0 })]
    [InlineData(new[] { 2, 2, 12, 21, 1, 9, 4 })]   // more than 8 taps per kernel row; rows not a whole number of vectors
    public void Direct_path_matches_reference_and_im2col(int[] cfg)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var gen = new Generator(31);
            var x = TestUtil.RandnD(gen, cfg[0], cfg[1], cfg[2], cfg[3]);
            var w = TestUtil.RandnD(gen, cfg[4], cfg[1], cfg[5], cfg[5]);
            var b = TestUtil.RandnD(gen, cfg[4]);
            var geo = ConvGeometry.ForConv2d(x, w, b, (1, 1), (cfg[6], cfg[6]), (1, 1), 1);
            if (dtype == DType.Float32)
            {
                DirectConv.Supports<float>(geo).Should().BeTrue();
            }

            var gy = TestUtil.RandnD(gen, geo.OutputShape.ToArray());
            var bx = TestUtil.RandnD(gen, cfg[1]);
            double tol = dtype == DType.Float64 ? 1e-10 : 2e-4;
            var (y, dx, dw, xt) = Products(x.To(dtype), w.To(dtype), b.To(dtype), gy.To(dtype), bx.To(dtype), cfg[6], direct: true);
            var (y2, dx2, dw2, xt2) = Products(x.To(dtype), w.To(dtype), b.To(dtype), gy.To(dtype), bx.To(dtype), cfg[6], direct: false);
            y.Double().ShouldMatch(ConvReference.Conv2d(x, w, b, (1, 1), (cfg[6], cfg[6]), (1, 1)), tol * 10);
            xt.Double().ShouldMatch(ConvReference.ConvTranspose2d(gy, w, bx, (1, 1), (cfg[6], cfg[6]), (0, 0), (1, 1)), tol * 10);
            y.Double().ShouldMatch(y2.Double(), tol * 10);
            dx.Double().ShouldMatch(dx2.Double(), tol * 10);
            dw.Double().ShouldMatch(dw2.Double(), tol * 100);
            xt.Double().ShouldMatch(xt2.Double(), tol * 10);
        }
    }

    [Fact]
    public void Direct_path_gradients_pass_finite_difference_checks()
    {
        var gen = new Generator(32);
        var x = TestUtil.RandnD(gen, 2, 3, 9, 10);
        var w = TestUtil.RandnD(gen, 1, 3, 3, 3);
        var b = TestUtil.RandnD(gen, 1);
        DirectConv.Supports<double>(ConvGeometry.ForConv2d(x, w, b, (1, 1), (1, 1), (1, 1), 1)).Should().BeTrue();
        TestUtil.AssertGrad(t => t[0].Conv2d(t[1], t[2], padding: 1), x, w, b);
        TestUtil.AssertGradGrad(t => t[0].Conv2d(t[1], t[2], padding: 1), x, w, b);
        var z = TestUtil.RandnD(gen, 2, 1, 9, 10);
        TestUtil.AssertGrad(t => t[0].ConvTranspose2d(t[1], t[2], padding: 1), z, TestUtil.RandnD(gen, 1, 2, 3, 3), TestUtil.RandnD(gen, 2));
    }

    // cfg = N, C, H, W, O, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups — big enough to run chunks in parallel.
    [Theory]
    [InlineData(new[] { 20, 16, 14, 14, 32, 5, 5, 2, 2, 2, 2, 1, 1, 1 })]
    [InlineData(new[] { 17, 32, 7, 7, 32, 5, 5, 2, 2, 2, 2, 1, 1, 1 })]
    [InlineData(new[] { 19, 8, 13, 11, 12, 3, 4, 1, 2, 1, 2, 2, 1, 2 })]
    [InlineData(new[] { 1, 24, 33, 31, 16, 3, 3, 3, 2, 0, 1, 1, 2, 4 })]
    [InlineData(new[] { 20, 32, 4, 4, 32, 5, 5, 1, 1, 2, 2, 1, 1, 1 })]
    public void Large_batches_match_reference(int[] cfg)
    {
        var gen = new Generator(33);
        int groups = cfg[13];
        var x = TestUtil.RandnD(gen, cfg[0], cfg[1], cfg[2], cfg[3]);
        var w = TestUtil.RandnD(gen, cfg[4], cfg[1] / groups, cfg[5], cfg[6]);
        var b = TestUtil.RandnD(gen, cfg[4]);
        (int, int) s = (cfg[7], cfg[8]), p = (cfg[9], cfg[10]), d = (cfg[11], cfg[12]);
        var y = x.Float().Conv2d(w.Float(), b.Float(), s, p, d, groups);
        y.Double().ShouldMatch(ConvReference.Conv2d(x, w, b, s, p, d, groups), 2e-3);
        var y64 = x.Conv2d(w, b, s, p, d, groups);
        y64.ShouldMatch(ConvReference.Conv2d(x, w, b, s, p, d, groups), 1e-9);

        // Gradients: the weight gradient against chunk-by-chunk (one sample per chunk, serial), the input gradient against the transposed reference.
        var gy = TestUtil.RandnD(gen, y64.Shape.ToArray());
        var geo = ConvGeometry.ForConv2d(x, w, b, s, p, d, groups);
        var dw = Tensor.ConvBackwardWeight(x, gy, geo);
        var dx = Tensor.ConvBackwardData(gy, w, null, geo);
        Conv2dKernel.ChunkSizeOverride = 1;
        try
        {
            Tensor.ConvBackwardWeight(x, gy, geo).ShouldMatch(dw, 1e-9);
            Tensor.ConvBackwardData(gy, w, null, geo).ShouldMatch(dx, 1e-9);
        }
        finally
        {
            Conv2dKernel.ChunkSizeOverride = 0;
        }

        Tensor.ConvBackwardData(gy.Float(), w.Float(), null, geo).Double().ShouldMatch(dx, 2e-3);
        Tensor.ConvBackwardWeight(x.Float(), gy.Float(), geo).Double().ShouldMatch(dw, 2e-2);
    }

    // cfg = N, C, H, W, O, kH, kW, padH, padW, dilationH, dilationW — stride 1: the transposed convolution as a gather.
    [Theory]
    [InlineData(new[] { 20, 32, 4, 4, 32, 5, 5, 2, 2, 1, 1 })]
    [InlineData(new[] { 3, 5, 9, 7, 6, 3, 2, 1, 0, 2, 1 })]
    [InlineData(new[] { 1, 4, 6, 11, 3, 3, 3, 2, 1, 1, 1 })]
    [InlineData(new[] { 2, 3, 5, 5, 4, 1, 1, 0, 0, 1, 1 })]
    public void Stride1_transposed_convolution_as_gather_matches_col2im(int[] cfg)
    {
        var gen = new Generator(34);
        var x = TestUtil.RandnD(gen, cfg[0], cfg[1], cfg[2], cfg[3]);
        var w = TestUtil.RandnD(gen, cfg[4], cfg[1], cfg[5], cfg[6]);
        var bx = TestUtil.RandnD(gen, cfg[1]);
        var geo = ConvGeometry.ForConv2d(x, w, null, (1, 1), (cfg[7], cfg[8]), (cfg[9], cfg[10]), 1);
        Conv2dKernel.AsForward(geo).Should().NotBeNull();
        var gy = TestUtil.RandnD(gen, geo.OutputShape.ToArray());
        var gathered = Tensor.ConvBackwardData(gy, w, bx, geo);
        gathered.ShouldMatch(ConvReference.ConvTranspose2d(gy, w, bx, (1, 1), (cfg[7], cfg[8]), (0, 0), (cfg[9], cfg[10])), 1e-9);
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

    // cfg = N, C, H, W, O, kH, kW, padH, padW — stride 1 through im2col (≥ 3 channels on both sides): the padded-copy split.
    [Theory]
    [InlineData(new[] { 1, 3, 5, 9, 4, 3, 3, 0, 0 })]     // no padding: the zero store after a row lands in the next plane
    [InlineData(new[] { 2, 3, 7, 13, 3, 5, 3, 3, 1 })]    // different paddings per axis, odd width
    [InlineData(new[] { 3, 4, 6, 21, 5, 3, 5, 1, 4 })]    // widest padding the vector path takes for float32
    [InlineData(new[] { 2, 3, 4, 4, 3, 5, 5, 2, 2 })]
    public void Stride1_im2col_padding_matches_reference(int[] cfg)
    {
        var gen = new Generator(36);
        var x = TestUtil.RandnD(gen, cfg[0], cfg[1], cfg[2], cfg[3]);
        var w = TestUtil.RandnD(gen, cfg[4], cfg[1], cfg[5], cfg[6]);
        var b = TestUtil.RandnD(gen, cfg[4]);
        (int, int) p = (cfg[7], cfg[8]);
        var expected = ConvReference.Conv2d(x, w, b, (1, 1), p, (1, 1));
        x.Conv2d(w, b, (1, 1), p).ShouldMatch(expected, 1e-9);
        x.Float().Conv2d(w.Float(), b.Float(), (1, 1), p).Double().ShouldMatch(expected, 1e-3);
        TestUtil.AssertGrad(t => t[0].Conv2d(t[1], t[2], (1, 1), p), x, w, b);
    }

    // cfg = N, C, H, W, O, kH, kW, strideH, padH, padW — column stride 2: the float32 split de-interleaves with AVX-512.
    [Theory]
    [InlineData(new[] { 3, 3, 28, 28, 4, 5, 5, 2, 2, 2 })]   // the conv VAE's first layer geometry
    [InlineData(new[] { 1, 3, 9, 41, 3, 3, 4, 1, 3, 0 })]    // phase rows longer than one vector, no column padding, odd width
    [InlineData(new[] { 2, 4, 11, 7, 3, 5, 3, 3, 1, 1 })]    // row stride 3, narrow planes
    public void Column_stride2_split_matches_reference(int[] cfg)
    {
        var gen = new Generator(37);
        var x = TestUtil.RandnD(gen, cfg[0], cfg[1], cfg[2], cfg[3]);
        var w = TestUtil.RandnD(gen, cfg[4], cfg[1], cfg[5], cfg[6]);
        var b = TestUtil.RandnD(gen, cfg[4]);
        (int, int) st = (cfg[7], 2), p = (cfg[8], cfg[9]);
        var geo = ConvGeometry.ForConv2d(x, w, b, st, p, (1, 1), 1);
        var expected = ConvReference.Conv2d(x, w, b, st, p, (1, 1));
        x.Float().Conv2d(w.Float(), b.Float(), st, p).Double().ShouldMatch(expected, 1e-3);
        x.Conv2d(w, b, st, p).ShouldMatch(expected, 1e-9);
        var gy = TestUtil.RandnD(gen, geo.OutputShape.ToArray());
        Tensor.ConvBackwardWeight(x.Float(), gy.Float(), geo).Double().ShouldMatch(Tensor.ConvBackwardWeight(x, gy, geo), 1e-3);
    }

    [Fact]
    public void Direct_weight_gradient_with_infinite_or_nan_inputs_matches_im2col()
    {
        var gen = new Generator(35);
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var xd = TestUtil.RandnD(gen, 3, 3, 9, 10).ToDoubleArray();
            xd[0] = double.PositiveInfinity;                       // sample 0, channel 0, row 0, column 0
            xd[90 + (4 * 10) + 9] = double.NegativeInfinity;       // sample 0, channel 1, row 4, last column
            xd[(2 * 270) + (2 * 90) + 33] = double.NaN;            // sample 2, channel 2
            var x = Tensor.FromArray(xd, 3, 3, 9, 10).To(dtype);
            var w = TestUtil.RandnD(gen, 1, 3, 3, 3).To(dtype);
            var geo = ConvGeometry.ForConv2d(x, w, null, (1, 1), (1, 1), (1, 1), 1);
            (dtype == DType.Float32 ? DirectConv.Supports<float>(geo) : DirectConv.Supports<double>(geo)).Should().BeTrue();
            var gy = TestUtil.RandnD(gen, geo.OutputShape.ToArray()).To(dtype);
            var direct = Tensor.ConvBackwardWeight(x, gy, geo).ToDoubleArray();
            Conv2dKernel.DisableDirect = true;
            double[] lowered;
            try
            {
                lowered = Tensor.ConvBackwardWeight(x, gy, geo).ToDoubleArray();
            }
            finally
            {
                Conv2dKernel.DisableDirect = false;
            }

            // Without the NaN sample some taps stay finite and others are ±Inf: the pattern must be the same as im2col's.
            lowered.Should().Contain(double.NaN);
            for (int i = 0; i < lowered.Length; i++)
            {
                if (double.IsFinite(lowered[i]))
                {
                    direct[i].Should().BeApproximately(lowered[i], dtype == DType.Float64 ? 1e-9 : 1e-3, $"tap {i}");
                }
                else
                {
                    direct[i].Should().Be(lowered[i], $"tap {i}");
                }
            }

            var x2 = Tensor.FromArray(xd[..540], 2, 3, 9, 10).To(dtype);
            var geo2 = geo with { N = 2 };
            var gy2 = gy.Narrow(0, 0, 2);
            var d2 = Tensor.ConvBackwardWeight(x2, gy2, geo2).ToDoubleArray();
            d2.Should().Contain(double.PositiveInfinity).And.Contain(double.NegativeInfinity).And.NotContain(double.NaN);
            Conv2dKernel.DisableDirect = true;
            try
            {
                Tensor.ConvBackwardWeight(x2, gy2, geo2).ToDoubleArray().Select(double.IsInfinity).Should().Equal(d2.Select(double.IsInfinity));
            }
            finally
            {
                Conv2dKernel.DisableDirect = false;
            }
        }
    }

    private static (Tensor Y, Tensor Dx, Tensor Dw, Tensor Xt) Products(Tensor x, Tensor w, Tensor b, Tensor gy, Tensor bx, int pad, bool direct)
    {
        Conv2dKernel.DisableDirect = !direct;
        try
        {
            var geo = ConvGeometry.ForConv2d(x, w, b, (1, 1), (pad, pad), (1, 1), 1);
            return (Tensor.ConvForward(x, w, b, geo), Tensor.ConvBackwardData(gy, w, null, geo), Tensor.ConvBackwardWeight(x, gy, geo),
                Tensor.ConvBackwardData(gy, w, bx, geo));
        }
        finally
        {
            Conv2dKernel.DisableDirect = false;
        }
    }
}
