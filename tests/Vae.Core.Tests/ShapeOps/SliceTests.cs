using Vae.Core;

namespace Vae.Core.Tests;

public sealed class SliceTests
{
    private static Tensor Seq(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(v => (double)v).ToArray(), shape);
    }

    [Fact]
    public void Narrow_by_hand_with_negative_dim_and_start()
    {
        var x = Seq(3, 4);
        var rows = x.Narrow(0, 1, 2);
        rows.Shape.Should().Equal(2, 4);
        rows.ShouldBeClose([4, 5, 6, 7, 8, 9, 10, 11], 0);
        var cols = x.Narrow(-1, -3, 2);
        cols.Shape.Should().Equal(3, 2);
        cols.ShouldBeClose([1, 2, 5, 6, 9, 10], 0);
        x.Narrow(1, 4, 0).Shape.Should().Equal(3, 0);
    }

    [Fact]
    public void Narrow_out_of_range_throws_with_shape()
    {
        var x = Seq(3, 4);
        FluentActions.Invoking(() => x.Narrow(1, 2, 3)).Should().Throw<ArgumentException>().WithMessage("*start 2*length 3*size 4*[3, 4]*");
        FluentActions.Invoking(() => x.Narrow(0, -4, 1)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => x.Narrow(0, 0, -1)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => x.Narrow(2, 0, 1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Slice_follows_python_semantics()
    {
        var v = Seq(10);
        v.Slice(0, 2, 8, 3).ShouldBeClose([2, 5], 0);
        v.Slice(0, -3, 10).ShouldBeClose([7, 8, 9], 0);
        v.Slice(0, -100, 3).ShouldBeClose([0, 1, 2], 0);         // clamped start
        v.Slice(0, 8, 100, 1).ShouldBeClose([8, 9], 0);          // clamped end
        v.Slice(0, 0, -1, 4).ShouldBeClose([0, 4, 8], 0);
        v.Slice(0, 6, 2).Shape.Should().Equal(0);                // empty when end <= start
        var m = Seq(2, 3, 4);
        var s = m.Slice(-1, 1, 4, 2);
        s.Shape.Should().Equal(2, 3, 2);
        s.ShouldBeClose([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23], 0);
        m.Slice(1, 1, 3).ShouldBeClose([4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23], 0);
        FluentActions.Invoking(() => v.Slice(0, 0, 5, 0)).Should().Throw<ArgumentException>().WithMessage("*step*");
    }

    [Fact]
    public void Select_removes_the_dimension()
    {
        var x = Seq(2, 3, 4);
        var a = x.Select(1, 2);
        a.Shape.Should().Equal(2, 4);
        a.ShouldBeClose([8, 9, 10, 11, 20, 21, 22, 23], 0);
        var b = x.Select(-1, -1);
        b.Shape.Should().Equal(2, 3);
        b.ShouldBeClose([3, 7, 11, 15, 19, 23], 0);
        var scalar = Seq(3).Select(0, 1);
        scalar.Rank.Should().Be(0);
        scalar.Item().Should().Be(1);
        FluentActions.Invoking(() => x.Select(0, 2)).Should().Throw<ArgumentException>().WithMessage("*index 2*dimension 0*size 2*[2, 3, 4]*");
    }

    [Fact]
    public void Slice_narrow_and_select_work_in_float32()
    {
        var x = Seq(4, 5).Float();
        x.Slice(1, 1, 5, 2).ToArray().Should().Equal(1f, 3f, 6f, 8f, 11f, 13f, 16f, 18f);
        x.Narrow(0, 3, 1).ToArray().Should().Equal(15f, 16f, 17f, 18f, 19f);
        x.Select(1, 0).ToArray().Should().Equal(0f, 5f, 10f, 15f);
    }

    [Fact]
    public void Slice_narrow_and_select_pass_first_and_second_order_checks()
    {
        var gen = new Generator(31);
        var a = TestUtil.RandnD(gen, 3, 7);
        Tensor F(Tensor[] x)
        {
            var s = x[0].Slice(1, 1, 7, 2);          // [3, 3]
            var n = x[0].Narrow(-1, -3, 3);           // [3, 3]
            return s * n + x[0].Select(0, 1).Narrow(0, 0, 3) * s;
        }

        TestUtil.AssertGrad(F, a);
        TestUtil.AssertGradGrad(F, a);
    }

    [Fact]
    public void Slice_gradient_is_embedded_into_zeros()
    {
        var x = Seq(6).SetRequiresGrad();
        var y = x.Slice(0, 1, 6, 2);  // elements 1, 3, 5
        (y * Tensor.FromArray([1.0, 2, 3])).Sum().Backward();
        x.Grad!.ShouldBeClose([0, 1, 0, 2, 0, 3], 0);
    }

    [Fact]
    public void Embed_is_the_adjoint_of_slice()
    {
        // <Slice(x), y> = <x, Embed(y)> for random x, y.
        var gen = new Generator(32);
        var x = TestUtil.RandnD(gen, 2, 9, 3);
        var y = TestUtil.RandnD(gen, 2, 3, 3);
        double lhs = (x.SliceAlong(1, 2, 3, 3) * y).Sum().Item();
        double rhs = (x * y.EmbedAlong(1, 9, 2, 3)).Sum().Item();
        lhs.Should().BeApproximately(rhs, 1e-12);
    }
}
