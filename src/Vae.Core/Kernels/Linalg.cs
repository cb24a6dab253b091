using System.Numerics;

namespace Vae.Core.Kernels;

/// <summary>Dense factorisations and triangular solves for small matrices (latent covariances), batched.</summary>
internal static class Linalg
{
    /// <summary>Cholesky of each [n, n] matrix in <paramref name="a"/> into <paramref name="l"/> (lower, zeros above).</summary>
    public static void Cholesky<T>(ReadOnlySpan<T> a, Span<T> l, int n, Shape shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = n == 0 ? 0 : a.Length / (n * n);
        for (int bi = 0; bi < batch; bi++)
        {
            var src = a.Slice(bi * n * n, n * n);
            var dst = l.Slice(bi * n * n, n * n);
            dst.Clear();
            for (int j = 0; j < n; j++)
            {
                double d = double.CreateTruncating(src[(j * n) + j]);
                for (int p = 0; p < j; p++)
                {
                    double v = double.CreateTruncating(dst[(j * n) + p]);
                    d -= v * v;
                }

                if (!(d > 0))
                {
                    throw new ArgumentException(
                        $"Cholesky: matrix {bi} of {shape} is not positive definite (pivot {j} is {d:G4}).");
                }

                double ljj = Math.Sqrt(d);
                dst[(j * n) + j] = T.CreateTruncating(ljj);
                for (int i = j + 1; i < n; i++)
                {
                    double s = double.CreateTruncating(src[(i * n) + j]);
                    for (int p = 0; p < j; p++)
                    {
                        s -= double.CreateTruncating(dst[(i * n) + p]) * double.CreateTruncating(dst[(j * n) + p]);
                    }

                    dst[(i * n) + j] = T.CreateTruncating(s / ljj);
                }
            }
        }
    }

    /// <summary>
    /// X = op(A)⁻¹·B for each batch element, op(A) = A or Aᵀ, A lower or upper triangular. <paramref name="aStride"/>
    /// is 0 when one A is shared by every batch element.
    /// </summary>
    public static void SolveTriangular<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> x, int n, int k, int batch, int aStride, bool upper, bool transposeA)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // op(A) is lower triangular when exactly one of (upper, transposeA) holds... i.e. lower ⇔ upper == transposeA.
        bool lowerOp = upper == transposeA;
        for (int bi = 0; bi < batch; bi++)
        {
            var am = a.Slice(bi * aStride, n * n);
            var bm = b.Slice(bi * n * k, n * k);
            var xm = x.Slice(bi * n * k, n * k);
            for (int c = 0; c < k; c++)
            {
                for (int step = 0; step < n; step++)
                {
                    int i = lowerOp ? step : n - 1 - step;
                    T s = bm[(i * k) + c];
                    for (int step2 = 0; step2 < step; step2++)
                    {
                        int j = lowerOp ? step2 : n - 1 - step2;
                        T aij = transposeA ? am[(j * n) + i] : am[(i * n) + j];
                        s -= aij * xm[(j * k) + c];
                    }

                    xm[(i * k) + c] = s / am[(i * n) + i];
                }
            }
        }
    }
}
