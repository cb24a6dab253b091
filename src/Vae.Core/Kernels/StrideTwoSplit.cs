using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vae.Core.Kernels;

/// <summary>
/// The phase split of <see cref="Im2Col"/> for float32 with a column stride of 2 on AVX-512: each plane is zero-padded
/// into a scratch plane of SH·Hq rows of 2·Wq, and each padded row is de-interleaved into its two phase rows
/// (even and odd columns) with a two-vector permute (<c>vpermt2ps</c>), 16 outputs per instruction, instead of a scalar
/// strided copy.
/// </summary>
/// <remarks>
/// Stores are whole vectors: a phase row's last store may write up to 15 elements past the row. Phase rows are written
/// in memory order (plane, phase row, phase column, row), so whatever lands past a row is overwritten by a later row,
/// and the last row of the last plane writes into the phase buffer's <see cref="Im2Col.Slack"/>.
/// </remarks>
internal static class StrideTwoSplit
{
    private static readonly Vector512<int> Even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> Odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);

    /// <summary>Whether the geometry and machine fit (float32, column stride 2, AVX-512F).</summary>
    public static bool Supports<T>(ConvGeometry g) => typeof(T) == typeof(float) && g.SW == 2 && Avx512F.IsSupported;

    /// <summary>x [nb, C, H, W] → phase buffer [nb, C, SH, 2, hq, wq] (zero padding included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, Span<float> phase, ConvGeometry g, int nb, int hq, int wq)
    {
        int rowLen = 2 * wq, rows = g.SH * hq, padLen = rows * rowLen, hw = g.H * g.W, planeLen = g.SH * 2 * hq * wq;
        int chunks = (wq + 15) / 16;
        var temp = ArrayPool<float>.Shared.Rent(padLen + 32);
        try
        {
            ref float t0 = ref MemoryMarshal.GetArrayDataReference(temp);
            ref float x0 = ref MemoryMarshal.GetReference(x);
            ref float q0 = ref MemoryMarshal.GetReference(phase);
            var even = Even;
            var odd = Odd;
            for (int plane = 0; plane < nb * g.C; plane++)
            {
                temp.AsSpan(0, padLen + 32).Clear();
                for (int ih = 0; ih < g.H; ih++)
                {
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref x0, ((nint)plane * hw) + (ih * g.W)), g.W)
                        .CopyTo(temp.AsSpan(((ih + g.PH) * rowLen) + g.PW, g.W));
                }

                ref float d = ref Unsafe.Add(ref q0, (nint)plane * planeLen);
                for (int ph = 0; ph < g.SH; ph++)
                {
                    for (int pw = 0; pw < 2; pw++)
                    {
                        var idx = pw == 0 ? even : odd;
                        ref float dp = ref Unsafe.Add(ref d, ((ph * 2) + pw) * hq * wq);
                        for (int a = 0; a < hq; a++)
                        {
                            ref float s = ref Unsafe.Add(ref t0, ((a * g.SH) + ph) * rowLen);
                            ref float dr = ref Unsafe.Add(ref dp, a * wq);
                            for (int k = 0; k < chunks; k++)
                            {
                                var lo = Vector512.LoadUnsafe(ref s, (nuint)(k * 32));
                                var hi = Vector512.LoadUnsafe(ref s, (nuint)((k * 32) + 16));
                                Avx512F.PermuteVar16x32x2(lo, idx, hi).StoreUnsafe(ref dr, (nuint)(k * 16));
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(temp);
        }
    }
}
