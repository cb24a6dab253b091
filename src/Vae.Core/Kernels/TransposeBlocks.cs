using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vae.Core.Kernels;

/// <summary>
/// AVX register transposes of one small block, shared by <see cref="PermuteCopy"/> (tensor transposes) and
/// <see cref="GemmTranspose"/> (GEMM packing). Callers check <c>Avx.IsSupported</c>.
/// </summary>
internal static class TransposeBlocks
{
    /// <summary>Transposes one 8×8 float block: source rows are <paramref name="sa"/> apart, destination rows <paramref name="dq"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Float8x8(ref float s, int sa, ref float d, int dq)
    {
        var r0 = Vector256.LoadUnsafe(ref s);
        var r1 = Vector256.LoadUnsafe(ref s, (nuint)sa);
        var r2 = Vector256.LoadUnsafe(ref s, (nuint)(2 * sa));
        var r3 = Vector256.LoadUnsafe(ref s, (nuint)(3 * sa));
        var r4 = Vector256.LoadUnsafe(ref s, (nuint)(4 * sa));
        var r5 = Vector256.LoadUnsafe(ref s, (nuint)(5 * sa));
        var r6 = Vector256.LoadUnsafe(ref s, (nuint)(6 * sa));
        var r7 = Vector256.LoadUnsafe(ref s, (nuint)(7 * sa));

        // Interleave pairs of rows, then pairs of pairs within each 128-bit lane, then swap lanes.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref d);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref d, (nuint)dq);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref d, (nuint)(2 * dq));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref d, (nuint)(3 * dq));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref d, (nuint)(4 * dq));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref d, (nuint)(5 * dq));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref d, (nuint)(6 * dq));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref d, (nuint)(7 * dq));
    }

    /// <summary>Transposes one 4×4 double block: source rows are <paramref name="sa"/> apart, destination rows <paramref name="dq"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Double4x4(ref double s, int sa, ref double d, int dq)
    {
        var r0 = Vector256.LoadUnsafe(ref s);
        var r1 = Vector256.LoadUnsafe(ref s, (nuint)sa);
        var r2 = Vector256.LoadUnsafe(ref s, (nuint)(2 * sa));
        var r3 = Vector256.LoadUnsafe(ref s, (nuint)(3 * sa));
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref d);
        Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref d, (nuint)dq);
        Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref d, (nuint)(2 * dq));
        Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref d, (nuint)(3 * dq));
    }
}
