using Vae.Core;
using Vae.Core.NN;

namespace Vae.Core.Tests;

/// <summary>Nearest-neighbour resizing to a target size (<see cref="Tensor.InterpolateNearest2d(int, int)"/>).</summary>
public sealed class UpsampleSizeTests
{
    [Fact]
    public void Resize_reads_the_source_pixel_floor_of_dst_times_in_over_out()
    {
        // Reference: torch.nn.functional.interpolate(arange(12.).reshape(1, 1, 3, 4), size=(5, 7), mode="nearest")
        // (PyTorch 1.13.1, computed once and pasted here).
        var x = Tensor.Arange(12, DType.Float64).Reshape(1, 1, 3, 4);
        var y = x.InterpolateNearest2d(5, 7);
        y.Shape.ToArray().Should().Equal(1, 1, 5, 7);
        y.ShouldBeClose(
        [
            0, 0, 1, 1, 2, 2, 3, 0, 0, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 6, 7, 4, 4, 5, 5, 6, 6, 7, 8, 8, 9, 9, 10, 10, 11,
        ], 0);

        // Downsampling (PyTorch: size=(2, 3)) skips rows and columns.
        x.InterpolateNearest2d(2, 3).ShouldBeClose([0, 1, 2, 4, 5, 6], 0);
    }

    [Fact]
    public void Four_to_seven_reads_rows_0_0_1_1_2_2_3_as_in_the_hvae_decoder()
    {
        var x = Tensor.Arange(16).Reshape(1, 1, 4, 4);
        var y = x.InterpolateNearest2d(7);
        y.Shape.ToArray().Should().Equal(1, 1, 7, 7);
        var column0 = Enumerable.Range(0, 7).Select(i => y.ToArray()[i * 7]).ToArray();
        column0.Should().Equal(0f, 0f, 4f, 4f, 8f, 8f, 12f);
    }

    [Fact]
    public void Integer_factors_equal_UpsampleNearest2d_in_float32_also_when_split_over_threads()
    {
        // [16, 16, 14, 14] → [16, 16, 28, 28] is above the parallel threshold on a multi-core machine.
        var x = Tensor.Randn(new Shape(16, 16, 14, 14), new Generator(5));
        x.InterpolateNearest2d(28, 28).ToArray().Should().Equal(x.UpsampleNearest2d(2).ToArray());
        x.InterpolateNearest2d(14, 42).ToArray().Should().Equal(x.UpsampleNearest2d(1, 3).ToArray());
        x.InterpolateNearest2d(14, 14).ToArray().Should().Equal(x.ToArray());
    }

    [Fact]
    public void Gradient_scatter_adds_onto_the_source_pixels()
    {
        // Reference: x.grad of (interpolate(x, size) * arange(numel).reshape(out)).sum(), PyTorch 1.13.1.
        var x = Tensor.Zeros(new Shape(1, 1, 3, 4), DType.Float64).SetRequiresGrad();
        x.InterpolateNearest2d(5, 7).Backward(Tensor.Arange(35, DType.Float64).Reshape(1, 1, 5, 7));
        x.Grad!.ShouldBeClose([16, 24, 32, 19, 72, 80, 88, 47, 57, 61, 65, 34], 0);

        x.Grad = null;
        x.InterpolateNearest2d(2, 3).Backward(Tensor.Arange(6, DType.Float64).Reshape(1, 1, 2, 3));
        x.Grad!.ShouldBeClose([0, 1, 2, 0, 3, 4, 5, 0, 0, 0, 0, 0], 0);
    }

    [Fact]
    public void Gradient_of_large_float32_input_equals_the_block_sum_of_UpsampleNearest2d()
    {
        var gen = new Generator(6);
        var x = Tensor.Randn(new Shape(16, 16, 14, 14), gen).SetRequiresGrad();
        var w = Tensor.Randn(new Shape(16, 16, 28, 28), gen);
        (x.InterpolateNearest2d(28) * w).Sum().Backward();
        var resized = x.Grad!.ToArray();
        x.Grad = null;
        (x.UpsampleNearest2d(2) * w).Sum().Backward();
        var blocks = x.Grad!.ToArray();
        for (int i = 0; i < resized.Length; i++)
        {
            resized[i].Should().BeApproximately(blocks[i], 1e-5f, $"element {i}");
        }
    }

    [Fact]
    public void Gradients_pass_first_and_second_order_checks()
    {
        var gen = new Generator(45);
        var x = TestUtil.RandnD(gen, 2, 2, 4, 3);
        TestUtil.AssertGrad(t => t[0].InterpolateNearest2d(7, 5), x);
        TestUtil.AssertGrad(t => t[0].InterpolateNearest2d(3, 2), x);
        TestUtil.AssertGradGrad(t => { var y = t[0].InterpolateNearest2d(7); return y * y; }, x);
        TestUtil.AssertGradGrad(t => { var y = t[0].InterpolateNearest2d(2, 5); return (y * y).Sum(); }, x);
    }

    [Fact]
    public void Upsample_module_with_a_target_size_resizes_and_keeps_the_factor_api()
    {
        var x = Tensor.Arange(16).Reshape(1, 1, 4, 4);
        var up = Upsample.ToSize(7);
        up.Size.Should().Be((7, 7));
        up.ScaleFactor.Should().Be((0, 0));
        up.Forward(x).ToArray().Should().Equal(x.InterpolateNearest2d(7, 7).ToArray());
        up.ToString().Should().Contain("size=(7, 7)");
        Upsample.ToSize(14, 28).Forward(x).Shape.ToArray().Should().Equal(1, 1, 14, 28);

        var byFactor = new Upsample(2);
        byFactor.Size.Should().BeNull();
        byFactor.Forward(x).Shape.ToArray().Should().Equal(1, 1, 8, 8);
    }

    [Fact]
    public void Invalid_arguments_throw_naming_the_shapes()
    {
        var x = Tensor.Zeros(1, 1, 2, 2);
        FluentActions.Invoking(() => x.InterpolateNearest2d(0, 3)).Should().Throw<ArgumentException>()
            .WithMessage("InterpolateNearest2d: output size (0, 3) must be positive (input [1, 1, 2, 2]).");
        FluentActions.Invoking(() => Tensor.Zeros(2, 2).InterpolateNearest2d(4)).Should().Throw<ArgumentException>()
            .WithMessage("*[N, C, H, W], got [2, 2]*");
        FluentActions.Invoking(() => Upsample.ToSize(0)).Should().Throw<ArgumentException>().WithMessage("*size*");
    }
}
