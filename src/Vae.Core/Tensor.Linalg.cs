using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// The lower-triangular Cholesky factor L of a symmetric positive-definite matrix (A = L·Lᵀ), batched over
    /// leading dimensions. Only the lower triangle of the input is read.
    /// </summary>
    /// <returns>L with the input's shape [..., n, n]; zeros above the diagonal.</returns>
    /// <exception cref="ArgumentException">The input is not [..., n, n] or a matrix is not positive definite.</exception>
    public Tensor Cholesky()
    {
        CheckSquareBatch(this, "Cholesky");
        var y = Empty(Shape, DType);
        if (DType == DType.Float32)
        {
            Linalg.Cholesky<float>(Span<float>(), y.Span<float>(), Shape[-1], Shape);
        }
        else
        {
            Linalg.Cholesky<double>(Span<double>(), y.Span<double>(), Shape[-1], Shape);
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn("Cholesky", [this], static (g, node) => [CholeskyBackward(node.Output, g)]);
        }

        return y;
    }

    /// <summary>
    /// Solves A·X = B (or Aᵀ·X = B when <paramref name="transposeA"/>) for X, with A triangular, batched over
    /// leading dimensions. A's batch dimensions must equal B's, or A may be a single matrix shared by all of B's.
    /// </summary>
    /// <param name="a">Triangular matrices [..., n, n]; only the triangle named by <paramref name="upper"/> is read.</param>
    /// <param name="b">Right-hand sides [..., n, k].</param>
    /// <param name="upper">Whether A is upper (true) or lower (false) triangular.</param>
    /// <param name="transposeA">Solve with Aᵀ instead of A (no transposed copy is made).</param>
    /// <returns>X of B's shape [..., n, k].</returns>
    public static Tensor SolveTriangular(Tensor a, Tensor b, bool upper, bool transposeA = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckSameDType(a, b, "SolveTriangular");
        CheckSquareBatch(a, "SolveTriangular");
        int n = a.Shape[-1];
        if (b.Rank < 2 || b.Shape[-2] != n)
        {
            throw new ArgumentException($"SolveTriangular: A {a.Shape} and B {b.Shape} are not compatible (need A [..., n, n] and B [..., n, k]).");
        }

        int k = b.Shape[-1];
        int batchB = n * k == 0 ? 0 : b.Numel / (n * k);
        bool shared = a.Rank == 2;
        if (!shared && (a.Rank != b.Rank || !a.Shape.Dims[..^2].SequenceEqual(b.Shape.Dims[..^2])))
        {
            throw new ArgumentException($"SolveTriangular: batch dimensions of A {a.Shape} and B {b.Shape} differ (A may also be a single [n, n] matrix).");
        }

        var x = Empty(b.Shape, b.DType);
        if (a.DType == DType.Float32)
        {
            Linalg.SolveTriangular<float>(a.Span<float>(), b.Span<float>(), x.Span<float>(), n, k, batchB, shared ? 0 : n * n, upper, transposeA);
        }
        else
        {
            Linalg.SolveTriangular<double>(a.Span<double>(), b.Span<double>(), x.Span<double>(), n, k, batchB, shared ? 0 : n * n, upper, transposeA);
        }

        if (ShouldRecord(a, b))
        {
            x.SetGradFn("SolveTriangular", [a, b], (g, node) =>
            {
                var aa = node.Inputs[0];
                var xx = node.Output;
                // Op(A)·X = B  ⇒  gB = Op(A)⁻ᵀ·g,  g_Op(A) = −gB·Xᵀ, restricted to A's triangle.
                var gb = SolveTriangular(aa, g, upper, !transposeA);
                Tensor? ga = null;
                if (node.NeedsGrad[0])
                {
                    var gOp = transposeA ? xx.MatMul(gb.Transpose(-1, -2)) : gb.MatMul(xx.Transpose(-1, -2));
                    ga = -TriangleMask(gOp, upper);
                }

                return [ga, node.NeedsGrad[1] ? gb : null];
            });
        }

        return x;
    }

    /// <summary>
    /// Backward of L = chol(A) (symmetric form): gA = ½(S + Sᵀ) with S = L⁻ᵀ·Φ(Lᵀ·gL)·L⁻¹, Φ taking the lower
    /// triangle with the diagonal halved. Written in differentiable ops so second-order gradients work.
    /// </summary>
    private static Tensor CholeskyBackward(Tensor l, Tensor gl)
    {
        var phi = PhiLower(l.Transpose(-1, -2).MatMul(gl));
        // S = L⁻ᵀ·Φ·L⁻¹: first solve Lᵀ·Y = Φ, then S = Y·L⁻¹ = (L⁻ᵀ·Yᵀ)ᵀ.
        var y = SolveTriangular(l, phi, upper: false, transposeA: true);
        var s = SolveTriangular(l, y.Transpose(-1, -2), upper: false, transposeA: true).Transpose(-1, -2);
        return (s + s.Transpose(-1, -2)) * 0.5;
    }

    /// <summary>Lower triangle with the diagonal multiplied by ½ (as a differentiable mask product).</summary>
    private static Tensor PhiLower(Tensor x)
    {
        int n = x.Shape[-1];
        var mask = Zeros(new Shape(n, n), x.DType);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                mask.SetFlat((i * n) + j, i == j ? 0.5 : 1.0);
            }
        }

        return x * mask;
    }

    /// <summary>Keeps the lower (or upper) triangle including the diagonal, as a differentiable mask product.</summary>
    private static Tensor TriangleMask(Tensor x, bool upper)
    {
        int n = x.Shape[-1];
        var mask = Zeros(new Shape(n, n), x.DType);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (upper ? j >= i : j <= i)
                {
                    mask.SetFlat((i * n) + j, 1.0);
                }
            }
        }

        return x * mask;
    }

    private static void CheckSquareBatch(Tensor a, string op)
    {
        if (a.Rank < 2 || a.Shape[-1] != a.Shape[-2])
        {
            throw new ArgumentException($"{op}: expected square matrices [..., n, n], got {a.Shape}.");
        }
    }
}
