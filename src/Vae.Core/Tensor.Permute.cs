namespace Vae.Core;

public partial class Tensor
{
    /// <summary>Swaps two dimensions (negative counts from the end), materialising the result.</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int d0 = Shape.NormalizeDim(dim0), d1 = Shape.NormalizeDim(dim1);
        var perm = AllDims();
        (perm[d0], perm[d1]) = (perm[d1], perm[d0]);
        return Permute(perm);
    }

    /// <summary>Reorders dimensions: result dimension i is input dimension <paramref name="dims"/>[i].</summary>
    public Tensor Permute(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length != Rank)
        {
            throw new ArgumentException($"Permute: {dims.Length} dimensions given for a tensor of shape {Shape}.", nameof(dims));
        }

        var perm = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = Shape.NormalizeDim(dims[i]);
            if (seen[d])
            {
                throw new ArgumentException($"Permute: dimension {dims[i]} repeated in {Shape.Format(dims)}.", nameof(dims));
            }

            seen[d] = true;
            perm[i] = d;
        }

        var outDims = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            outDims[i] = Shape.Dims[perm[i]];
        }

        var y = Empty(new Shape(outDims), DType);
        if (DType == DType.Float32)
        {
            PermuteKernel<float>(Span<float>(), Shape.Strides(), perm, outDims, y.Span<float>());
        }
        else
        {
            PermuteKernel<double>(Span<double>(), Shape.Strides(), perm, outDims, y.Span<double>());
        }

        if (ShouldRecord(this))
        {
            var inverse = new int[Rank];
            for (int i = 0; i < Rank; i++)
            {
                inverse[perm[i]] = i;
            }

            y.SetGradFn("Permute", [this], (g, _) => [g.Permute(inverse)]);
        }

        return y;
    }

    private static void PermuteKernel<T>(ReadOnlySpan<T> src, int[] srcStrides, int[] perm, int[] outDims, Span<T> dst)
    {
        int rank = outDims.Length;
        if (dst.Length == 0)
        {
            return;
        }

        if (rank == 0)
        {
            dst[0] = src[0];
            return;
        }

        var strides = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            strides[i] = srcStrides[perm[i]];
        }

        var counter = new int[rank];
        int inner = outDims[rank - 1], innerStride = strides[rank - 1];
        int off = 0;
        for (int o = 0; o < dst.Length; o += inner)
        {
            for (int j = 0, s = off; j < inner; j++, s += innerStride)
            {
                dst[o + j] = src[s];
            }

            for (int k = rank - 2; k >= 0; k--)
            {
                counter[k]++;
                off += strides[k];
                if (counter[k] < outDims[k])
                {
                    break;
                }

                off -= strides[k] * outDims[k];
                counter[k] = 0;
            }
        }
    }
}
