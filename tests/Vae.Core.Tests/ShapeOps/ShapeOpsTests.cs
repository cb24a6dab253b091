using Vae.Core;

namespace Vae.Core.Tests;

public sealed class ShapeOpsTests
{
    private static Tensor Seq(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(v => (double)v).ToArray(), shape);
    }

    [Fact]
    public void Flatten_shapes()
    {
        var x = Tensor.Zeros(2, 3, 4, 5);
        x.Flatten().Shape.Should().Equal(120);
        x.Flatten(1).Shape.Should().Equal(2, 60);
        x.Flatten(1, 2).Shape.Should().Equal(2, 12, 5);
        x.Flatten(-2, -1).Shape.Should().Equal(2, 3, 20);
        x.Flatten(2, 2).Shape.Should().Equal(2, 3, 4, 5);
        Tensor.Scalar(3).Flatten().Shape.Should().Equal(1);
        FluentActions.Invoking(() => x.Flatten(2, 1)).Should().Throw<ArgumentException>().WithMessage("*[2, 3, 4, 5]*");
    }

    [Fact]
    public void Unflatten_shapes_and_errors()
    {
        var x = Seq(2, 12);
        x.Unflatten(1, 3, 4).Shape.Should().Equal(2, 3, 4);
        x.Unflatten(-1, 2, -1, 3).Shape.Should().Equal(2, 2, 2, 3);
        x.Unflatten(0, 1, 2).Shape.Should().Equal(1, 2, 12);
        x.Unflatten(1, 3, 4).ShouldBeClose(x.ToDoubleArray(), 0);
        FluentActions.Invoking(() => x.Unflatten(1, 5, 2)).Should().Throw<ArgumentException>().WithMessage("*[5, 2]*12*[2, 12]*");
        FluentActions.Invoking(() => x.Unflatten(1, 5, -1)).Should().Throw<ArgumentException>().WithMessage("*[5, -1]*");
        FluentActions.Invoking(() => x.Unflatten(1, -1, -1)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Squeeze_and_unsqueeze_shapes()
    {
        var x = Tensor.Zeros(1, 3, 1, 2);
        x.Squeeze().Shape.Should().Equal(3, 2);
        x.Squeeze(0).Shape.Should().Equal(3, 1, 2);
        x.Squeeze(-2).Shape.Should().Equal(1, 3, 2);
        x.Squeeze(1).Shape.Should().Equal(1, 3, 1, 2);   // size 3: unchanged, as in PyTorch
        Tensor.Zeros(1, 1).Squeeze().Rank.Should().Be(0);
        var y = Tensor.Zeros(3, 2);
        y.Unsqueeze(0).Shape.Should().Equal(1, 3, 2);
        y.Unsqueeze(1).Shape.Should().Equal(3, 1, 2);
        y.Unsqueeze(2).Shape.Should().Equal(3, 2, 1);
        y.Unsqueeze(-1).Shape.Should().Equal(3, 2, 1);
        y.Unsqueeze(-3).Shape.Should().Equal(1, 3, 2);
        Tensor.Scalar(1).Unsqueeze(0).Shape.Should().Equal(1);
        FluentActions.Invoking(() => y.Unsqueeze(3)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*3*rank 2*");
        FluentActions.Invoking(() => y.Unsqueeze(-4)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => y.Squeeze(2)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Repeat_tiles_like_pytorch()
    {
        var x = Seq(2, 2);
        var y = x.Repeat(2, 3);
        y.Shape.Should().Equal(4, 6);
        y.ShouldBeClose([
            0, 1, 0, 1, 0, 1,
            2, 3, 2, 3, 2, 3,
            0, 1, 0, 1, 0, 1,
            2, 3, 2, 3, 2, 3,
        ], 0);
        var z = Seq(3).Repeat(2, 1, 2);
        z.Shape.Should().Equal(2, 1, 6);
        z.ShouldBeClose([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 0);
        x.Repeat(0, 1).Shape.Should().Equal(0, 2);
        FluentActions.Invoking(() => x.Repeat(2)).Should().Throw<ArgumentException>().WithMessage("*[2, 2]*");
        FluentActions.Invoking(() => x.Repeat(1, -1)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Shape_ops_pass_first_and_second_order_checks()
    {
        var gen = new Generator(51);
        var a = TestUtil.RandnD(gen, 2, 1, 3);
        Tensor F(Tensor[] x)
        {
            var s = x[0].Squeeze(1);                         // [2, 3]
            var f = x[0].Flatten();                          // [6]
            var u = f.Unflatten(0, 3, 2).Unsqueeze(0);       // [1, 3, 2]
            return (s.Unsqueeze(-1) * u.Squeeze().Transpose(0, 1).Unsqueeze(-1)).Squeeze() * s;
        }

        TestUtil.AssertGrad(F, a);
        TestUtil.AssertGradGrad(F, a);
        TestUtil.AssertGrad(x => x[0].Repeat(2, 1, 2) * x[0].Repeat(2, 1, 2), a);
        TestUtil.AssertGradGrad(x => x[0].Repeat(1, 2, 1, 1) * x[0].Squeeze().Repeat(2, 1), a);
    }

    [Fact]
    public void Tril_and_triu_by_hand()
    {
        var x = Seq(3, 4).Add(1.0);
        x.Tril().ShouldBeClose([1, 0, 0, 0, 5, 6, 0, 0, 9, 10, 11, 0], 0);
        x.Tril(1).ShouldBeClose([1, 2, 0, 0, 5, 6, 7, 0, 9, 10, 11, 12], 0);
        x.Tril(-1).ShouldBeClose([0, 0, 0, 0, 5, 0, 0, 0, 9, 10, 0, 0], 0);
        x.Triu().ShouldBeClose([1, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12], 0);
        x.Triu(2).ShouldBeClose([0, 0, 3, 4, 0, 0, 0, 8, 0, 0, 0, 0], 0);
        x.Triu(-1).ShouldBeClose([1, 2, 3, 4, 5, 6, 7, 8, 0, 10, 11, 12], 0);
        x.Tril(int.MaxValue).ShouldBeClose(x.ToDoubleArray(), 0);
        x.Triu(int.MinValue).ShouldBeClose(x.ToDoubleArray(), 0);
        x.Tril(int.MinValue).ShouldBeClose(new double[12], 0);
    }

    [Fact]
    public void Tril_and_triu_are_batched_over_leading_dimensions()
    {
        var x = Seq(2, 2, 2).Float().Add(1.0);
        x.Tril().ToArray().Should().Equal(1f, 0f, 3f, 4f, 5f, 0f, 7f, 8f);
        x.Triu(1).ToArray().Should().Equal(0f, 2f, 0f, 0f, 0f, 6f, 0f, 0f);
        FluentActions.Invoking(() => Tensor.Zeros(3).Tril()).Should().Throw<ArgumentException>().WithMessage("*[3]*");
    }

    [Fact]
    public void Tril_and_triu_mask_the_gradient()
    {
        var gen = new Generator(52);
        var a = TestUtil.RandnD(gen, 2, 3, 3);
        TestUtil.AssertGrad(x => x[0].Tril() * x[0].Triu(-1), a);
        TestUtil.AssertGradGrad(x => x[0].Tril(1) * x[0].Triu(), a);
        var l = Tensor.Ones(new Shape(2, 2), DType.Float64).SetRequiresGrad();
        l.Tril().Sum().Backward();
        l.Grad!.ShouldBeClose([1, 0, 1, 1], 0);
    }
}
