using Vae.Core;
using Vae.Core.Kernels;

namespace Vae.Core.Tests;

public sealed class PermuteTests
{
    public static TheoryData<int[], int[]> Cases => new()
    {
        // Plain and batched 2-D transposes: sizes off the 8×8 (4×4) block and 32×32 tile grid exercise the edges.
        { [3, 5], [1, 0] },
        { [8, 8], [1, 0] },
        { [37, 70], [1, 0] },
        { [64, 40], [1, 0] },
        { [3, 17, 9], [0, 2, 1] },
        { [2, 3, 33, 12], [0, 1, 3, 2] },

        // Innermost dimension kept innermost: copies of contiguous runs.
        { [4, 5, 6], [1, 0, 2] },
        { [2, 3, 4, 5], [2, 0, 1, 3] },

        // General permutations, merged (coalesced) dimensions and size-1 dimensions.
        { [2, 3, 4], [2, 0, 1] },
        { [2, 3, 4, 5], [3, 2, 1, 0] },
        { [2, 3, 4, 5], [2, 3, 0, 1] },
        { [5, 1, 7, 1], [3, 2, 1, 0] },
        { [1, 9, 1], [2, 0, 1] },
        { [6, 1], [1, 0] },
        { [4, 0, 3], [2, 1, 0] },
        { [], [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Permute_matches_a_naive_reference_in_both_dtypes(int[] shape, int[] perm)
    {
        var gen = new Generator(7);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.Randn(new Shape(shape), gen, dtype);
            var y = x.Permute(perm);
            var expectedShape = perm.Select(p => shape[p]).ToArray();
            y.Shape.Should().Equal(expectedShape);
            y.ToDoubleArray().Should().Equal(NaivePermute(x.ToDoubleArray(), shape, perm));
        }
    }

    [Fact]
    public void Transpose_of_a_2x3_matrix_by_hand()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
        var y = x.Transpose(0, 1);
        y.Shape.Should().Equal(3, 2);
        y.ShouldBeClose([1, 4, 2, 5, 3, 6], 0);
        x.Transpose(-1, -2).ShouldBeClose([1, 4, 2, 5, 3, 6], 0);
    }

    [Fact]
    public void Transpose2D_between_strided_matrices_leaves_other_elements_alone()
    {
        // A 9×11 block inside a 13-wide source, written into a 12-wide destination with a guard value around it.
        var src = Enumerable.Range(0, 13 * 12).Select(i => (float)i).ToArray();
        var dst = Enumerable.Repeat(-1f, 12 * 10).ToArray();
        PermuteCopy.Transpose2D<float>(src, 14, 13, dst, 13, 12, 9, 11);
        for (int i = 0; i < 10; i++)
        {
            for (int j = 0; j < 12; j++)
            {
                int d = (i * 12) + j;
                bool inside = d >= 13 && (d - 13) / 12 < 9 && (d - 13) % 12 < 11;
                float expected = inside ? src[14 + (((d - 13) % 12) * 13) + ((d - 13) / 12)] : -1f;
                dst[d].Should().Be(expected, $"destination element {d}");
            }
        }
    }

    [Fact]
    public void Simplify_merges_adjacent_dimensions_and_drops_size_one()
    {
        var (dims, perm) = PermuteCopy.Simplify([2, 3, 1, 4, 5], [3, 4, 2, 0, 1]);
        dims.Should().Equal(6, 20);
        perm.Should().Equal(1, 0);
    }

    [Fact]
    public void Permute_rejects_wrong_length_and_repeated_dimensions()
    {
        var x = Tensor.Zeros(2, 3, 4);
        FluentActions.Invoking(() => x.Permute(0, 1)).Should().Throw<ArgumentException>().WithMessage("*[2, 3, 4]*");
        FluentActions.Invoking(() => x.Permute(0, 1, 1)).Should().Throw<ArgumentException>().WithMessage("*repeated*");
    }

    [Fact]
    public void Permute_and_transpose_pass_first_and_second_order_checks()
    {
        var gen = new Generator(11);
        var a = TestUtil.RandnD(gen, 2, 3, 4);
        Tensor F(Tensor[] x)
        {
            var p = x[0].Permute(2, 0, 1);
            return p * p.Transpose(0, 2).Permute(2, 1, 0);
        }

        TestUtil.AssertGrad(F, a);
        TestUtil.AssertGradGrad(F, a);
    }

    [Fact]
    public void Reshape_passes_first_and_second_order_checks()
    {
        var gen = new Generator(12);
        var a = TestUtil.RandnD(gen, 2, 6);
        Tensor F(Tensor[] x)
        {
            var r = x[0].Reshape(3, 4);
            return (r * r).Reshape(4, 3) * x[0].Reshape(-1, 3);
        }

        TestUtil.AssertGrad(F, a);
        TestUtil.AssertGradGrad(F, a);
    }

    [Fact]
    public void Reshape_to_a_different_element_count_names_both_shapes()
    {
        var x = Tensor.Zeros(2, 3);
        FluentActions.Invoking(() => x.Reshape(4, 2)).Should().Throw<ArgumentException>()
            .WithMessage("*[2, 3]*[4, 2]*");
        FluentActions.Invoking(() => x.Reshape(-1, 4)).Should().Throw<ArgumentException>()
            .WithMessage("*[2, 3]*[-1, 4]*");
    }

    private static double[] NaivePermute(double[] x, int[] shape, int[] perm)
    {
        int rank = shape.Length;
        var outShape = perm.Select(p => shape[p]).ToArray();
        var inStrides = new int[rank];
        for (int i = rank - 1, acc = 1; i >= 0; i--)
        {
            inStrides[i] = acc;
            acc *= shape[i];
        }

        var y = new double[x.Length];
        var idx = new int[rank];
        for (int flat = 0; flat < y.Length; flat++)
        {
            int rem = flat, src = 0;
            for (int i = rank - 1; i >= 0; i--)
            {
                idx[i] = rem % outShape[i];
                rem /= outShape[i];
                src += idx[i] * inStrides[perm[i]];
            }

            y[flat] = x[src];
        }

        return y;
    }
}
