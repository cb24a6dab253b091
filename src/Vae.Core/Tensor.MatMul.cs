using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// Matrix product with PyTorch's <c>matmul</c> semantics. 2-D × 2-D: [m, k]·[k, n] → [m, n]. Rank ≥ 3: the last
    /// two dimensions are multiplied and the leading (batch) dimensions broadcast NumPy-style, e.g.
    /// [b, 1, m, k]·[c, k, n] → [b, c, m, n] (a 2-D operand broadcasts over every batch). 1-D operands: [k]·[k] → []
    /// (dot product); [k]·[..., k, n] → [..., n] (vector·matrix); [..., m, k]·[k] → [..., m] (matrix·vector).
    /// Throws <see cref="ArgumentException"/> naming both shapes when they do not fit.
    /// </summary>
    /// <param name="other">The right operand: [k], [k, n] or [..., k, n].</param>
    /// <returns>The product, shaped as above.</returns>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank == 0 || other.Rank == 0)
        {
            throw new ArgumentException(
                $"MatMul: shapes {Shape} and {other.Shape} are not compatible (both operands need at least one dimension).");
        }

        if (Rank >= 2 && other.Rank >= 2)
        {
            return MatMulCore(this, other, Shape, other.Shape);
        }

        // 1-D operands: promote to a 1-row / 1-column matrix, multiply, drop the added dimension.
        var a = Rank == 1 ? Reshape(1, Shape[0]) : this;
        var b = other.Rank == 1 ? other.Reshape(other.Shape[0], 1) : other;
        var y = MatMulCore(a, b, Shape, other.Shape);
        var dims = new List<int>(y.Shape.Dims.ToArray());
        if (other.Rank == 1)
        {
            dims.RemoveAt(dims.Count - 1);
        }

        if (Rank == 1)
        {
            dims.RemoveAt(dims.Count - 1 - (other.Rank == 1 ? 0 : 1));
        }

        return y.Reshape(new Shape(dims.ToArray()));
    }

    /// <summary>Outer product: [m] ⊗ [n] → [m, n] with element (i, j) = a[i]·b[j].</summary>
    /// <param name="a">Vector [m].</param>
    /// <param name="b">Vector [n].</param>
    /// <returns>The matrix [m, n].</returns>
    public static Tensor Outer(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank != 1 || b.Rank != 1)
        {
            throw new ArgumentException($"Outer: shapes {a.Shape} and {b.Shape} are not compatible (both must be 1-D).");
        }

        CheckSameDType(a, b, "Outer");
        return a.Reshape(a.Shape[0], 1) * b.Reshape(1, b.Shape[0]);
    }

    /// <summary>
    /// The affine map of a fully connected layer, y = x·Wᵀ + b, with the weight stored [out, in] as in PyTorch's
    /// <c>nn.functional.linear</c>. Computed by one GEMM (the bias pre-fills the output, the transposed weight is
    /// never materialised), with first- and higher-order gradients.
    /// </summary>
    /// <param name="input">Input x: [..., in] (any number of leading dimensions, including none).</param>
    /// <param name="weight">Weight W: [out, in].</param>
    /// <param name="bias">Bias b: [out], or null for none.</param>
    /// <returns>y: [..., out].</returns>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2 || input.Rank == 0 || input.Shape[-1] != weight.Shape[1])
        {
            throw new ArgumentException(
                $"Linear: input {input.Shape} and weight {weight.Shape} are not compatible (need input [..., in] and weight [out, in]).");
        }

        CheckSameDType(input, weight, "Linear");
        if (bias is not null)
        {
            CheckSameDType(input, bias, "Linear");
            if (bias.Rank != 1 || bias.Shape[0] != weight.Shape[0])
            {
                throw new ArgumentException($"Linear: bias {bias.Shape} does not match weight {weight.Shape} (need [{weight.Shape[0]}]).");
            }
        }

        var y = GemmBatched.Linear(input, weight, bias);
        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        if (ShouldRecord(inputs))
        {
            y.SetGradFn("Linear", inputs, static (g, node) =>
            {
                var x = node.Inputs[0];
                var w = node.Inputs[1];
                int outF = w.Shape[0], inF = w.Shape[1];
                var g2 = g.Reshape(-1, outF);
                return
                [
                    node.NeedsGrad[0] ? g2.MatMul(w).Reshape(x.Shape) : null,
                    node.NeedsGrad[1] ? MatMulTN(g2, x.Reshape(-1, inF)) : null,
                    .. node.Inputs.Length == 3 ? [node.NeedsGrad[2] ? g2.Sum(0) : null] : Array.Empty<Tensor?>(),
                ];
            });
        }

        return y;
    }

    /// <summary>a·bᵀ over the last two dimensions (batch dimensions broadcast): [..., m, k], [..., n, k] → [..., m, n].</summary>
    internal static Tensor MatMulNT(Tensor a, Tensor b)
    {
        CheckMatrices(a, b, "MatMulNT");
        var y = GemmBatched.Product(a, b, false, true, "MatMulNT", a.Shape, b.Shape);
        if (ShouldRecord(a, b))
        {
            y.SetGradFn("MatMulNT", [a, b], static (g, node) =>
            {
                var (x, w) = (node.Inputs[0], node.Inputs[1]);
                return
                [
                    node.NeedsGrad[0] ? MatMulCore(g, w, g.Shape, w.Shape) : null,
                    node.NeedsGrad[1] ? (w.Rank == 2 && x.Rank > 2
                        ? MatMulTN(g.Reshape(-1, g.Shape[-1]), x.Reshape(-1, x.Shape[-1]))
                        : MatMulTN(g, x)) : null,
                ];
            });
        }

        return y;
    }

    /// <summary>aᵀ·b over the last two dimensions (batch dimensions broadcast): [..., k, m], [..., k, n] → [..., m, n].</summary>
    internal static Tensor MatMulTN(Tensor a, Tensor b)
    {
        CheckMatrices(a, b, "MatMulTN");
        var y = GemmBatched.Product(a, b, true, false, "MatMulTN", a.Shape, b.Shape);
        if (ShouldRecord(a, b))
        {
            y.SetGradFn("MatMulTN", [a, b], static (g, node) =>
            [
                node.NeedsGrad[0] ? MatMulNT(node.Inputs[1], g) : null,
                node.NeedsGrad[1] ? MatMulCore(node.Inputs[0], g, node.Inputs[0].Shape, g.Shape) : null,
            ]);
        }

        return y;
    }

    /// <summary>a·b for rank ≥ 2 operands; <paramref name="shapeA"/>/<paramref name="shapeB"/> name the user's shapes in errors.</summary>
    private static Tensor MatMulCore(Tensor a, Tensor b, Shape shapeA, Shape shapeB)
    {
        var y = GemmBatched.Product(a, b, false, false, "MatMul", shapeA, shapeB);
        if (ShouldRecord(a, b))
        {
            y.SetGradFn("MatMul", [a, b], static (g, node) =>
            {
                var (x, w) = (node.Inputs[0], node.Inputs[1]);
                return
                [
                    node.NeedsGrad[0] ? MatMulNT(g, w) : null,
                    node.NeedsGrad[1] ? (w.Rank == 2 && x.Rank > 2
                        ? MatMulTN(x.Reshape(-1, x.Shape[-1]), g.Reshape(-1, g.Shape[-1]))
                        : MatMulTN(x, g)) : null,
                ];
            });
        }

        return y;
    }

    private static void CheckMatrices(Tensor a, Tensor b, string op)
    {
        if (a.Rank < 2 || b.Rank < 2)
        {
            throw new ArgumentException($"{op}: shapes {a.Shape} and {b.Shape} are not compatible (both need at least two dimensions).");
        }
    }
}
