using MathNet.Numerics.LinearAlgebra;

namespace Vae.Core.Tests;

/// <summary>Tensor.MatMul / Outer / internal NT·TN products: values against MathNet, shapes, errors and gradients.</summary>
public sealed class MatMulTests
{
    [Fact]
    public void Two_d_product_matches_MathNet_in_float64_and_float32()
    {
        var g = new Generator(1);
        var a = TestUtil.RandnD(g, 37, 70);
        var b = TestUtil.RandnD(g, 70, 45);
        var expected = ToMatrix(a, 37, 70) * ToMatrix(b, 70, 45);
        var y = a.MatMul(b);
        y.Shape.Should().Equal(37, 45);
        y.ShouldBeClose(Flatten(expected), 1e-12);

        var y32 = a.Float().MatMul(b.Float());
        y32.DType.Should().Be(DType.Float32);
        y32.ShouldBeClose(Flatten(expected), 1e-4);
    }

    [Fact]
    public void Batched_product_broadcasts_batch_dimensions()
    {
        var g = new Generator(2);
        var a = TestUtil.RandnD(g, 2, 1, 3, 4);
        var b = TestUtil.RandnD(g, 3, 4, 5);
        var y = a.MatMul(b);
        y.Shape.Should().Equal(2, 3, 3, 5);
        var av = a.ToDoubleArray();
        var bv = b.ToDoubleArray();
        var expected = new List<double>();
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                var am = Matrix<double>.Build.DenseOfRowMajor(3, 4, av.AsSpan(i * 12, 12).ToArray());
                var bm = Matrix<double>.Build.DenseOfRowMajor(4, 5, bv.AsSpan(j * 20, 20).ToArray());
                expected.AddRange(Flatten(am * bm));
            }
        }

        y.ShouldBeClose(expected.ToArray(), 1e-12);
    }

    [Fact]
    public void Batched_times_matrix_and_matrix_times_batched()
    {
        var g = new Generator(3);
        var a = TestUtil.RandnD(g, 2, 3, 4);
        var w = TestUtil.RandnD(g, 4, 5);
        var y = a.MatMul(w);
        y.Shape.Should().Equal(2, 3, 5);
        y.ShouldBeClose(a.Reshape(6, 4).MatMul(w).ToDoubleArray(), 1e-12);

        var m = TestUtil.RandnD(g, 2, 3);
        var z = m.MatMul(a);
        z.Shape.Should().Equal(2, 2, 4);
        var av = a.ToDoubleArray();
        var expected = new List<double>();
        for (int i = 0; i < 2; i++)
        {
            expected.AddRange(Flatten(ToMatrix(m, 2, 3) * Matrix<double>.Build.DenseOfRowMajor(3, 4, av.AsSpan(i * 12, 12).ToArray())));
        }

        z.ShouldBeClose(expected.ToArray(), 1e-12);
    }

    [Fact]
    public void One_d_operands_follow_pytorch()
    {
        var a = Tensor.FromArray([1.0, 2.0, 3.0]);
        var b = Tensor.FromArray([4.0, -5.0, 6.0]);
        var dot = a.MatMul(b);
        dot.Shape.Should().BeEmpty();
        dot.Item().Should().Be(12.0);

        var m = Tensor.FromArray([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 2);
        var vm = a.MatMul(m);
        vm.Shape.Should().Equal(2);
        vm.ShouldBeClose([22, 28], 1e-12);

        var mv = m.Reshape(2, 3).MatMul(a);
        mv.Shape.Should().Equal(2);
        mv.ShouldBeClose([14, 32], 1e-12);

        var batched = Tensor.FromArray([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0], 2, 3, 2);
        var vb = a.MatMul(batched);
        vb.Shape.Should().Equal(2, 2);
        vb.ShouldBeClose([22, 28, 0, 6], 1e-12);
        var bv = batched.Reshape(2, 2, 3).MatMul(a);
        bv.Shape.Should().Equal(2, 2);
        bv.ShouldBeClose([14, 32, 2, 4], 1e-12);
    }

    [Fact]
    public void Outer_product_values()
    {
        var y = Tensor.Outer(Tensor.FromArray([1.0, 2.0]), Tensor.FromArray([3.0, 4.0, 5.0]));
        y.Shape.Should().Equal(2, 3);
        y.ShouldBeClose([3, 4, 5, 6, 8, 10], 1e-15);
    }

    [Fact]
    public void NT_and_TN_products_equal_products_with_materialised_transposes()
    {
        var g = new Generator(4);
        var a = TestUtil.RandnD(g, 2, 5, 7);
        var b = TestUtil.RandnD(g, 2, 6, 7);
        Tensor.MatMulNT(a, b).ShouldBeClose(a.MatMul(b.Transpose(-1, -2)).ToDoubleArray(), 1e-12);
        var c = TestUtil.RandnD(g, 7, 5);
        var d = TestUtil.RandnD(g, 2, 7, 3);
        var tn = Tensor.MatMulTN(c, d);
        tn.Shape.Should().Equal(2, 5, 3);
        tn.ShouldBeClose(c.Transpose(0, 1).MatMul(d).ToDoubleArray(), 1e-12);
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 5, 6 }, "MatMul: shapes [3, 4] and [5, 6] are not compatible*")]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 4, 5 }, "MatMul: shapes [2, 3, 4] and [3, 4, 5] are not compatible*batch*")]
    [InlineData(new[] { 3 }, new[] { 4 }, "MatMul: shapes [3] and [4] are not compatible*")]
    [InlineData(new[] { 3 }, new[] { 4, 2 }, "MatMul: shapes [3] and [4, 2] are not compatible*")]
    [InlineData(new[] { 2, 3 }, new int[0], "MatMul: shapes [2, 3] and [] are not compatible*")]
    public void Incompatible_shapes_throw_naming_both(int[] sa, int[] sb, string message)
    {
        var act = () => Tensor.Zeros(sa).MatMul(Tensor.Zeros(sb));
        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Other_bad_arguments_throw()
    {
        var outer = () => Tensor.Outer(Tensor.Zeros(2, 2), Tensor.Zeros(3));
        outer.Should().Throw<ArgumentException>().WithMessage("Outer: shapes [2, 2] and [3]*");
        var dtype = () => Tensor.Zeros(2, 2).MatMul(Tensor.Zeros(new Shape(2, 2), DType.Float64));
        dtype.Should().Throw<ArgumentException>().WithMessage("MatMul*");
    }

    [Fact]
    public void Gradients_of_two_d_product_first_and_second_order()
    {
        var g = new Generator(5);
        var a = TestUtil.RandnD(g, 3, 4);
        var b = TestUtil.RandnD(g, 4, 2);
        Tensor F(Tensor[] x) => x[0].MatMul(x[1]);
        TestUtil.AssertGrad(F, a, b);
        TestUtil.AssertGradGrad(x => (F(x) * F(x)).Sum(), a, b);
    }

    [Fact]
    public void Gradients_of_batched_broadcast_product_first_and_second_order()
    {
        var g = new Generator(6);
        var a = TestUtil.RandnD(g, 2, 1, 3, 2);
        var b = TestUtil.RandnD(g, 2, 2, 3);
        Tensor F(Tensor[] x) => x[0].MatMul(x[1]);
        TestUtil.AssertGrad(F, a, b);
        TestUtil.AssertGradGrad(x => (F(x) * F(x)).Sum(), a, b);

        // A 2-D right operand shared by every batch (its gradient is summed over the batch inside one GEMM).
        var c = TestUtil.RandnD(g, 2, 3, 4);
        var w = TestUtil.RandnD(g, 4, 2);
        TestUtil.AssertGrad(F, c, w);
        TestUtil.AssertGradGrad(x => (F(x) * F(x)).Sum(), c, w);
    }

    [Fact]
    public void Gradients_of_one_d_cases_and_outer()
    {
        var g = new Generator(7);
        var v = TestUtil.RandnD(g, 3);
        var u = TestUtil.RandnD(g, 3);
        var m = TestUtil.RandnD(g, 3, 2);
        TestUtil.AssertGrad(x => x[0].MatMul(x[1]), v, u);
        TestUtil.AssertGrad(x => x[0].MatMul(x[1]), v, m);
        TestUtil.AssertGrad(x => x[1].Transpose(0, 1).MatMul(x[0]), v, m);
        TestUtil.AssertGrad(x => Tensor.Outer(x[0], x[1]), v, u);
        TestUtil.AssertGradGrad(x => Tensor.Outer(x[0], x[1]).Pow2().Sum(), v, u);
        TestUtil.AssertGradGrad(x => x[0].MatMul(x[1]).Pow2().Sum(), v, m);
    }

    [Fact]
    public void Gradients_of_NT_and_TN_first_and_second_order()
    {
        var g = new Generator(8);
        var a = TestUtil.RandnD(g, 2, 3, 4);
        var b = TestUtil.RandnD(g, 2, 4);
        TestUtil.AssertGrad(x => Tensor.MatMulNT(x[0], x[1]), a, b);
        TestUtil.AssertGradGrad(x => Tensor.MatMulNT(x[0], x[1]).Pow2().Sum(), a, b);
        var c = TestUtil.RandnD(g, 3, 2);
        var d = TestUtil.RandnD(g, 2, 3, 4);
        TestUtil.AssertGrad(x => Tensor.MatMulTN(x[0], x[1]), c, d);
        TestUtil.AssertGradGrad(x => Tensor.MatMulTN(x[0], x[1]).Pow2().Sum(), c, d);
    }

    internal static Matrix<double> ToMatrix(Tensor t, int rows, int cols) => Matrix<double>.Build.DenseOfRowMajor(rows, cols, t.ToDoubleArray());

    internal static double[] Flatten(Matrix<double> m)
    {
        var r = new double[m.RowCount * m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
        {
            for (int j = 0; j < m.ColumnCount; j++)
            {
                r[(i * m.ColumnCount) + j] = m[i, j];
            }
        }

        return r;
    }
}

/// <summary>Test-local helpers.</summary>
internal static class MatMulTestExtensions
{
    /// <summary>x·x (kept local so these tests depend only on Mul).</summary>
    public static Tensor Pow2(this Tensor x) => x * x;
}
