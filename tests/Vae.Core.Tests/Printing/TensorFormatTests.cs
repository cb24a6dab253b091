using System.Globalization;
using Vae.Core;

namespace Vae.Core.Tests;

/// <summary>
/// ToString layouts. Expected bodies were printed once by PyTorch 1.13 (<c>print(torch.tensor(...))</c>) and pasted
/// here; the <c>dtype=…, shape=[…]</c> suffix is Vae.NET's own.
/// </summary>
public sealed class TensorFormatTests
{
    [Fact]
    public void Small_matrix_aligns_columns_with_four_decimals()
    {
        var x = Tensor.FromArray(new float[,] { { 1f, -2.5f }, { 0f, 3.14159265f } });
        x.ToString().Should().Be(
            "tensor([[ 1.0000, -2.5000],\n" +
            "        [ 0.0000,  3.1416]], dtype=float32, shape=[2, 2])");
        x.ToString(2).Should().Be(
            "tensor([[ 1.00, -2.50],\n" +
            "        [ 0.00,  3.14]], dtype=float32, shape=[2, 2])");
    }

    [Fact]
    public void Integer_valued_3d_tensor_prints_blocks_separated_by_blank_lines()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        x.ToString().Should().Be(
            "tensor([[[ 0.,  1.,  2.,  3.],\n" +
            "         [ 4.,  5.,  6.,  7.],\n" +
            "         [ 8.,  9., 10., 11.]],\n" +
            "\n" +
            "        [[12., 13., 14., 15.],\n" +
            "         [16., 17., 18., 19.],\n" +
            "         [20., 21., 22., 23.]]], dtype=float32, shape=[2, 3, 4])");
    }

    [Fact]
    public void Scalars_print_bare_with_dtype_only_for_float64()
    {
        Tensor.Scalar(3.14159265).ToString().Should().Be("tensor(3.1416)");
        Tensor.Scalar(3.14159265, DType.Float64).ToString().Should().Be("tensor(3.1416, dtype=float64)");
        Tensor.Scalar(2).ToString().Should().Be("tensor(2.)");
        Tensor.Scalar(-1e-7).ToString().Should().Be("tensor(-1.0000e-07)");
    }

    [Fact]
    public void Large_tensor_is_elided_to_three_edge_items_and_wraps_at_80_columns()
    {
        var x = Tensor.Arange(2000, DType.Float64).Reshape(40, 50) / 7.0;
        x.ToString().Should().Be(
            "tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 6.7143e+00, 6.8571e+00,\n" +
            "         7.0000e+00],\n" +
            "        [7.1429e+00, 7.2857e+00, 7.4286e+00,  ..., 1.3857e+01, 1.4000e+01,\n" +
            "         1.4143e+01],\n" +
            "        [1.4286e+01, 1.4429e+01, 1.4571e+01,  ..., 2.1000e+01, 2.1143e+01,\n" +
            "         2.1286e+01],\n" +
            "        ...,\n" +
            "        [2.6429e+02, 2.6443e+02, 2.6457e+02,  ..., 2.7100e+02, 2.7114e+02,\n" +
            "         2.7129e+02],\n" +
            "        [2.7143e+02, 2.7157e+02, 2.7171e+02,  ..., 2.7814e+02, 2.7829e+02,\n" +
            "         2.7843e+02],\n" +
            "        [2.7857e+02, 2.7871e+02, 2.7886e+02,  ..., 2.8529e+02, 2.8543e+02,\n" +
            "         2.8557e+02]], dtype=float64, shape=[40, 50])");

        Tensor.Arange(3000).ToString().Should().Be(
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 2.9970e+03, 2.9980e+03,\n" +
            "        2.9990e+03], dtype=float32, shape=[3000])");

        // 1000 elements is not elided.
        Tensor.Zeros(1000).ToString().Should().NotContain("...");
    }

    [Fact]
    public void Long_rows_below_the_threshold_wrap()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 30).Select(i => i / 29.0).ToArray());
        x.ToString().Should().Be(
            "tensor([0.0000, 0.0345, 0.0690, 0.1034, 0.1379, 0.1724, 0.2069, 0.2414, 0.2759,\n" +
            "        0.3103, 0.3448, 0.3793, 0.4138, 0.4483, 0.4828, 0.5172, 0.5517, 0.5862,\n" +
            "        0.6207, 0.6552, 0.6897, 0.7241, 0.7586, 0.7931, 0.8276, 0.8621, 0.8966,\n" +
            "        0.9310, 0.9655, 1.0000], dtype=float64, shape=[30])");
    }

    [Fact]
    public void Scientific_style_and_non_finite_values()
    {
        Tensor.FromArray([1e-5f, 1f, -3f]).ToString().Should().Be(
            "tensor([ 1.0000e-05,  1.0000e+00, -3.0000e+00], dtype=float32, shape=[3])");
        Tensor.FromArray([1.5f, float.NaN, float.NegativeInfinity]).ToString().Should().Be(
            "tensor([1.5000,    nan,   -inf], dtype=float32, shape=[3])");
        // PyTorch prints "[1., nan, inf, -inf]"; we widen every column to the longest entry so columns stay aligned.
        Tensor.FromArray([1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity]).ToString().Should().Be(
            "tensor([  1.,  nan,  inf, -inf], dtype=float32, shape=[4])");
    }

    [Fact]
    public void Autograd_state_is_shown()
    {
        var x = Tensor.FromArray([1.5f, 2f]).SetRequiresGrad();
        x.ToString().Should().Be("tensor([1.5000, 2.0000], dtype=float32, shape=[2], requires_grad=True)");
        (x * 2.0).ToString().Should().Be("tensor([3., 4.], dtype=float32, shape=[2], grad_fn=<MulScalar>)");
        x.Sum().ToString().Should().Be("tensor(3.5000, grad_fn=<Sum>)");
        x.Detach().ToString().Should().Be("tensor([1.5000, 2.0000], dtype=float32, shape=[2])");
    }

    [Fact]
    public void Empty_tensors_and_bad_precision()
    {
        Tensor.Zeros(2, 0).ToString().Should().Be("tensor([], dtype=float32, shape=[2, 0])");
        var act = () => Tensor.Zeros(2).ToString(-1);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Output_does_not_depend_on_the_current_culture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Tensor.FromArray([0.5f, -1e-6f]).ToString().Should().Be(
                "tensor([ 5.0000e-01, -1.0000e-06], dtype=float32, shape=[2])");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
