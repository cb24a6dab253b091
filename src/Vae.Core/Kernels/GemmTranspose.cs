using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vae.Core.Kernels;

/// <summary>
/// Blocked out-of-place transposes for packing: dst[c·ldd + r] = src[r·lds + c]. Full 8×8 float and 4×4 double
/// blocks go through AVX shuffles (24 and 8 shuffles per block); the ragged remainder through plain loops.
/// </summary>
internal static unsafe class GemmTranspose
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(T* src, nint lds, T* dst, nint ldd, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rb = 0, cb = 0;
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            rb = rows & ~7;
            cb = cols & ~7;
            for (int c = 0; c < cb; c += 8)
            {
                for (int r = 0; r < rb; r += 8)
                {
                    TransposeBlocks.Float8x8(ref *((float*)src + ((r * lds) + c)), (int)lds, ref *((float*)dst + ((c * ldd) + r)), (int)ldd);
                }
            }
        }
        else if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            rb = rows & ~3;
            cb = cols & ~3;
            for (int c = 0; c < cb; c += 4)
            {
                for (int r = 0; r < rb; r += 4)
                {
                    TransposeBlocks.Double4x4(ref *((double*)src + ((r * lds) + c)), (int)lds, ref *((double*)dst + ((c * ldd) + r)), (int)ldd);
                }
            }
        }

        // Remainder: columns past cb for the blocked rows, then all columns of the rows past rb.
        for (int r = 0; r < rb; r++)
        {
            T* s = src + (r * lds);
            for (int c = cb; c < cols; c++)
            {
                dst[(c * ldd) + r] = s[c];
            }
        }

        for (int r = rb; r < rows; r++)
        {
            T* s = src + (r * lds);
            T* d = dst + r;
            for (int c = 0; c < cols; c++)
            {
                d[c * ldd] = s[c];
            }
        }
    }
}
