using MathNet.Numerics.LinearAlgebra;
using Vae.Core;

namespace Vae.Core.Tests;

public sealed class LinalgTests
{
    private static Tensor SpdD(Generator g, int n)
    {
        var x = TestUtil.RandnD(g, n, n);
        using (Autograd.NoGrad())
        {
            return x.MatMul(x.Transpose(0, 1)) + (Tensor.Eye(n, dtype: DType.Float64) * n);
        }
    }

    /// <summary>Makes a symmetric positive-definite matrix differentiably from an unconstrained one.</summary>
    private static Tensor Spd(Tensor x) => x.MatMul(x.Transpose(0, 1)) + (Tensor.Eye(x.Shape[0], dtype: DType.Float64) * 3.0);

    [Fact]
    public void Cholesky_matches_MathNet_and_reconstructs()
    {
        var a = SpdD(new Generator(3), 5);
        var l = a.Cholesky();
        var reference = Matrix<double>.Build.DenseOfRowMajor(5, 5, a.ToDoubleArray()).Cholesky().Factor;
        l.ShouldBeClose(reference.ToRowMajorArray(), 1e-12);
        l.MatMul(l.Transpose(0, 1)).ShouldBeClose(a.ToDoubleArray(), 1e-10);
    }

    [Fact]
    public void Cholesky_float32_batched()
    {
        var g = new Generator(4);
        var a0 = SpdD(g, 3);
        var a1 = SpdD(g, 3);
        var batch = Tensor.FromArray([.. a0.ToDoubleArray(), .. a1.ToDoubleArray()], 2, 3, 3).Float();
        var l = batch.Cholesky().ToDoubleArray();
        var l1 = a1.Cholesky().ToDoubleArray();
        for (int i = 0; i < 9; i++)
        {
            l[9 + i].Should().BeApproximately(l1[i], 1e-5);
        }
    }

    [Fact]
    public void Cholesky_of_indefinite_matrix_throws()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 2, 1 } });
        var act = () => a.Cholesky();
        act.Should().Throw<ArgumentException>().WithMessage("*not positive definite*pivot 1*");
        var notSquare = () => Tensor.Zeros(2, 3).Cholesky();
        notSquare.Should().Throw<ArgumentException>().WithMessage("*[2, 3]*");
    }

    [Fact]
    public void Cholesky_gradients_first_and_second_order()
    {
        var x = TestUtil.RandnD(new Generator(5), 4, 4);
        TestUtil.AssertGrad(p => Spd(p[0]).Cholesky(), x);
        TestUtil.AssertGradGrad(p => Spd(p[0]).Cholesky(), x);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void SolveTriangular_matches_MathNet(bool upper, bool transposeA)
    {
        var g = new Generator(6);
        var l = SpdD(g, 4).Cholesky();
        var a = upper ? l.Transpose(0, 1) : l;
        var b = TestUtil.RandnD(g, 4, 3);
        var x = Tensor.SolveTriangular(a, b, upper, transposeA);
        var am = Matrix<double>.Build.DenseOfRowMajor(4, 4, a.ToDoubleArray());
        var bm = Matrix<double>.Build.DenseOfRowMajor(4, 3, b.ToDoubleArray());
        var expected = (transposeA ? am.Transpose() : am).Solve(bm);
        x.ShouldBeClose(expected.ToRowMajorArray(), 1e-10);
    }

    [Fact]
    public void SolveTriangular_reads_only_its_triangle()
    {
        var l = Tensor.FromArray(new double[,] { { 2, 99 }, { 1, 4 } });
        var b = Tensor.FromArray(new double[,] { { 2 }, { 9 } });
        Tensor.SolveTriangular(l, b, upper: false).ShouldBeClose([1, 2]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void SolveTriangular_gradients_first_and_second_order(bool upper, bool transposeA)
    {
        var g = new Generator(7);
        var l = SpdD(g, 3).Cholesky();
        var a = upper ? l.Transpose(0, 1) : l;
        var b = TestUtil.RandnD(g, 3, 2);
        TestUtil.AssertGrad(p => Tensor.SolveTriangular(p[0], p[1], upper, transposeA), a, b);
        TestUtil.AssertGradGrad(p => Tensor.SolveTriangular(p[0], p[1], upper, transposeA), a, b);
    }

    [Fact]
    public void SolveTriangular_shape_errors_name_both_shapes()
    {
        var act = () => Tensor.SolveTriangular(Tensor.Eye(3), Tensor.Zeros(4, 2), upper: false);
        act.Should().Throw<ArgumentException>().WithMessage("*[3, 3]*[4, 2]*");
    }
}
