using Vae.Core;
using static Vae.Core.Tests.TestUtil;

namespace Vae.Core.Tests;

/// <summary>Finite-difference checks (GradCheck defaults: eps 1e-6, atol 1e-5, rtol 1e-3; second order atol 1e-4).</summary>
public sealed class ReductionGradTests
{
    [Fact]
    public void Mean_and_Sum_first_and_second_order()
    {
        var g = new Generator(11);
        var x = RandnD(g, 3, 4, 2);
        AssertGrad(t => t[0].Mean(), x);
        AssertGrad(t => t[0].Mean([0, 2], keepDim: true), x);
        AssertGrad(t => t[0].Mean(-1), x);
        // Products make the second derivative non-zero.
        AssertGradGrad(t => (t[0] * t[0]).Mean([0, 2]) * t[0].Mean(1).Sum(), x);
        AssertGradGrad(t => (t[0] * t[0]).Sum(1) * t[0].Sum(), x);
    }

    [Fact]
    public void Max_and_Min_along_a_dim_route_the_gradient_to_the_selected_element()
    {
        var g = new Generator(12);
        var x = RandnD(g, 3, 5); // continuous random values: no ties
        AssertGrad(t => t[0].Max(1).Values, x);
        AssertGrad(t => t[0].Max(0, keepDim: true).Values, x);
        AssertGrad(t => t[0].Min(-1).Values, x);
        AssertGrad(t => t[0].Min(0).Values, x);
        AssertGrad(t => t[0].Max(), x);
        AssertGrad(t => t[0].Min(), x);
        AssertGrad(t => t[0].AMax([0, 1], keepDim: true), x);

        // Ties: a dim reduction picks the first occurrence; Max() over all shares evenly.
        var tied = Tensor.FromArray([3.0, 1, 3, 2, 2, 0], 2, 3).SetRequiresGrad();
        tied.Max(1).Values.Sum().Backward();
        tied.Grad!.ShouldBeClose([1, 0, 0, 1, 0, 0]);
        tied.Grad = null;
        tied.Max().Backward();
        tied.Grad!.ShouldBeClose([0.5, 0, 0.5, 0, 0, 0]);
        tied.Grad = null;
        tied.AMin([1]).Sum().Backward();
        tied.Grad!.ShouldBeClose([0, 1, 0, 0, 0, 1]);
        tied.Max(0).Indices.RequiresGrad.Should().BeFalse();
        tied.ArgMax(1).RequiresGrad.Should().BeFalse();
    }

    [Fact]
    public void Max_values_are_differentiable_twice_through_a_product()
    {
        var g = new Generator(13);
        var x = RandnD(g, 4, 3);
        AssertGradGrad(t => t[0].Max(0).Values * t[0].Max(1).Values.Sum(), x);
    }

    [Fact]
    public void LogSumExp_first_and_second_order()
    {
        var g = new Generator(14);
        var x = RandnD(g, 3, 4, 5);
        AssertGrad(t => t[0].LogSumExp(-1), x);
        AssertGrad(t => t[0].LogSumExp(0, keepDim: true), x);
        AssertGrad(t => t[0].LogSumExp([0, 2]), x);
        AssertGrad(t => t[0].LogSumExp(), x);
        var small = RandnD(g, 2, 3, 2);
        AssertGradGrad(t => t[0].LogSumExp(-1), small);
        AssertGradGrad(t => t[0].LogSumExp(0), small);
        AssertGradGrad(t => t[0].LogSumExp([0, 2], keepDim: true), small);
    }

    [Fact]
    public void LogSumExp_gradient_is_softmax_even_for_large_inputs()
    {
        var x = Tensor.FromArray([1000.0, 1000.0, 998.0]).SetRequiresGrad();
        x.LogSumExp(0).Backward();
        double z = 2 + Math.Exp(-2);
        x.Grad!.ShouldBeClose([1 / z, 1 / z, Math.Exp(-2) / z], 1e-12);
    }

    [Fact]
    public void Softmax_and_LogSoftmax_first_and_second_order()
    {
        var g = new Generator(15);
        var x = RandnD(g, 3, 4);
        AssertGrad(t => t[0].Softmax(-1), x);
        AssertGrad(t => t[0].Softmax(0), x);
        AssertGrad(t => t[0].LogSoftmax(1), x);
        AssertGrad(t => t[0].LogSoftmax(0), x);
        AssertGradGrad(t => t[0].Softmax(-1), x);
        AssertGradGrad(t => t[0].Softmax(0), x);
        AssertGradGrad(t => t[0].LogSoftmax(-1), x);
        AssertGradGrad(t => t[0].LogSoftmax(0), x);
    }

    [Fact]
    public void Var_and_Std_first_and_second_order()
    {
        var g = new Generator(16);
        var x = RandnD(g, 4, 3);
        AssertGrad(t => t[0].Var(), x);
        AssertGrad(t => t[0].Var(0, unbiased: false), x);
        AssertGrad(t => t[0].Var([1], keepDim: true), x);
        AssertGrad(t => t[0].Std(), x);
        AssertGrad(t => t[0].Std(1, unbiased: false), x);
        AssertGrad(t => t[0].Std([0, 1], keepDim: true), x);
        AssertGradGrad(t => t[0].Var(0), x);
        AssertGradGrad(t => t[0].Std(1), x);
    }

    [Fact]
    public void Norm_first_and_second_order()
    {
        var g = new Generator(17);
        var x = RandnD(g, 3, 4);
        foreach (double p in new[] { 2.0, 1.0, 3.0, 0.5, double.PositiveInfinity, double.NegativeInfinity })
        {
            AssertGrad(t => t[0].Norm(p), x);
            AssertGrad(t => t[0].Norm(p, 1, keepDim: true), x);
        }

        AssertGrad(t => t[0].Norm(2, [0]), x);
        AssertGradGrad(t => t[0].Norm(), x);
        AssertGradGrad(t => t[0].Norm(2, 0), x);
        AssertGradGrad(t => t[0].Norm(3, 1), x);
    }

    [Fact]
    public void Norm_gradient_is_zero_at_zero_like_PyTorch()
    {
        var x = Tensor.FromArray([0.0, 0.0, 3.0, 4.0], 2, 2).SetRequiresGrad();
        x.Norm(2, 1).Sum().Backward();
        x.Grad!.ShouldBeClose([0, 0, 0.6, 0.8]);
        var y = Tensor.Zeros(new Shape(3), DType.Float64).SetRequiresGrad();
        y.Norm(3).Backward();
        y.Grad!.ShouldBeClose([0, 0, 0]);
        var z = Tensor.FromArray([1.0, -2.0]).SetRequiresGrad();
        z.Norm(0).Backward();
        z.Grad!.ShouldBeClose([0, 0]);
    }

    [Fact]
    public void Reductions_of_float32_tensors_record_float32_gradients()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2).SetRequiresGrad();
        (x.Mean() + x.LogSumExp(1).Sum() + x.Softmax(0).Max() + x.Std() + x.Norm()).Backward();
        x.Grad!.DType.Should().Be(DType.Float32);
        x.Grad!.Shape.ToArray().Should().Equal(2, 2);
    }

    [Fact]
    public void Reductions_under_NoGrad_do_not_record()
    {
        var x = Tensor.FromArray([1.0, 2.0]).SetRequiresGrad();
        using (Autograd.NoGrad())
        {
            x.Mean().RequiresGrad.Should().BeFalse();
            x.LogSumExp(0).RequiresGrad.Should().BeFalse();
            x.Softmax(0).RequiresGrad.Should().BeFalse();
        }

        x.Mean().GradFnName.Should().Be("Mean");
        x.LogSoftmax(0).GradFnName.Should().Be("LogSoftmax");
    }
}
