using MathNet.Numerics.Statistics;
using Vae.Core;
using static Vae.Core.Tests.ReductionReference;

namespace Vae.Core.Tests;

public sealed class ReductionValueTests
{
    // float32 results are compared with float64 references at this tolerance (sums of ≤ a few hundred O(1) terms).
    private const double F32Tol = 1e-5;
    private const double F64Tol = 1e-12;

    public static TheoryData<DType> DTypes => new() { DType.Float32, DType.Float64 };

    private static double Tol(DType d) => d == DType.Float32 ? F32Tol : F64Tol;

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Mean_over_all_rows_columns_and_dim_sets(DType dtype)
    {
        var x = Rand(1, dtype, 4, 5, 6);
        var d = x.ToDoubleArray();
        x.Mean().Item().Should().BeApproximately(d.Average(), Tol(dtype));
        x.Mean().Rank.Should().Be(0);

        var row = x.Mean(-1);
        row.Shape.ToArray().Should().Equal(4, 5);
        row.ShouldBeClose(Reduce(d, 20, 6, 1, s => s.Average()), Tol(dtype));

        var col = x.Mean(0, keepDim: true);
        col.Shape.ToArray().Should().Equal(1, 5, 6);
        col.ShouldBeClose(Reduce(d, 1, 4, 30, s => s.Average()), Tol(dtype));

        var mid = x.Mean([2, 1]);
        mid.Shape.ToArray().Should().Equal(4);
        mid.ShouldBeClose(Reduce(d, 4, 30, 1, s => s.Average()), Tol(dtype));

        // Non-adjacent dims: mean over 0 and 2 equals mean over 2 then over 0.
        var outer = x.Mean([0, 2], keepDim: true);
        outer.Shape.ToArray().Should().Equal(1, 5, 1);
        var viaTwo = Reduce(Reduce(d, 20, 6, 1, s => s.Average()), 1, 4, 5, s => s.Average());
        outer.ShouldBeClose(viaTwo, Tol(dtype));
        outer.DType.Should().Be(dtype);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Max_and_Min_along_rows_and_columns_match_naive(DType dtype)
    {
        // inner = 37 exercises both the vector body and the scalar tail of the column kernel.
        var x = Rand(2, dtype, 3, 9, 37);
        var d = x.ToDoubleArray();
        var (v, i) = x.Max(1);
        v.Shape.ToArray().Should().Equal(3, 37);
        i.Shape.ToArray().Should().Equal(3, 37);
        v.ShouldBeClose(Reduce(d, 3, 9, 37, s => s.Max()), 0);
        i.ShouldBeClose(Reduce(d, 3, 9, 37, s => Array.IndexOf(s, s.Max())), 0);
        i.DType.Should().Be(dtype);

        var (vr, ir) = x.Min(-1, keepDim: true);
        vr.Shape.ToArray().Should().Equal(3, 9, 1);
        vr.ShouldBeClose(Reduce(d, 27, 37, 1, s => s.Min()), 0);
        ir.ShouldBeClose(Reduce(d, 27, 37, 1, s => Array.IndexOf(s, s.Min())), 0);

        x.ArgMax(0).ShouldBeClose(Reduce(d, 1, 3, 333, s => Array.IndexOf(s, s.Max())), 0);
        x.ArgMin(0, keepDim: true).Shape.ToArray().Should().Equal(1, 9, 37);
        x.ArgMin(0).ShouldBeClose(Reduce(d, 1, 3, 333, s => Array.IndexOf(s, s.Min())), 0);
        x.Max().Item().Should().Be(d.Max());
        x.Min().Item().Should().Be(d.Min());
        x.ArgMax().Item().Should().Be(Array.IndexOf(d, d.Max()));
        x.ArgMin().Item().Should().Be(Array.IndexOf(d, d.Min()));
    }

    [Fact]
    public void Max_ties_pick_the_first_occurrence_and_NaN_wins_like_PyTorch()
    {
        // Columns: ties in column 0, a NaN in column 1 (PyTorch: max is NaN at the NaN's index).
        var x = Tensor.FromArray([2.0, 1, 5, 2, double.NaN, 5, 0, 3, 5], 3, 3);
        var (v, i) = x.Max(0);
        v[0].Should().Be(2);
        double.IsNaN(v[1]).Should().BeTrue();
        v[2].Should().Be(5);
        i.ShouldBeClose([0, 1, 0], 0);

        var (rv, ri) = x.Max(1);
        ri.ShouldBeClose([2, 1, 2], 0);
        double.IsNaN(rv[1]).Should().BeTrue();
        x.Min(1).Indices.ShouldBeClose([1, 1, 0], 0);

        // Wide rows (vector path) with ties.
        var wide = Tensor.Full(new Shape(4, 40), 7.0);
        wide.Max(0).Indices.ShouldBeClose(new double[40], 0);
        wide.Min(1).Indices.ShouldBeClose(new double[4], 0);
        double.IsNaN(x.Max().Item()).Should().BeTrue();

        // NaN through the vectorised column path, float32 and float64.
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var w = new double[3 * 40];
            w[40 + 5] = double.NaN;
            w[80 + 5] = 9;
            w[80 + 6] = 9;
            var (wv, wi) = Tensor.FromArray(w, 3, 40).To(dtype).Max(0);
            double.IsNaN(wv[5]).Should().BeTrue();
            wi[5].Should().Be(1);
            wi[6].Should().Be(2);
            wi[7].Should().Be(0);
            Tensor.FromArray(w, 3, 40).To(dtype).Min(0).Indices[5].Should().Be(1);
        }
    }

    [Fact]
    public void AMax_and_AMin_over_several_dims()
    {
        var x = Rand(3, DType.Float64, 2, 3, 4);
        var d = x.ToDoubleArray();
        var m = x.AMax([0, 2]);
        m.Shape.ToArray().Should().Equal(3);
        var expected = new double[3];
        for (int j = 0; j < 3; j++)
        {
            expected[j] = Enumerable.Range(0, 24).Where(k => (k / 4) % 3 == j).Max(k => d[k]);
        }

        m.ShouldBeClose(expected, 0);
        x.AMin([-1], keepDim: true).ShouldBeClose(Reduce(d, 6, 4, 1, s => s.Min()), 0);
        x.AMin([-1], keepDim: true).Shape.ToArray().Should().Equal(2, 3, 1);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Var_and_Std_match_MathNet(DType dtype)
    {
        var x = Rand(4, dtype, 6, 7);
        var d = x.ToDoubleArray();
        double tol = dtype == DType.Float32 ? 1e-5 : 1e-12;
        x.Var().Item().Should().BeApproximately(d.Variance(), tol);
        x.Var(unbiased: false).Item().Should().BeApproximately(d.PopulationVariance(), tol);
        x.Std().Item().Should().BeApproximately(d.StandardDeviation(), tol);
        x.Std(unbiased: false).Item().Should().BeApproximately(d.PopulationStandardDeviation(), tol);

        x.Var(1).ShouldBeClose(Reduce(d, 6, 7, 1, s => s.Variance()), tol);
        x.Var(0, unbiased: false, keepDim: true).Shape.ToArray().Should().Equal(1, 7);
        x.Var(0, unbiased: false, keepDim: true).ShouldBeClose(Reduce(d, 1, 6, 7, s => s.PopulationVariance()), tol);
        x.Std(-1, keepDim: true).ShouldBeClose(Reduce(d, 6, 7, 1, s => s.StandardDeviation()), tol);
        x.Std([0, 1]).Item().Should().BeApproximately(d.StandardDeviation(), tol);
        x.Var([0]).DType.Should().Be(dtype);
    }

    [Fact]
    public void Var_is_accurate_for_a_large_offset_and_NaN_for_one_unbiased_element()
    {
        // Two-pass variance: a naive E[x²] − E[x]² in float32 would lose everything at offset 1e4.
        var x = Tensor.FromArray([10000f, 10001f, 10002f, 10003f]);
        x.Var().Item().Should().BeApproximately(5.0 / 3.0, 1e-6);
        double.IsNaN(Tensor.FromArray([1.0]).Var().Item()).Should().BeTrue();
        Tensor.FromArray([1.0]).Var(unbiased: false).Item().Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Norm_of_various_orders(DType dtype)
    {
        var x = Tensor.FromArray([3.0, -4.0, 0.0, 1.0], 2, 2).To(dtype);
        double tol = Tol(dtype);
        x.Norm().Item().Should().BeApproximately(Math.Sqrt(26), tol);
        x.Norm(1).Item().Should().BeApproximately(8, tol);
        x.Norm(double.PositiveInfinity).Item().Should().Be(4);
        x.Norm(double.NegativeInfinity).Item().Should().Be(0);
        x.Norm(0).Item().Should().Be(3);
        x.Norm(3).Item().Should().BeApproximately(Math.Cbrt(27 + 64 + 1), dtype == DType.Float32 ? 1e-5 : 1e-12);
        x.Norm(2, 1).ShouldBeClose([5, 1], tol);
        x.Norm(2, [0], keepDim: true).Shape.ToArray().Should().Equal(1, 2);
        x.Norm(2, [0], keepDim: true).ShouldBeClose([3, Math.Sqrt(17)], tol);
        x.Norm(1, [0, 1]).Item().Should().BeApproximately(8, tol);
        var act = () => x.Norm(double.NaN);
        act.Should().Throw<ArgumentException>().WithMessage("*NaN*[2, 2]*");
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void LogSumExp_matches_naive_over_rows_columns_and_split_dims(DType dtype)
    {
        var x = Rand(5, dtype, 3, 4, 19);
        var d = x.ToDoubleArray();
        double tol = dtype == DType.Float32 ? 2e-6 : 1e-12;
        x.LogSumExp(-1).ShouldBeClose(Reduce(d, 12, 19, 1, NaiveLogSumExp), tol);
        x.LogSumExp(0, keepDim: true).Shape.ToArray().Should().Equal(1, 4, 19);
        x.LogSumExp(0, keepDim: true).ShouldBeClose(Reduce(d, 1, 3, 76, NaiveLogSumExp), tol);
        x.LogSumExp([1, 2]).ShouldBeClose(Reduce(d, 3, 76, 1, NaiveLogSumExp), tol);
        x.LogSumExp().Item().Should().BeApproximately(NaiveLogSumExp(d), tol * 4);

        // Dims 0 and 2 are not adjacent: the general path.
        var split = x.LogSumExp([0, 2], keepDim: true);
        split.Shape.ToArray().Should().Equal(1, 4, 1);
        var expected = new double[4];
        for (int j = 0; j < 4; j++)
        {
            expected[j] = Math.Log(Enumerable.Range(0, d.Length).Where(k => (k / 19) % 4 == j).Sum(k => Math.Exp(d[k])));
        }

        split.ShouldBeClose(expected, tol * 4);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void LogSumExp_is_stable_for_extreme_inputs(DType dtype)
    {
        Tensor T(params double[] v) => Tensor.FromArray(v).To(dtype);
        double ninf = double.NegativeInfinity, inf = double.PositiveInfinity;
        T(1000, 1000).LogSumExp(0).Item().Should().BeApproximately(1000 + Math.Log(2), 1e-4);
        T(-1000, -1000).LogSumExp(0).Item().Should().BeApproximately(-1000 + Math.Log(2), 1e-4);
        T(ninf, ninf).LogSumExp(0).Item().Should().Be(ninf);
        T(ninf, 0).LogSumExp(0).Item().Should().Be(0);
        T(inf, 1).LogSumExp(0).Item().Should().Be(inf);
        double.IsNaN(T(double.NaN, 1).LogSumExp(0).Item()).Should().BeTrue();

        // The same through the column kernel and the general path.
        var cols = Tensor.FromArray([1000, ninf, inf, 0, 1000, ninf, 1, 0], 2, 4).To(dtype);
        cols.LogSumExp(0).ShouldBeClose([1000 + Math.Log(2), ninf, inf, Math.Log(2)], 1e-4);
        var split = cols.Reshape(2, 4, 1).Expand(2, 4, 2).LogSumExp([0, 2]);
        split.ShouldBeClose([1000 + Math.Log(4), ninf, inf, Math.Log(4)], 1e-4);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Softmax_and_LogSoftmax_match_naive_and_normalise(DType dtype)
    {
        var x = Rand(6, dtype, 3, 5, 11);
        var d = x.ToDoubleArray();
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-14;
        var s = x.Softmax(-1);
        s.Shape.ToArray().Should().Equal(x.Shape.ToArray());
        s.ShouldBeClose(Map(d, 15, 11, 1, NaiveSoftmax), tol);
        s.Sum(-1).ShouldBeClose(Enumerable.Repeat(1.0, 15).ToArray(), tol * 10);
        x.Softmax(1).ShouldBeClose(Map(d, 3, 5, 11, NaiveSoftmax), tol);
        x.Softmax(0).ShouldBeClose(Map(d, 1, 3, 55, NaiveSoftmax), tol);

        double[] NaiveLogSoftmax(double[] v) => NaiveSoftmax(v).Select(p => Math.Log(p)).ToArray();
        x.LogSoftmax(-1).ShouldBeClose(Map(d, 15, 11, 1, NaiveLogSoftmax), tol * 4);
        x.LogSoftmax(0).ShouldBeClose(Map(d, 1, 3, 55, NaiveLogSoftmax), tol * 4);
        x.LogSoftmax(1).DType.Should().Be(dtype);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Softmax_of_large_logits_is_finite(DType dtype)
    {
        var x = Tensor.FromArray([1000.0, 0, -1000, 1000, 1000, 999], 2, 3).To(dtype);
        double e1 = Math.Exp(-1), z = 2 + e1;
        x.Softmax(1).ShouldBeClose([1, 0, 0, 1 / z, 1 / z, e1 / z], 1e-6);
        x.LogSoftmax(1).ShouldBeClose([0, -1000, -2000, -Math.Log(z), -Math.Log(z), -1 - Math.Log(z)], 1e-4);
        x.Softmax(0).ShouldBeClose([0.5, 0, 0, 0.5, 1, 1], 1e-6);
        x.LogSoftmax(0).ShouldBeClose([-Math.Log(2), -1000, -1999, -Math.Log(2), 0, 0], 1e-4);

        // All −∞ slices give NaN, as in PyTorch.
        var allNegInf = Tensor.FromArray([double.NegativeInfinity, double.NegativeInfinity]).To(dtype);
        double.IsNaN(allNegInf.Softmax(0)[0]).Should().BeTrue();
    }

    [Fact]
    public void Bad_dims_throw_naming_the_shape()
    {
        var x = Tensor.Zeros(2, 3);
        Action[] acts =
        [
            () => x.Mean(2),
            () => x.Mean([0, -2]),
            () => x.Max(-3),
            () => x.Min(5, keepDim: true),
            () => x.ArgMax(2),
            () => x.AMax([3]),
            () => x.Var(2),
            () => x.Std([0, 7]),
            () => x.Norm(2, 2),
            () => x.LogSumExp(-3),
            () => x.Softmax(2),
            () => x.LogSoftmax(-3),
        ];
        foreach (var act in acts)
        {
            act.Should().Throw<ArgumentException>().WithMessage("*[2, 3]*");
        }

        var empty = Tensor.Zeros(2, 0);
        var reduceEmpty = () => empty.LogSumExp(1);
        reduceEmpty.Should().Throw<ArgumentException>().WithMessage("*size 0*[2, 0]*");
        var maxEmpty = () => empty.Max(1);
        maxEmpty.Should().Throw<ArgumentException>().WithMessage("*[2, 0]*");
        empty.Softmax(1).Shape.ToArray().Should().Equal(2, 0);
        empty.Mean(0).Shape.ToArray().Should().Equal(0);
    }
}
