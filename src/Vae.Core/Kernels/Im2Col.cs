using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vae.Core.Kernels;

/// <summary>
/// Lowering of a 2-D convolution to a matrix product. The column matrix of samples <c>n0 .. n0+nb</c> has one row per
/// (input channel, kernel row, kernel column) — row <c>(c·KH + kh)·KW + kw</c>, so each group's rows are contiguous —
/// and one column per (sample, output pixel): <c>col[r, j·P + oh·OW + ow] = x[n0+j, c, oh·SH − PH + kh·DH, ow·SW − PW + kw·DW]</c>
/// (zero where that falls into the padding). <see cref="Fill{T}"/> builds it; <see cref="Accumulate{T}"/> is its
/// adjoint (col2im), adding every entry back onto the input position it came from.
/// </summary>
/// <remarks>
/// Both go through a <em>phase buffer</em>: the zero-padded input planes split by stride phase,
/// <c>xq[j, c, ph, pw, a, b] = xpad[j, c, a·SH + ph, b·SW + pw]</c>. In it, the (kh, kw) block of one sample and channel is
/// the contiguous-row window <c>xq[j, c, (kh·DH) mod SH, (kw·DW) mod SW, oh + ⌊kh·DH/SH⌋, ow + ⌊kw·DW/SW⌋]</c>, so every
/// column-matrix row is OH plain row copies without bounds checks, whatever the stride, padding or dilation. Row copies
/// into the column matrix are vector-wide (they may read and write up to 63 bytes past a row; later rows overwrite
/// that, and <see cref="Slack"/> covers the end), row adds in col2im are exact.
/// </remarks>
internal static class Im2Col
{
    /// <summary>Extra elements at the end of column and phase buffers for the vector-wide row copies.</summary>
    public const int Slack = 64;

    /// <summary>Elements of the phase buffer of <paramref name="nb"/> samples (without <see cref="Slack"/>).</summary>
    public static int PhaseLength(ConvGeometry g, int nb) => nb * g.C * PlaneLength(g);

    /// <summary>
    /// Writes the column matrix <c>[C·KH·KW, nb·P]</c> of samples <c>n0 .. n0+nb</c> of <paramref name="x"/> into
    /// <paramref name="col"/> (length ≥ rows·nb·P + <see cref="Slack"/>), using <paramref name="phase"/>
    /// (length ≥ <see cref="PhaseLength"/> + <see cref="Slack"/>) as scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill<T>(ReadOnlySpan<T> x, Span<T> col, Span<T> phase, ConvGeometry g, int n0, int nb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, planeLen = PlaneLength(g);
        Split(x.Slice(n0 * g.C * hw, nb * g.C * hw), phase, g, nb);
        phase.Slice(nb * g.C * planeLen, Slack).Clear();
        int p = g.P, ld = nb * p, hq = Hq(g), wq = Wq(g), phasePlane = hq * wq;
        int bytes = g.OW * Unsafe.SizeOf<T>(), srcStride = wq * Unsafe.SizeOf<T>(), dstStride = bytes;
        ref T q0 = ref MemoryMarshal.GetReference(phase);
        ref T c0 = ref MemoryMarshal.GetReference(col);
        for (int c = 0, r = 0; c < g.C; c++)
        {
            for (int kh = 0; kh < g.KH; kh++)
            {
                int th = kh * g.DH, ph = th % g.SH, ah = th / g.SH;
                for (int kw = 0; kw < g.KW; kw++, r++)
                {
                    int tw = kw * g.DW, pw = tw % g.SW, bw = tw / g.SW;
                    int srcOff = (c * planeLen) + (((ph * g.SW) + pw) * phasePlane) + (ah * wq) + bw;
                    ref T dRow = ref Unsafe.Add(ref c0, (nint)r * ld);
                    for (int j = 0; j < nb; j++)
                    {
                        ref byte s = ref Unsafe.As<T, byte>(ref Unsafe.Add(ref q0, (nint)(j * g.C * planeLen) + srcOff));
                        ref byte d = ref Unsafe.As<T, byte>(ref Unsafe.Add(ref dRow, (nint)j * p));
                        if (bytes <= 32)
                        {
                            // One vector per row (the common small-plane case): no inner copy loop.
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                Vector256.LoadUnsafe(ref s, (nuint)(oh * srcStride)).StoreUnsafe(ref d, (nuint)(oh * dstStride));
                            }
                        }
                        else if (bytes <= 64 && Vector512.IsHardwareAccelerated)
                        {
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                Vector512.LoadUnsafe(ref s, (nuint)(oh * srcStride)).StoreUnsafe(ref d, (nuint)(oh * dstStride));
                            }
                        }
                        else
                        {
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                CopyWide(ref Unsafe.Add(ref d, oh * dstStride), ref Unsafe.Add(ref s, oh * srcStride), bytes);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Writes samples <c>n0 .. n0+nb</c> of <paramref name="x"/> as <c>bias[c]</c> (or 0) plus the col2im of the column
    /// matrix <c>[C·KH·KW, nb·P]</c> (every entry added back onto the input position it came from), using
    /// <paramref name="phase"/> (length ≥ <see cref="PhaseLength"/>) as scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate<T>(ReadOnlySpan<T> col, Span<T> x, Span<T> phase, ReadOnlySpan<T> bias, ConvGeometry g, int n0, int nb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planeLen = PlaneLength(g);
        phase[..(nb * g.C * planeLen)].Clear();
        int p = g.P, ld = nb * p, hq = Hq(g), wq = Wq(g), phasePlane = hq * wq;
        ref T q0 = ref MemoryMarshal.GetReference(phase);
        ref T c0 = ref MemoryMarshal.GetReference(col);
        for (int j = 0; j < nb; j++)
        {
            for (int c = 0; c < g.C; c++)
            {
                ref T plane = ref Unsafe.Add(ref q0, (nint)((j * g.C) + c) * planeLen);
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int th = kh * g.DH, ph = th % g.SH, ah = th / g.SH;
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int tw = kw * g.DW, pw = tw % g.SW, bw = tw / g.SW;
                        int r = (((c * g.KH) + kh) * g.KW) + kw;
                        ref T d = ref Unsafe.Add(ref plane, (((ph * g.SW) + pw) * phasePlane) + (ah * wq) + bw);
                        ref T s = ref Unsafe.Add(ref c0, ((nint)r * ld) + (j * p));
                        for (int oh = 0; oh < g.OH; oh++)
                        {
                            AddRow(ref Unsafe.Add(ref d, oh * wq), ref Unsafe.Add(ref s, oh * g.OW), g.OW);
                        }
                    }
                }
            }
        }

        Merge(phase, x.Slice(n0 * g.C * g.H * g.W, nb * g.C * g.H * g.W), bias, g, nb);
    }

    /// <summary>Rows of one stride phase of a padded plane.</summary>
    internal static int Hq(ConvGeometry g) => (g.H + (2 * g.PH) + g.SH - 1) / g.SH;

    /// <summary>Columns of one stride phase of a padded plane.</summary>
    internal static int Wq(ConvGeometry g) => (g.W + (2 * g.PW) + g.SW - 1) / g.SW;

    /// <summary>Elements of the phase buffer per (sample, channel): SH·SW phase planes of Hq × Wq.</summary>
    private static int PlaneLength(ConvGeometry g) => g.SH * g.SW * Hq(g) * Wq(g);

    /// <summary>x [nb, C, H, W] → phase buffer [nb, C, SH, SW, Hq, Wq] (zero padding included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Split<T>(ReadOnlySpan<T> x, Span<T> phase, ConvGeometry g, int nb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.SH == 1 && g.SW == 1 && 2 * g.PW <= Vector256<T>.Count && Vector256.IsHardwareAccelerated)
        {
            Pad(x, phase, g, nb);
            return;
        }

        int hq = Hq(g), wq = Wq(g), hw = g.H * g.W, planeLen = PlaneLength(g);
        if (StrideTwoSplit.Supports<T>(g))
        {
            StrideTwoSplit.Run(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(phase), g, nb, hq, wq);
            return;
        }

        for (int plane = 0; plane < nb * g.C; plane++)
        {
            var src = x.Slice(plane * hw, hw);
            var dst = phase.Slice(plane * planeLen, planeLen);
            for (int ph = 0; ph < g.SH; ph++)
            {
                for (int a = 0; a < hq; a++)
                {
                    int ih = (a * g.SH) + ph - g.PH;
                    for (int pw = 0; pw < g.SW; pw++)
                    {
                        var row = dst.Slice((((((ph * g.SW) + pw) * hq) + a) * wq), wq);
                        if ((uint)ih >= (uint)g.H)
                        {
                            row.Clear();
                            continue;
                        }

                        var srcRow = src.Slice(ih * g.W, g.W);
                        var (lo, hi) = ValidRange(pw - g.PW, g.SW, g.W, wq);
                        row[..lo].Clear();
                        row[hi..].Clear();
                        if (g.SW == 1)
                        {
                            srcRow.Slice(lo + pw - g.PW, hi - lo).CopyTo(row[lo..hi]);
                        }
                        else
                        {
                            // In range by construction (ValidRange): no bounds checks in the strided copy.
                            ref T s0 = ref MemoryMarshal.GetReference(srcRow);
                            ref T d0 = ref MemoryMarshal.GetReference(row);
                            for (int b = lo, iw = (lo * g.SW) + pw - g.PW; b < hi; b++, iw += g.SW)
                            {
                                Unsafe.Add(ref d0, b) = Unsafe.Add(ref s0, iw);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The stride-1 <see cref="Split{T}"/>: planes zero-padded by (PH, PW). Each row is copied in whole vectors and then
    /// a zero vector is stored right after it, which restores the right padding, the next row's left padding and
    /// whatever the copy wrote past the row (the next row's data is copied after that). Writes may reach 32 bytes past
    /// the last plane (the phase buffer's <see cref="Slack"/>); the chunk's very last row is copied exactly, so that x is
    /// never read past its end.
    /// </summary>
    private static void Pad<T>(ReadOnlySpan<T> x, Span<T> phase, ConvGeometry g, int nb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int wq = Wq(g), hw = g.H * g.W, planeLen = PlaneLength(g), planes = nb * g.C, bytes = g.W * Unsafe.SizeOf<T>();
        int head = (g.PH * wq) + g.PW, tail = (g.PH + g.H) * wq;
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T q0 = ref MemoryMarshal.GetReference(phase);
        for (int plane = 0; plane < planes; plane++)
        {
            ref T d = ref Unsafe.Add(ref q0, (nint)plane * planeLen);
            ref T src = ref Unsafe.Add(ref x0, (nint)plane * hw);
            MemoryMarshal.CreateSpan(ref d, head).Clear();
            for (int ih = 0; ih < g.H; ih++)
            {
                ref T dr = ref Unsafe.Add(ref d, head + (ih * wq));
                ref T sr = ref Unsafe.Add(ref src, ih * g.W);
                if (plane == planes - 1 && ih == g.H - 1)
                {
                    MemoryMarshal.CreateReadOnlySpan(ref sr, g.W).CopyTo(MemoryMarshal.CreateSpan(ref dr, g.W));
                }
                else
                {
                    CopyWide(ref Unsafe.As<T, byte>(ref dr), ref Unsafe.As<T, byte>(ref sr), bytes);
                }

                Vector256<T>.Zero.StoreUnsafe(ref Unsafe.Add(ref dr, g.W));
            }

            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref d, tail), planeLen - tail).Clear();
        }
    }

    /// <summary>x [nb, C, H, W] = bias[c] (or 0) + the interior of the phase buffer [nb, C, SH, SW, Hq, Wq] (the adjoint of <see cref="Split{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Merge<T>(ReadOnlySpan<T> phase, Span<T> x, ReadOnlySpan<T> bias, ConvGeometry g, int nb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hq = Hq(g), wq = Wq(g), hw = g.H * g.W, planeLen = PlaneLength(g);
        for (int plane = 0; plane < nb * g.C; plane++)
        {
            var src = phase.Slice(plane * planeLen, planeLen);
            var dst = x.Slice(plane * hw, hw);
            T b0 = bias.IsEmpty ? T.Zero : bias[plane % g.C];
            for (int ih = 0; ih < g.H; ih++)
            {
                int i = ih + g.PH, ph = i % g.SH, a = i / g.SH;
                var dRow = dst.Slice(ih * g.W, g.W);
                for (int pw = 0; pw < g.SW; pw++)
                {
                    var sRow = src.Slice(((((ph * g.SW) + pw) * hq) + a) * wq, wq);
                    var (lo, hi) = ValidRange(pw - g.PW, g.SW, g.W, wq);
                    ref T s0 = ref MemoryMarshal.GetReference(sRow);
                    ref T d0 = ref MemoryMarshal.GetReference(dRow);
                    for (int b = lo, iw = (lo * g.SW) + pw - g.PW; b < hi; b++, iw += g.SW)
                    {
                        Unsafe.Add(ref d0, iw) = Unsafe.Add(ref s0, b) + b0;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The output positions <c>o</c> in <c>[0, count)</c> whose input position <c>o·stride + offset</c> lies in
    /// <c>[0, size)</c>: a contiguous range <c>[lo, hi)</c>.
    /// </summary>
    internal static (int Lo, int Hi) ValidRange(int offset, int stride, int size, int count)
    {
        int lo = offset >= 0 ? 0 : Math.Min(count, (-offset + stride - 1) / stride);
        int last = size - 1 - offset;
        int hi = last < 0 ? 0 : Math.Min(count, (last / stride) + 1);
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>Copies <paramref name="bytes"/> bytes in 32-byte vectors, so up to 31 bytes past the end are read and written too.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyWide(ref byte dst, ref byte src, int bytes)
    {
        int i = 0;
        do
        {
            Vector256.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
            i += 32;
        }
        while (i < bytes);
    }

    /// <summary>d[0..n) += s[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow<T>(ref T d, ref T s, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                (Vector256.LoadUnsafe(ref d, (nuint)i) + Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                (Vector128.LoadUnsafe(ref d, (nuint)i) + Vector128.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) += Unsafe.Add(ref s, i);
        }
    }
}
