using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vae.Core.Kernels;

/// <summary>
/// Register-tiled GEMM micro-kernels: C[MR × 2W] (+)= Ã·B̃ over one A micro-panel (MR contiguous values per k step,
/// k steps <c>aStride</c> apart: packed, or a transposed operand read in place) and one B micro-panel (2W contiguous
/// values per k step, <c>bStride</c> apart: packed, or a row-major operand read in place), where W is the vector
/// width. The MR × 2 accumulators stay in registers for the whole k loop (16 of the 32 AVX-512 registers for MR = 8),
/// each k step costing two vector loads of B, MR broadcasts of A and 2·MR FMAs. Edge tiles (fewer valid rows or
/// columns; the packed panels are zero-padded) are computed in full and only their valid part is written back.
/// With <c>transC</c> the tile is written transposed (element (i, j) to c[j·ldc + i]): the driver computes
/// Cᵀ = op(B)ᵀ·op(A)ᵀ that way when n is too narrow to fill the vector tiles.
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmMicroKernel
{
    /// <summary>Rows of the register tile.</summary>
    public const int MR = 8;

    /// <summary>MR × 2W tile. <paramref name="add"/>: add to C instead of overwriting it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile2<TVec, TV, T>(
        int kc, T* a, nint aStride, T* b, nint bStride, T* c, int ldc, int rows, int cols, bool add, bool transC)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TVec.Count;
        TV c00 = TVec.Zero, c01 = TVec.Zero, c10 = TVec.Zero, c11 = TVec.Zero;
        TV c20 = TVec.Zero, c21 = TVec.Zero, c30 = TVec.Zero, c31 = TVec.Zero;
        TV c40 = TVec.Zero, c41 = TVec.Zero, c50 = TVec.Zero, c51 = TVec.Zero;
        TV c60 = TVec.Zero, c61 = TVec.Zero, c70 = TVec.Zero, c71 = TVec.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV b0 = TVec.Load(b);
            TV b1 = TVec.Load(b + w);
            TV x = TVec.Splat(a[0]);
            c00 = TVec.MulAdd(x, b0, c00);
            c01 = TVec.MulAdd(x, b1, c01);
            x = TVec.Splat(a[1]);
            c10 = TVec.MulAdd(x, b0, c10);
            c11 = TVec.MulAdd(x, b1, c11);
            x = TVec.Splat(a[2]);
            c20 = TVec.MulAdd(x, b0, c20);
            c21 = TVec.MulAdd(x, b1, c21);
            x = TVec.Splat(a[3]);
            c30 = TVec.MulAdd(x, b0, c30);
            c31 = TVec.MulAdd(x, b1, c31);
            x = TVec.Splat(a[4]);
            c40 = TVec.MulAdd(x, b0, c40);
            c41 = TVec.MulAdd(x, b1, c41);
            x = TVec.Splat(a[5]);
            c50 = TVec.MulAdd(x, b0, c50);
            c51 = TVec.MulAdd(x, b1, c51);
            x = TVec.Splat(a[6]);
            c60 = TVec.MulAdd(x, b0, c60);
            c61 = TVec.MulAdd(x, b1, c61);
            x = TVec.Splat(a[7]);
            c70 = TVec.MulAdd(x, b0, c70);
            c71 = TVec.MulAdd(x, b1, c71);
            a += aStride;
            b += bStride;
        }

        if (rows == MR && cols == 2 * w && !transC)
        {
            StoreRow<TVec, TV, T>(c, w, c00, c01, add);
            StoreRow<TVec, TV, T>(c + ldc, w, c10, c11, add);
            StoreRow<TVec, TV, T>(c + (2 * ldc), w, c20, c21, add);
            StoreRow<TVec, TV, T>(c + (3 * ldc), w, c30, c31, add);
            StoreRow<TVec, TV, T>(c + (4 * ldc), w, c40, c41, add);
            StoreRow<TVec, TV, T>(c + (5 * ldc), w, c50, c51, add);
            StoreRow<TVec, TV, T>(c + (6 * ldc), w, c60, c61, add);
            StoreRow<TVec, TV, T>(c + (7 * ldc), w, c70, c71, add);
            return;
        }

        // Edge tile: spill the full tile to the stack, then write back the valid part.
        int ld = 2 * w;
        T* t = stackalloc T[MR * 2 * 64 / sizeof(T)];
        StoreRow<TVec, TV, T>(t, w, c00, c01, false);
        StoreRow<TVec, TV, T>(t + ld, w, c10, c11, false);
        StoreRow<TVec, TV, T>(t + (2 * ld), w, c20, c21, false);
        StoreRow<TVec, TV, T>(t + (3 * ld), w, c30, c31, false);
        StoreRow<TVec, TV, T>(t + (4 * ld), w, c40, c41, false);
        StoreRow<TVec, TV, T>(t + (5 * ld), w, c50, c51, false);
        StoreRow<TVec, TV, T>(t + (6 * ld), w, c60, c61, false);
        StoreRow<TVec, TV, T>(t + (7 * ld), w, c70, c71, false);
        WriteBack(t, ld, c, ldc, rows, cols, add, transC);
    }

    /// <summary>MR × W tile (one vector of columns), for a last column panel of at most W columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile1<TVec, TV, T>(
        int kc, T* a, nint aStride, T* b, nint bStride, T* c, int ldc, int rows, int cols, bool add, bool transC)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TVec.Count;
        TV c0 = TVec.Zero, c1 = TVec.Zero, c2 = TVec.Zero, c3 = TVec.Zero;
        TV c4 = TVec.Zero, c5 = TVec.Zero, c6 = TVec.Zero, c7 = TVec.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV b0 = TVec.Load(b);
            c0 = TVec.MulAdd(TVec.Splat(a[0]), b0, c0);
            c1 = TVec.MulAdd(TVec.Splat(a[1]), b0, c1);
            c2 = TVec.MulAdd(TVec.Splat(a[2]), b0, c2);
            c3 = TVec.MulAdd(TVec.Splat(a[3]), b0, c3);
            c4 = TVec.MulAdd(TVec.Splat(a[4]), b0, c4);
            c5 = TVec.MulAdd(TVec.Splat(a[5]), b0, c5);
            c6 = TVec.MulAdd(TVec.Splat(a[6]), b0, c6);
            c7 = TVec.MulAdd(TVec.Splat(a[7]), b0, c7);
            a += aStride;
            b += bStride;
        }

        T* t = stackalloc T[MR * 64 / sizeof(T)];
        TVec.Store(t, c0);
        TVec.Store(t + w, c1);
        TVec.Store(t + (2 * w), c2);
        TVec.Store(t + (3 * w), c3);
        TVec.Store(t + (4 * w), c4);
        TVec.Store(t + (5 * w), c5);
        TVec.Store(t + (6 * w), c6);
        TVec.Store(t + (7 * w), c7);
        WriteBack(t, w, c, ldc, rows, cols, add, transC);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TVec, TV, T>(T* c, int w, TV v0, TV v1, bool add)
        where TVec : IGemmVector<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (add)
        {
            v0 = TVec.Add(TVec.Load(c), v0);
            v1 = TVec.Add(TVec.Load(c + w), v1);
        }

        TVec.Store(c, v0);
        TVec.Store(c + w, v1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddOrCopy<T>(T* src, T* dst, int count, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<T>.Count <= count; i += Vector256<T>.Count)
            {
                var v = Vector256.Load(src + i);
                (add ? Vector256.Load(dst + i) + v : v).Store(dst + i);
            }
        }

        for (; i < count; i++)
        {
            dst[i] = add ? dst[i] + src[i] : src[i];
        }
    }

    private static void WriteBack<T>(T* t, int ld, T* c, int ldc, int rows, int cols, bool add, bool transC)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (transC)
        {
            // Transpose the tile (MR × ld) into columns of MR values, then each is a contiguous run of a C row.
            T* u = stackalloc T[MR * 2 * 64 / sizeof(T)];
            GemmTranspose.Run(t, ld, u, MR, MR, cols);
            for (int j = 0; j < cols; j++)
            {
                AddOrCopy(u + (j * MR), c + ((nint)j * ldc), rows, add);
            }

            return;
        }

        for (int i = 0; i < rows; i++)
        {
            T* src = t + (i * ld);
            T* dst = c + ((nint)i * ldc);
            if (add)
            {
                for (int j = 0; j < cols; j++)
                {
                    dst[j] += src[j];
                }
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    dst[j] = src[j];
                }
            }
        }
    }
}
