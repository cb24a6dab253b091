using Vae.Core;

namespace Vae.Core.Tests;

public sealed class JoinTests
{
    private static Tensor Seq(int start, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.FromArray(Enumerable.Range(start, n).Select(v => (double)v).ToArray(), shape);
    }

    [Fact]
    public void Concat_along_each_dimension_by_hand()
    {
        var a = Seq(0, 2, 2);   // [[0, 1], [2, 3]]
        var b = Seq(10, 1, 2);  // [[10, 11]]
        var c = Seq(20, 2, 1);  // [[20], [21]]
        var rows = Tensor.Concat([a, b]);
        rows.Shape.Should().Equal(3, 2);
        rows.ShouldBeClose([0, 1, 2, 3, 10, 11], 0);
        var cols = Tensor.Cat([a, c, a], dim: -1);
        cols.Shape.Should().Equal(2, 5);
        cols.ShouldBeClose([0, 1, 20, 0, 1, 2, 3, 21, 2, 3], 0);
    }

    [Fact]
    public void Concat_middle_dimension_with_empty_part()
    {
        var a = Seq(0, 2, 1, 3);
        var e = Tensor.Zeros(new Shape(2, 0, 3), DType.Float64);
        var b = Seq(100, 2, 2, 3);
        var y = Tensor.Concat([a, e, b], 1);
        y.Shape.Should().Equal(2, 3, 3);
        y.ShouldBeClose([0, 1, 2, 100, 101, 102, 103, 104, 105, 3, 4, 5, 106, 107, 108, 109, 110, 111], 0);
    }

    [Fact]
    public void Concat_of_mismatched_shapes_names_them()
    {
        var a = Tensor.Zeros(2, 3);
        var b = Tensor.Zeros(2, 4);
        FluentActions.Invoking(() => Tensor.Concat([a, b], 0)).Should().Throw<ArgumentException>()
            .WithMessage("*tensor 1*[2, 4]*[2, 3]*");
        FluentActions.Invoking(() => Tensor.Concat([a, Tensor.Zeros(2, 3, 1)], 1)).Should().Throw<ArgumentException>()
            .WithMessage("*[2, 3, 1]*[2, 3]*");
        FluentActions.Invoking(() => Tensor.Concat([a, a.Double()])).Should().Throw<ArgumentException>().WithMessage("*float64*");
        FluentActions.Invoking(() => Tensor.Concat(Array.Empty<Tensor>())).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => Tensor.Concat([Tensor.Scalar(1)])).Should().Throw<ArgumentException>().WithMessage("*Stack*");
    }

    [Fact]
    public void Stack_inserts_a_new_dimension()
    {
        var a = Seq(0, 2, 2);
        var b = Seq(10, 2, 2);
        Tensor.Stack([a, b]).ShouldBeClose([0, 1, 2, 3, 10, 11, 12, 13], 0);
        var mid = Tensor.Stack([a, b], 1);
        mid.Shape.Should().Equal(2, 2, 2);
        mid.ShouldBeClose([0, 1, 10, 11, 2, 3, 12, 13], 0);
        var last = Tensor.Stack([a, b], -1);
        last.Shape.Should().Equal(2, 2, 2);
        last.ShouldBeClose([0, 10, 1, 11, 2, 12, 3, 13], 0);
        Tensor.Stack([Tensor.Scalar(1, DType.Float64), Tensor.Scalar(2, DType.Float64)]).ShouldBeClose([1, 2], 0);
    }

    [Fact]
    public void Stack_rejects_different_shapes_and_bad_dims()
    {
        FluentActions.Invoking(() => Tensor.Stack([Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)])).Should().Throw<ArgumentException>()
            .WithMessage("*[3, 2]*[2, 3]*");
        FluentActions.Invoking(() => Tensor.Stack([Tensor.Zeros(2, 3)], 3)).Should().Throw<ArgumentException>();
        Tensor.Stack([Tensor.Zeros(2, 3)], -3).Shape.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Split_by_size_and_by_sizes()
    {
        var x = Seq(0, 5, 2);
        var parts = x.Split(2);
        parts.Select(p => p.Shape.ToArray()).Should().BeEquivalentTo(new[] { new[] { 2, 2 }, new[] { 2, 2 }, new[] { 1, 2 } }, o => o.WithStrictOrdering());
        parts[2].ShouldBeClose([8, 9], 0);
        var cols = x.Split([1, 1], dim: -1);
        cols[0].ShouldBeClose([0, 2, 4, 6, 8], 0);
        cols[1].ShouldBeClose([1, 3, 5, 7, 9], 0);
        var uneven = x.Split([0, 4, 1]);
        uneven[0].Shape.Should().Equal(0, 2);
        uneven[1].ShouldBeClose([0, 1, 2, 3, 4, 5, 6, 7], 0);
    }

    [Fact]
    public void Chunk_follows_pytorch_sizes()
    {
        var x = Seq(0, 6);
        x.Chunk(3).Select(c => c.Numel).Should().Equal(2, 2, 2);
        x.Chunk(4).Select(c => c.Numel).Should().Equal(2, 2, 2);   // ceil(6/4) = 2, so only three chunks
        x.Chunk(5).Select(c => c.Numel).Should().Equal(2, 2, 2);
        Seq(0, 7).Chunk(2).Select(c => c.Numel).Should().Equal(4, 3);
        x.Chunk(1)[0].ShouldBeClose([0, 1, 2, 3, 4, 5], 0);
    }

    [Fact]
    public void Split_and_chunk_sizes_that_do_not_add_up_throw()
    {
        var x = Tensor.Zeros(5, 2);
        FluentActions.Invoking(() => x.Split([2, 2])).Should().Throw<ArgumentException>().WithMessage("*[2, 2]*add up to 4*[5, 2]*5*");
        FluentActions.Invoking(() => x.Split([3, 3], 0)).Should().Throw<ArgumentException>().WithMessage("*add up to 6*");
        FluentActions.Invoking(() => x.Split([6, -1])).Should().Throw<ArgumentException>().WithMessage("*negative*");
        FluentActions.Invoking(() => x.Split(0)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => x.Chunk(0)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => x.Split(1, 2)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Concat_passes_first_and_second_order_checks()
    {
        var gen = new Generator(21);
        var a = TestUtil.RandnD(gen, 2, 3);
        var b = TestUtil.RandnD(gen, 2, 1);
        var c = TestUtil.RandnD(gen, 2, 2);
        Tensor F(Tensor[] x)
        {
            var j = Tensor.Concat([x[0], x[1], x[2]], 1);
            return j * Tensor.Concat([x[2], x[0] * x[1], x[1]], -1);
        }

        TestUtil.AssertGrad(F, a, b, c);
        TestUtil.AssertGradGrad(F, a, b, c);
    }

    [Fact]
    public void Stack_passes_first_and_second_order_checks()
    {
        var gen = new Generator(22);
        var a = TestUtil.RandnD(gen, 3, 2);
        var b = TestUtil.RandnD(gen, 3, 2);
        Tensor F(Tensor[] x)
        {
            var s = Tensor.Stack([x[0], x[1], x[0]], 1);
            return s * s;
        }

        TestUtil.AssertGrad(F, a, b);
        TestUtil.AssertGradGrad(F, a, b);
    }

    [Fact]
    public void Split_and_chunk_pass_gradient_checks()
    {
        var gen = new Generator(23);
        var a = TestUtil.RandnD(gen, 4, 5);
        TestUtil.AssertGrad(x =>
        {
            var p = x[0].Split([2, 3], 1);
            return p[0].Sum(1) * p[1].Sum(1);
        }, a);
        TestUtil.AssertGrad(x =>
        {
            var c = x[0].Chunk(2);
            return c[0] * c[1];
        }, a);
        TestUtil.AssertGradGrad(x =>
        {
            var c = x[0].Chunk(3, -1);
            return c[0] * c[2].Sum(1, keepDim: true);
        }, a);
    }

    [Fact]
    public void Concat_gradient_reaches_only_inputs_that_require_it()
    {
        var a = Tensor.FromArray([1.0, 2]).SetRequiresGrad();
        var b = Tensor.FromArray([3.0], 1);
        var y = Tensor.Concat([a, b, a]);
        (y * Tensor.FromArray([1.0, 2, 3, 4, 5])).Sum().Backward();
        a.Grad!.ShouldBeClose([5, 7], 0);
        b.Grad.Should().BeNull();
    }
}
