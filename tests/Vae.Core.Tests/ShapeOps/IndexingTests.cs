using Vae.Core;

namespace Vae.Core.Tests;

public sealed class IndexingTests
{
    private static Tensor Seq(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(v => (double)v).ToArray(), shape);
    }

    [Fact]
    public void IndexSelect_by_hand_with_duplicates()
    {
        var x = Seq(3, 4);
        var rows = x.IndexSelect(0, Tensor.FromArray([2f, 0f, 2f]));
        rows.Shape.Should().Equal(3, 4);
        rows.ShouldBeClose([8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11], 0);
        var cols = x.IndexSelect(-1, [3, 1]);
        cols.Shape.Should().Equal(3, 2);
        cols.ShouldBeClose([3, 1, 7, 5, 11, 9], 0);
        x.IndexSelect(1, Array.Empty<int>()).Shape.Should().Equal(3, 0);
        Seq(2, 3, 2).Float().IndexSelect(1, [1]).ToArray().Should().Equal(2f, 3f, 8f, 9f);
    }

    [Fact]
    public void IndexSelect_gradient_accumulates_duplicates()
    {
        var x = Seq(3, 2).SetRequiresGrad();
        var y = x.IndexSelect(0, [2, 0, 2, 2]);
        (y * Tensor.FromArray([1.0, 2, 3, 4, 5, 6, 7, 8], 4, 2)).Sum().Backward();
        x.Grad!.ShouldBeClose([3, 4, 0, 0, 1 + 5 + 7, 2 + 6 + 8], 0);
    }

    [Fact]
    public void Gather_matches_torch_gather()
    {
        // torch.gather(torch.arange(12.).reshape(3, 4), 1, [[0, 0], [3, 1], [2, 2]]) = [[0, 0], [7, 5], [10, 10]]
        var x = Seq(3, 4);
        var y = x.Gather(1, Tensor.FromArray([0.0, 0, 3, 1, 2, 2], 3, 2));
        y.Shape.Should().Equal(3, 2);
        y.ShouldBeClose([0, 0, 7, 5, 10, 10], 0);

        // dim 0 with an index smaller than the input in the other dimension: y[i, j] = x[idx[i, j], j].
        var z = x.Gather(0, Tensor.FromArray([2.0, 0, 1, 1, 0, 2], 2, 3));
        z.ShouldBeClose([8, 1, 6, 4, 1, 10], 0);

        // rank 3, middle dimension.
        var w = Seq(2, 3, 2).Float().Gather(-2, Tensor.FromArray([2f, 0f, 1f, 1f], 2, 1, 2));
        w.Shape.Should().Equal(2, 1, 2);
        w.ToArray().Should().Equal(4f, 1f, 8f, 9f);
    }

    [Fact]
    public void Gather_gradient_scatter_adds()
    {
        var x = Seq(2, 3).SetRequiresGrad();
        var y = x.Gather(1, Tensor.FromArray([1.0, 1, 0, 2, 2, 2], 2, 3));
        (y * Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3)).Sum().Backward();
        x.Grad!.ShouldBeClose([3, 3, 0, 0, 0, 15], 0);
    }

    [Fact]
    public void Gather_and_index_select_pass_first_and_second_order_checks()
    {
        var gen = new Generator(41);
        var a = TestUtil.RandnD(gen, 3, 4);
        var idx = Tensor.FromArray([3.0, 0, 0, 1, 2, 2, 1, 3, 3], 3, 3);
        Tensor G(Tensor[] x)
        {
            var g = x[0].Gather(1, idx);
            return g * g + x[0].Gather(0, Tensor.FromArray([2.0, 1, 1], 1, 3));
        }

        TestUtil.AssertGrad(G, a);
        TestUtil.AssertGradGrad(G, a);

        Tensor S(Tensor[] x)
        {
            var s = x[0].IndexSelect(1, [2, 2, 0]);
            return s * x[0].IndexSelect(0, Tensor.FromArray([1.0, 1, 0])).Narrow(1, 1, 3);
        }

        TestUtil.AssertGrad(S, a);
        TestUtil.AssertGradGrad(S, a);
    }

    [Fact]
    public void Scatter_add_is_the_adjoint_of_gather()
    {
        var gen = new Generator(42);
        var x = TestUtil.RandnD(gen, 3, 5, 2);
        var index = new[] { 4, 0, 1, 1, 3, 3, 0, 2, 2, 2, 0, 4 };
        var indexShape = new Shape(3, 2, 2);
        var y = TestUtil.RandnD(gen, 3, 2, 2);
        double lhs = (x.GatherAlong(1, index, indexShape) * y).Sum().Item();
        double rhs = (x * y.ScatterAddInto(x.Shape, 1, index)).Sum().Item();
        lhs.Should().BeApproximately(rhs, 1e-12);
    }

    [Fact]
    public void Out_of_range_indices_throw_naming_value_dim_and_shape()
    {
        var x = Tensor.Zeros(3, 4);
        FluentActions.Invoking(() => x.IndexSelect(1, Tensor.FromArray([0f, 4f])))
            .Should().Throw<ArgumentException>().WithMessage("*index 4*position [1]*dimension 1 of size 4*[3, 4]*");
        FluentActions.Invoking(() => x.IndexSelect(0, [-1]))
            .Should().Throw<ArgumentException>().WithMessage("*index -1*dimension 0 of size 3*[3, 4]*");
        FluentActions.Invoking(() => x.Gather(0, Tensor.FromArray([0f, 3f], 1, 2)))
            .Should().Throw<ArgumentException>().WithMessage("*index 3*position [0, 1]*dimension 0 of size 3*[3, 4]*");
        FluentActions.Invoking(() => Tensor.OneHot([0, 5], 5))
            .Should().Throw<ArgumentException>().WithMessage("*index 5*5 classes*");
    }

    [Fact]
    public void Non_integral_indices_throw()
    {
        var x = Tensor.Zeros(3, 4);
        FluentActions.Invoking(() => x.IndexSelect(0, Tensor.FromArray([1.5], 1)))
            .Should().Throw<ArgumentException>().WithMessage("*1.5*not an integer*");
        FluentActions.Invoking(() => x.Gather(1, Tensor.FromArray([0.0, double.NaN], 1, 2)))
            .Should().Throw<ArgumentException>().WithMessage("*NaN*position [0, 1]*not an integer*");
        FluentActions.Invoking(() => Tensor.OneHot(Tensor.FromArray([double.PositiveInfinity], 1), 3))
            .Should().Throw<ArgumentException>().WithMessage("*not an integer*");
    }

    [Fact]
    public void Bad_index_shapes_throw()
    {
        var x = Tensor.Zeros(3, 4);
        FluentActions.Invoking(() => x.IndexSelect(0, Tensor.Zeros(2, 1))).Should().Throw<ArgumentException>().WithMessage("*1-D*[2, 1]*");
        FluentActions.Invoking(() => x.Gather(0, Tensor.Zeros(2))).Should().Throw<ArgumentException>().WithMessage("*[2]*[3, 4]*");
        FluentActions.Invoking(() => x.Gather(0, Tensor.Zeros(2, 5))).Should().Throw<ArgumentException>().WithMessage("*[2, 5]*[3, 4]*dimension 1*");
    }

    [Fact]
    public void OneHot_of_any_shape()
    {
        var y = Tensor.OneHot(Tensor.FromArray([2f, 0f, 1f, 2f], 2, 2), 3);
        y.Shape.Should().Equal(2, 2, 3);
        y.DType.Should().Be(DType.Float32);
        y.ToArray().Should().Equal(0f, 0f, 1f, 1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f);
        var d = Tensor.OneHot([1, 0], 2, DType.Float64);
        d.DType.Should().Be(DType.Float64);
        d.Shape.Should().Equal(2, 2);
        d.ShouldBeClose([0, 1, 1, 0], 0);
        Tensor.OneHot(Tensor.Scalar(1), 2).Shape.Should().Equal(2);
        FluentActions.Invoking(() => Tensor.OneHot([0], 0)).Should().Throw<ArgumentException>();
    }
}
