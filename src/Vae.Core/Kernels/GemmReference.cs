using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vae.Core.Kernels;

/// <summary>
/// The plain-loop GEMM: used for tiny problems (where packing costs more than it saves), on machines without SIMD
/// FMA, and for k = 0.
/// </summary>
internal static unsafe class GemmReference
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(
        bool transA, bool transB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            T* ci = c + ((nint)i * ldc);
            if (!accumulate)
            {
                new Span<T>(ci, n).Clear();
            }

            for (int p = 0; p < k; p++)
            {
                T aip = transA ? a[((nint)p * lda) + i] : a[((nint)i * lda) + p];
                if (!transB)
                {
                    T* bp = b + ((nint)p * ldb);
                    for (int j = 0; j < n; j++)
                    {
                        ci[j] += aip * bp[j];
                    }
                }
                else
                {
                    T* bp = b + p;
                    for (int j = 0; j < n; j++)
                    {
                        ci[j] += aip * bp[(nint)j * ldb];
                    }
                }
            }
        }
    }
}
