using System.Numerics;

namespace Vae.Core.Kernels;

/// <summary>
/// General matrix multiply on row-major spans: C = op(A)·op(B) (+ C when <c>accumulate</c>), where op(X) is X or
/// Xᵀ. A is m×k after op, B is k×n after op, C is m×n. Leading dimensions are the row strides of the stored
/// matrices. This is the single entry point every matmul, linear layer and convolution goes through.
/// </summary>
internal static class Gemm
{
    public static void Run<T>(
        bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Reference implementation (i-p-j loop order for unit-stride inner loops on B and C).
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * ldc, n);
            if (!accumulate)
            {
                ci.Clear();
            }

            for (int p = 0; p < k; p++)
            {
                T aip = transA ? a[(p * lda) + i] : a[(i * lda) + p];
                if (aip == T.Zero)
                {
                    continue;
                }

                if (!transB)
                {
                    var bp = b.Slice(p * ldb, n);
                    for (int j = 0; j < n; j++)
                    {
                        ci[j] += aip * bp[j];
                    }
                }
                else
                {
                    for (int j = 0; j < n; j++)
                    {
                        ci[j] += aip * b[(j * ldb) + p];
                    }
                }
            }
        }
    }
}
