using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>Matrix product of a [m, k] and a [k, n] tensor, giving [m, n].</summary>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckSameDType(this, other, "MatMul");
        if (Rank != 2 || other.Rank != 2 || Shape[1] != other.Shape[0])
        {
            throw new ArgumentException($"MatMul: shapes {Shape} and {other.Shape} are not compatible (need [m, k] and [k, n]).");
        }

        int m = Shape[0], k = Shape[1], n = other.Shape[1];
        var y = Empty(new Shape(m, n), DType);
        if (DType == DType.Float32)
        {
            Gemm.Run<float>(false, false, m, n, k, Span<float>(), k, other.Span<float>(), n, y.Span<float>(), n, false);
        }
        else
        {
            Gemm.Run<double>(false, false, m, n, k, Span<double>(), k, other.Span<double>(), n, y.Span<double>(), n, false);
        }

        if (ShouldRecord(this, other))
        {
            y.SetGradFn("MatMul", [this, other], static (g, node) =>
            [
                node.NeedsGrad[0] ? g.MatMul(node.Inputs[1].Transpose(0, 1)) : null,
                node.NeedsGrad[1] ? node.Inputs[0].Transpose(0, 1).MatMul(g) : null,
            ]);
        }

        return y;
    }
}
