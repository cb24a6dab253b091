using Vae.Core.Kernels;

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
            PermuteCopy.Run<float>(Span<float>(), Shape.Dims, perm, y.Span<float>());
        }
        else
        {
            PermuteCopy.Run<double>(Span<double>(), Shape.Dims, perm, y.Span<double>());
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
}
