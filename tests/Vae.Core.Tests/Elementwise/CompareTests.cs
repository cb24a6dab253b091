using Vae.Core;

namespace Vae.Core.Tests;

public sealed class CompareTests
{
    private static readonly double[] A = [1, 2, 3, double.NaN, double.PositiveInfinity, -0.0];
    private static readonly double[] B = [2, 2, 1, double.NaN, double.PositiveInfinity, 0.0];

    [Fact]
    public void Tensor_comparisons_follow_IEEE_and_return_input_dtype()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var a = Tensor.FromArray(A).To(dtype).SetRequiresGrad();
            var b = Tensor.FromArray(B).To(dtype);
            a.Gt(b).ToDoubleArray().Should().Equal(0, 0, 1, 0, 0, 0);
            a.Ge(b).ToDoubleArray().Should().Equal(0, 1, 1, 0, 1, 1);
            a.Lt(b).ToDoubleArray().Should().Equal(1, 0, 0, 0, 0, 0);
            a.Le(b).ToDoubleArray().Should().Equal(1, 1, 0, 0, 1, 1);
            a.Eq(b).ToDoubleArray().Should().Equal(0, 1, 0, 0, 1, 1);
            a.Ne(b).ToDoubleArray().Should().Equal(1, 0, 1, 1, 0, 0);
            a.Gt(b).DType.Should().Be(dtype);
            a.Gt(b).RequiresGrad.Should().BeFalse();
        }
    }

    [Fact]
    public void Scalar_comparisons_cover_vector_body_and_tail()
    {
        var x = Tensor.Arange(-20, 21, 1, DType.Float32); // 41 elements
        var expectedGt = Enumerable.Range(-20, 41).Select(v => v > 3 ? 1.0 : 0.0).ToArray();
        x.Gt(3).ToDoubleArray().Should().Equal(expectedGt);
        x.Le(3).ToDoubleArray().Should().Equal(expectedGt.Select(v => 1 - v));
        x.Eq(-7).Sum().Item().Should().Be(1);
        x.Ne(-7).Sum().Item().Should().Be(40);
        x.Ge(0).Sum().Item().Should().Be(21);
        x.Lt(0).Sum().Item().Should().Be(20);
    }

    [Fact]
    public void Comparisons_broadcast_and_name_both_shapes_on_mismatch()
    {
        var col = Tensor.FromArray([1.0, 2, 3], 3, 1);
        var row = Tensor.FromArray([2.0, 3], 2);
        var m = col.Lt(row);
        m.Shape.ToArray().Should().Equal(3, 2);
        m.ToDoubleArray().Should().Equal(1, 1, 0, 1, 0, 0);
        var act = () => Tensor.Zeros(2, 3).Gt(Tensor.Zeros(4));
        act.Should().Throw<ArgumentException>().WithMessage("*Gt*[2, 3]*[4]*");
    }

    [Fact]
    public void IsNaN_and_IsFinite()
    {
        var x = Tensor.FromArray([1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.MaxValue, float.Epsilon, 3f]);
        x.IsNaN().ToArray().Should().Equal(0f, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
        x.IsFinite().ToArray().Should().Equal(1f, 0f, 0f, 0f, 1f, 1f, 1f, 1f, 1f);
    }

    [Fact]
    public void AllClose_uses_rtol_and_atol_treats_equal_infinities_as_close_and_NaN_as_not()
    {
        var a = Tensor.FromArray([1.0, 100, double.PositiveInfinity]);
        a.AllClose(Tensor.FromArray([1.0 + 2e-5, 100, double.PositiveInfinity])).Should().BeFalse(); // 2e-5 > 1e-8 + 1e-5·1
        a.AllClose(Tensor.FromArray([1.0 + 1e-9, 100 + 9e-4, double.PositiveInfinity])).Should().BeTrue();
        a.AllClose(Tensor.FromArray([1.0, 100 + 2e-3, double.PositiveInfinity])).Should().BeFalse();
        a.AllClose(Tensor.FromArray([1.0, 100, double.NegativeInfinity])).Should().BeFalse();
        a.AllClose(Tensor.FromArray([1.0, double.PositiveInfinity, double.PositiveInfinity])).Should().BeFalse();
        Tensor.FromArray([double.NaN]).AllClose(Tensor.FromArray([double.NaN])).Should().BeFalse();
        Tensor.FromArray([1.0, 2.0]).AllClose(Tensor.FromArray([1.1, 2.2]), rtol: 0.1, atol: 0).Should().BeTrue();
        Tensor.FromArray([1f, 1f], 2, 1).AllClose(Tensor.FromArray([1.0])).Should().BeTrue(); // broadcast, mixed dtypes
        var act = () => Tensor.Zeros(2, 3).AllClose(Tensor.Zeros(3, 2));
        act.Should().Throw<ArgumentException>().WithMessage("*AllClose*[2, 3]*[3, 2]*");
    }

    [Fact]
    public void Maximum_and_Minimum_broadcast_and_propagate_NaN()
    {
        var a = Tensor.FromArray([1.0, 5, double.NaN], 3, 1);
        var b = Tensor.FromArray([2.0, 4]);
        a.Maximum(b).ToDoubleArray().Should().Equal(2, 4, 5, 5, double.NaN, double.NaN);
        a.Minimum(b).ToDoubleArray().Should().Equal(1, 1, 2, 4, double.NaN, double.NaN);
        var act = () => Tensor.Zeros(2, 3).Maximum(Tensor.Zeros(2));
        act.Should().Throw<ArgumentException>().WithMessage("*Maximum*[2, 3]*[2]*");
        var act2 = () => Tensor.Zeros(2, 3).Minimum(Tensor.Zeros(5, 1, 4));
        act2.Should().Throw<ArgumentException>().WithMessage("*Minimum*[2, 3]*[5, 1, 4]*");
    }

    [Fact]
    public void Maximum_and_Minimum_route_the_gradient_and_split_ties_half_half()
    {
        var a = Tensor.FromArray([1.0, 2, 3]).SetRequiresGrad();
        var b = Tensor.FromArray([1.0, 1, 4]).SetRequiresGrad();
        a.Maximum(b).Sum().Backward();
        a.Grad!.ToDoubleArray().Should().Equal(0.5, 1, 0); // PyTorch: [0.5, 1, 0] and [0.5, 0, 1]
        b.Grad!.ToDoubleArray().Should().Equal(0.5, 0, 1);

        var c = Tensor.FromArray([1.0, 2, 3]).SetRequiresGrad();
        var d = Tensor.FromArray([1.0, 1, 4]).SetRequiresGrad();
        c.Minimum(d).Sum().Backward();
        c.Grad!.ToDoubleArray().Should().Equal(0.5, 0, 1);
        d.Grad!.ToDoubleArray().Should().Equal(0.5, 1, 0);
    }

    [Fact]
    public void Maximum_and_Minimum_gradients_match_finite_differences_with_broadcasting()
    {
        var g = new Generator(31);
        var a = TestUtil.RandnD(g, 3, 4);
        var b = TestUtil.RandnD(g, 4); // continuous random values: no ties
        TestUtil.AssertGrad(x => x[0].Maximum(x[1]), a, b);
        TestUtil.AssertGrad(x => x[0].Minimum(x[1]), a, b);
        TestUtil.AssertGradGrad(x => x[0].Maximum(x[1]) * x[0], a, b);
        TestUtil.AssertGradGrad(x => x[0].Minimum(x[1]).Square(), a, b);
    }

    [Fact]
    public void Where_selects_with_three_way_broadcasting_and_NaN_condition_is_true()
    {
        var cond = Tensor.FromArray([1.0, 0, double.NaN, -0.0], 4, 1);
        var a = Tensor.FromArray([10.0, 20], 2);
        var b = Tensor.FromArray([-1.0]);
        var y = Tensor.Where(cond, a, b);
        y.Shape.ToArray().Should().Equal(4, 2);
        y.ToDoubleArray().Should().Equal(10, 20, -1, -1, 10, 20, -1, -1);

        // A float32 condition with float64 values; tiny nonzero values count as true.
        var c32 = Tensor.FromArray([1e-40f, 0f, 2f]);
        Tensor.Where(c32, Tensor.FromArray([1.0, 2, 3]), Tensor.FromArray([7.0, 8, 9])).ToDoubleArray().Should().Equal(1, 8, 3);
    }

    [Fact]
    public void Where_covers_vector_body_and_tail()
    {
        var g = new Generator(32);
        var x = Tensor.Randn(new Shape(1000), g);
        var y = Tensor.Randn(new Shape(1000), g);
        var pick = Tensor.Where(x.Gt(y), x, y).ToArray();
        var xs = x.ToArray();
        var ys = y.ToArray();
        pick.Should().Equal(xs.Zip(ys, Math.Max));
    }

    [Fact]
    public void Where_errors_name_all_three_shapes_and_dtypes()
    {
        var act = () => Tensor.Where(Tensor.Zeros(2, 3), Tensor.Zeros(4), Tensor.Zeros(3));
        act.Should().Throw<ArgumentException>().WithMessage("*Where*[2, 3]*[4]*[3]*");
        var act2 = () => Tensor.Where(Tensor.Zeros(3), Tensor.Zeros(3), Tensor.Zeros(new Shape(3), DType.Float64));
        act2.Should().Throw<ArgumentException>().WithMessage("*Where*dtype*");
    }

    [Fact]
    public void Where_gradients_flow_through_masks_to_both_branches()
    {
        var g = new Generator(33);
        var cond = Tensor.FromArray([1.0, 0, 1, 0], 4, 1);
        var a = TestUtil.RandnD(g, 4, 3);
        var b = TestUtil.RandnD(g, 3);
        TestUtil.AssertGrad(x => Tensor.Where(cond, x[0], x[1]), a, b);
        TestUtil.AssertGradGrad(x => Tensor.Where(cond, x[0].Exp(), x[1] * x[1]), a, b);

        var av = Tensor.FromArray([1.0, 2, 3]).SetRequiresGrad();
        var bv = Tensor.FromArray([4.0, 5, 6]).SetRequiresGrad();
        Tensor.Where(Tensor.FromArray([1.0, 0, 1]), av, bv).Sum().Backward();
        av.Grad!.ToDoubleArray().Should().Equal(1, 0, 1);
        bv.Grad!.ToDoubleArray().Should().Equal(0, 1, 0);
    }

    [Fact]
    public void MaskedFill_fills_broadcast_mask_and_blocks_the_gradient_there()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3).SetRequiresGrad();
        var mask = Tensor.FromArray([0.0, 1, 0]);
        var y = x.MaskedFill(mask, double.NegativeInfinity);
        y.ToDoubleArray().Should().Equal(1, double.NegativeInfinity, 3, 4, double.NegativeInfinity, 6);
        (y.MaskedFill(mask, 0) * 2.0).Sum().Backward();
        x.Grad!.ToDoubleArray().Should().Equal(2, 0, 2, 2, 0, 2);
        var act = () => x.MaskedFill(Tensor.Zeros(4, 2, 3), 0);
        act.Should().Throw<ArgumentException>().WithMessage("*MaskedFill*[4, 2, 3]*[2, 3]*");
        var g = new Generator(34);
        TestUtil.AssertGrad(v => v[0].MaskedFill(mask, 7), TestUtil.RandnD(g, 2, 3));
    }
}
