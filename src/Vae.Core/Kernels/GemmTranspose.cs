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
                    Block8x8((float*)src + ((r * lds) + c), lds, (float*)dst + ((c * ldd) + r), ldd);
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
                    Block4x4((double*)src + ((r * lds) + c), lds, (double*)dst + ((c * ldd) + r), ldd);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8x8(float* s, nint lds, float* d, nint ldd)
    {
        var r0 = Avx.LoadVector256(s);
        var r1 = Avx.LoadVector256(s + lds);
        var r2 = Avx.LoadVector256(s + (2 * lds));
        var r3 = Avx.LoadVector256(s + (3 * lds));
        var r4 = Avx.LoadVector256(s + (4 * lds));
        var r5 = Avx.LoadVector256(s + (5 * lds));
        var r6 = Avx.LoadVector256(s + (6 * lds));
        var r7 = Avx.LoadVector256(s + (7 * lds));

        // Interleave pairs of rows: t0 = a0 b0 a1 b1 | a4 b4 a5 b5, t1 = a2 b2 a3 b3 | a6 b6 a7 b7, ...
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);

        // Gather quadruples: u0 = a0 b0 c0 d0 | a4 b4 c4 d4, u1 = a1 b1 c1 d1 | a5 ..., ...
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);

        // Join 128-bit halves: column c of the block.
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + (2 * ldd), Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + (3 * ldd), Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + (4 * ldd), Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + (5 * ldd), Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + (6 * ldd), Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + (7 * ldd), Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x4(double* s, nint lds, double* d, nint ldd)
    {
        var r0 = Avx.LoadVector256(s);
        var r1 = Avx.LoadVector256(s + lds);
        var r2 = Avx.LoadVector256(s + (2 * lds));
        var r3 = Avx.LoadVector256(s + (3 * lds));
        var t0 = Avx.UnpackLow(r0, r1);   // a0 b0 | a2 b2
        var t1 = Avx.UnpackHigh(r0, r1);  // a1 b1 | a3 b3
        var t2 = Avx.UnpackLow(r2, r3);   // c0 d0 | c2 d2
        var t3 = Avx.UnpackHigh(r2, r3);  // c1 d1 | c3 d3
        Avx.Store(d, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(d + ldd, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(d + (2 * ldd), Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(d + (3 * ldd), Avx.Permute2x128(t1, t3, 0x31));
    }
}
