namespace Vae.Core.Tests;

/// <summary>Tensor.Linear (x·Wᵀ + b with W stored [out, in]): values, shapes, errors, first and second order gradients.</summary>
public sealed class FunctionalLinearTests
{
    [Fact]
    public void Values_match_matmul_with_transposed_weight_plus_bias()
    {
        var g = new Generator(11);
        var x = TestUtil.RandnD(g, 6, 5);
        var w = TestUtil.RandnD(g, 4, 5);
        var b = TestUtil.RandnD(g, 4);
        var y = Tensor.Linear(x, w, b);
        y.Shape.Should().Equal(6, 4);
        y.ShouldBeClose((x.MatMul(w.Transpose(0, 1)) + b).ToDoubleArray(), 1e-12);
        Tensor.Linear(x, w).ShouldBeClose(x.MatMul(w.Transpose(0, 1)).ToDoubleArray(), 1e-12);

        // Float32 at a VAE layer shape (multi-threaded GEMM path), against float64.
        var x32 = Tensor.Randn(new Shape(128, 784), g);
        var w32 = Tensor.Randn(new Shape(400, 784), g) * 0.05;
        var b32 = Tensor.Randn(new Shape(400), g);
        Tensor.Linear(x32, w32, b32).ShouldBeClose(Tensor.Linear(x32.Double(), w32.Double(), b32.Double()).ToDoubleArray(), 1e-4);
    }

    [Fact]
    public void Leading_dimensions_and_vectors_are_supported()
    {
        var g = new Generator(12);
        var x = TestUtil.RandnD(g, 2, 3, 5);
        var w = TestUtil.RandnD(g, 4, 5);
        var b = TestUtil.RandnD(g, 4);
        var y = Tensor.Linear(x, w, b);
        y.Shape.Should().Equal(2, 3, 4);
        y.ShouldBeClose(Tensor.Linear(x.Reshape(6, 5), w, b).ToDoubleArray(), 1e-12);
        var xv = TestUtil.RandnD(g, 5);
        var v = Tensor.Linear(xv, w, b);
        v.Shape.Should().Equal(4);
        v.ShouldBeClose(Tensor.Linear(xv.Reshape(1, 5), w, b).ToDoubleArray(), 1e-12);
    }

    [Fact]
    public void Bad_shapes_throw_naming_them()
    {
        var act = () => Tensor.Linear(Tensor.Zeros(3, 4), Tensor.Zeros(5, 6));
        act.Should().Throw<ArgumentException>().WithMessage("Linear: input [3, 4] and weight [5, 6]*");
        act = () => Tensor.Linear(Tensor.Zeros(3, 6), Tensor.Zeros(5, 6), Tensor.Zeros(4));
        act.Should().Throw<ArgumentException>().WithMessage("Linear: bias [4]*weight [5, 6]*");
    }

    [Fact]
    public void Gradients_first_and_second_order()
    {
        var g = new Generator(13);
        var x = TestUtil.RandnD(g, 3, 4);
        var w = TestUtil.RandnD(g, 2, 4);
        var b = TestUtil.RandnD(g, 2);
        TestUtil.AssertGrad(p => Tensor.Linear(p[0], p[1], p[2]), x, w, b);
        TestUtil.AssertGradGrad(p => Tensor.Linear(p[0], p[1], p[2]).Pow2().Sum(), x, w, b);
        TestUtil.AssertGrad(p => Tensor.Linear(p[0], p[1]), x, w);

        var x3 = TestUtil.RandnD(g, 2, 2, 4);
        TestUtil.AssertGrad(p => Tensor.Linear(p[0], p[1], p[2]), x3, w, b);
        TestUtil.AssertGradGrad(p => (Tensor.Linear(p[0], p[1], p[2]) * Tensor.Linear(p[0], p[1])).Sum(), x3, w, b);
    }
}
