using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>Sum of all elements (a scalar).</summary>
    public Tensor Sum() => Sum(AllDims(), keepDim: false);

    /// <summary>Sum over one dimension.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum over the given dimensions (negative counts from the end); keeps them as size 1 when <paramref name="keepDim"/>.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        var nd = Reduction.NormalizeDims(Shape, dims, "Sum");
        var kept = Reduction.Reduce<SumReducer>(this, nd);
        var y = keepDim ? kept : new Tensor(kept.Data, Reduction.DropDims(Shape, nd), DType);
        if (ShouldRecord(this))
        {
            var keepShape = kept.Shape;
            y.SetGradFn("Sum", [this], (g, n) => [g.Reshape(keepShape).Expand(n.Inputs[0].Shape)]);
        }

        return y;
    }

    /// <summary>
    /// Sums a broadcast tensor back to <paramref name="target"/> (the inverse of broadcasting): leading dimensions
    /// and dimensions where <paramref name="target"/> has size 1 are summed.
    /// </summary>
    public Tensor SumToShape(Shape target)
    {
        if (Shape == target)
        {
            return this;
        }

        if (!target.CanBroadcastTo(Shape))
        {
            throw new ArgumentException($"SumToShape: shape {target} does not broadcast to {Shape}.", nameof(target));
        }

        int lead = Rank - target.Rank;
        var dims = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            if (i < lead || (target.Dims[i - lead] == 1 && Shape.Dims[i] != 1))
            {
                dims.Add(i);
            }
        }

        return Sum(dims.ToArray(), keepDim: false).Reshape(target);
    }

    internal int[] AllDims()
    {
        var d = new int[Rank];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = i;
        }

        return d;
    }
}
