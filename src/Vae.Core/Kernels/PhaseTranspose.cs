using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vae.Core.Kernels;

/// <summary>
/// The transposed convolution (a strided convolution's input gradient) as a gather: split by output stride phase it is
/// SH·SW small stride-1 correlations, each computed with an im2col of the output gradient and one GEMM, and no col2im
/// scatter-add.
/// </summary>
/// <remarks>
/// With dilation 1, input row <c>ih</c> of padded index <c>i = ih + PH = SH·a + ρ</c> (phase ρ) receives exactly the kernel
/// rows <c>kh = ρ + SH·t</c>, <c>t &lt; Tρ = ⌈(KH − ρ)/SH⌉</c>, each from output row <c>oh = a − t</c>; likewise for columns.
/// So phase (ρh, ρw) of x is <c>xρ[c, a, b] = Σ_(o, t, u) w[o, c, ρh + SH·t, ρw + SW·u] · y[o, a − t, b − u]</c>: a GEMM
/// <c>Wρ[C, O·Tρh·Tρw] · colρ[O·Tρh·Tρw, nb·Hρ·Wρ]</c> whose column matrix is built by row copies from y zero-padded by
/// <c>⌈K/S⌉ − 1</c> on the top/left. The products are written (plus the bias) once each into their interleaved positions
/// in x. The FLOPs are those of the col2im formulation; the column matrix is smaller and nothing is added twice.
/// </remarks>
internal static class PhaseTranspose
{
    /// <summary>
    /// Whether this path handles the geometry: a stride above 1, no dilation or groups, and enough input channels
    /// (the GEMM's rows) for a GEMM to pay.
    /// </summary>
    public static bool Supports(ConvGeometry g) =>
        (g.SH > 1 || g.SW > 1) && g.DH == 1 && g.DW == 1 && g.Groups == 1 && g.C >= 4 && g.N > 0;

    /// <summary>x [N, C, H, W] = convᵀ(y [N, O, OH, OW], w [O, C, KH, KW]) + bias [C].</summary>
    public static void Run<T>(T[] y, T[] w, T[]? bias, T[] x, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ph = Axis.For(g.H, g.KH, g.SH, g.PH, g.OH);
        var pw = Axis.For(g.W, g.KW, g.SW, g.PW, g.OW);
        int hy = ph.PaddedOut, wy = pw.PaddedOut, planeY = hy * wy, taps = g.KH * g.KW;

        // Per-phase weight matrices Wρ [C, O·Tρh·Tρw], one after the other.
        var wp = ArrayPool<T>.Shared.Rent(g.C * g.O * taps);
        try
        {
            for (int rh = 0, off = 0; rh < g.SH; rh++)
            {
                for (int rw = 0; rw < g.SW; rw++)
                {
                    int th = ph.Taps(rh), tw = pw.Taps(rw), kp = g.O * th * tw;
                    for (int c = 0; c < g.C; c++)
                    {
                        for (int o = 0, r = 0; o < g.O; o++)
                        {
                            for (int t = 0; t < th; t++)
                            {
                                for (int u = 0; u < tw; u++, r++)
                                {
                                    wp[off + (c * kp) + r] = w[(((((o * g.C) + c) * g.KH) + rh + (g.SH * t)) * g.KW) + rw + (g.SW * u)];
                                }
                            }
                        }
                    }

                    off += g.C * kp;
                }
            }

            var (nb, chunks, parallel) = Conv2dKernel.Plan<T>(g);
            Conv2dKernel.Body(chunks, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int i) =>
            {
                int n0 = i * nb, cnt = Math.Min(nb, g.N - n0);
                int maxCols = cnt * ph.MaxCount * pw.MaxCount, maxK = g.O * ph.Taps(0) * pw.Taps(0);
                var ypad = ArrayPool<T>.Shared.Rent((cnt * g.O * planeY) + Im2Col.Slack);
                var col = ArrayPool<T>.Shared.Rent((maxK * maxCols) + Im2Col.Slack);
                var prod = ArrayPool<T>.Shared.Rent(Math.Max(1, g.C * maxCols));
                try
                {
                    Pad(y, ypad, g, n0, cnt, ph.Lead, pw.Lead, hy, wy);
                    for (int rh = 0, off = 0; rh < g.SH; rh++)
                    {
                        for (int rw = 0; rw < g.SW; rw++)
                        {
                            int th = ph.Taps(rh), tw = pw.Taps(rw), kp = g.O * th * tw;
                            var (alo, ahi) = ph.Rows(rh);
                            var (blo, bhi) = pw.Rows(rw);
                            int hr = ahi - alo, wr = bhi - blo, pr = hr * wr, ld = cnt * pr;
                            if (pr == 0)
                            {
                                off += g.C * kp;
                                continue;
                            }

                            if (kp == 0)
                            {
                                prod.AsSpan(0, g.C * ld).Clear();
                            }
                            else
                            {
                                FillColumns(ypad, col, g.O, cnt, hy, wy, th, tw, alo + ph.Lead, blo + pw.Lead, hr, wr);
                                Conv2dKernel.RunGemm<T>(parallel, false, false, g.C, ld, kp, wp.AsSpan(off, g.C * kp), kp, col.AsSpan(0, kp * ld), ld, prod.AsSpan(0, g.C * ld), ld, false);
                            }

                            Interleave(prod, x, bias, g, n0, cnt, (g.SH * alo) + rh - g.PH, (g.SW * blo) + rw - g.PW, hr, wr);
                            off += g.C * kp;
                        }
                    }
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(ypad);
                    ArrayPool<T>.Shared.Return(col);
                    ArrayPool<T>.Shared.Return(prod);
                }
            });
        }
        finally
        {
            ArrayPool<T>.Shared.Return(wp);
        }
    }

    /// <summary>ypad [cnt, O, hy, wy] = samples n0 .. n0+cnt of y at offset (top, left), zeros elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pad<T>(T[] y, T[] ypad, ConvGeometry g, int n0, int cnt, int top, int left, int hy, int wy)
        where T : unmanaged
    {
        int planeY = hy * wy, p = g.P;
        ypad.AsSpan(0, (cnt * g.O * planeY) + Im2Col.Slack).Clear();
        for (int pl = 0; pl < cnt * g.O; pl++)
        {
            for (int oh = 0; oh < g.OH; oh++)
            {
                y.AsSpan((((n0 * g.O) + pl) * p) + (oh * g.OW), g.OW).CopyTo(ypad.AsSpan((pl * planeY) + ((oh + top) * wy) + left, g.OW));
            }
        }
    }

    /// <summary>
    /// col [O·th·tw, cnt·hr·wr]: row (o, t, u), column (j, a, b) = ypad[j, o, r0 + a − t, c0 + b − u], i.e. the
    /// output-gradient value that kernel tap (t, u) of the phase meets at phase position (a, b) (r0, c0: the first phase
    /// row and column in padded coordinates). Rows are copied in whole vectors (see <see cref="Im2Col.CopyWide"/>): writes
    /// past a row are overwritten by the rows after it, and both buffers carry <see cref="Im2Col.Slack"/> at their end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillColumns<T>(T[] ypad, T[] col, int o, int cnt, int hy, int wy, int th, int tw, int r0, int c0, int hr, int wr)
        where T : unmanaged
    {
        int planeY = hy * wy, pr = hr * wr, ld = cnt * pr, bytes = wr * Unsafe.SizeOf<T>();
        ref T s0 = ref MemoryMarshal.GetArrayDataReference(ypad);
        ref T d0 = ref MemoryMarshal.GetArrayDataReference(col);
        for (int oc = 0, r = 0; oc < o; oc++)
        {
            for (int t = 0; t < th; t++)
            {
                for (int u = 0; u < tw; u++, r++)
                {
                    int srcOff = ((r0 - t) * wy) + c0 - u;
                    for (int j = 0; j < cnt; j++)
                    {
                        ref T s = ref Unsafe.Add(ref s0, (((j * o) + oc) * planeY) + srcOff);
                        ref T d = ref Unsafe.Add(ref d0, ((nint)r * ld) + (j * pr));
                        for (int a = 0; a < hr; a++)
                        {
                            Im2Col.CopyWide(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref d, a * wr)), ref Unsafe.As<T, byte>(ref Unsafe.Add(ref s, a * wy)), bytes);
                        }
                    }
                }
            }
        }
    }

    /// <summary>x[n0 + j, c, ih0 + SH·a, iw0 + SW·b] = prod[c, j·hr·wr + a·wr + b] + bias[c].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interleave<T>(T[] prod, T[] x, T[]? bias, ConvGeometry g, int n0, int cnt, int ih0, int iw0, int hr, int wr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int pr = hr * wr, ld = cnt * pr, hw = g.H * g.W;
        ref T s0 = ref MemoryMarshal.GetArrayDataReference(prod);
        ref T x0 = ref MemoryMarshal.GetArrayDataReference(x);
        for (int j = 0; j < cnt; j++)
        {
            for (int c = 0; c < g.C; c++)
            {
                T b0 = bias is null ? T.Zero : bias[c];
                ref T s = ref Unsafe.Add(ref s0, ((nint)c * ld) + (j * pr));
                ref T d = ref Unsafe.Add(ref x0, ((((nint)(n0 + j) * g.C) + c) * hw) + (ih0 * g.W) + iw0);
                for (int a = 0; a < hr; a++)
                {
                    ref T sr = ref Unsafe.Add(ref s, a * wr);
                    ref T dr = ref Unsafe.Add(ref d, a * g.SH * g.W);
                    for (int b = 0; b < wr; b++)
                    {
                        Unsafe.Add(ref dr, b * g.SW) = Unsafe.Add(ref sr, b) + b0;
                    }
                }
            }
        }
    }

    /// <summary>One axis of the phase split: input size, kernel, stride, padding and output size.</summary>
    private readonly record struct Axis(int Size, int Kernel, int Stride, int Pad, int Out)
    {
        /// <summary>Zero rows before the output gradient in the padded copy: the most taps of a phase, minus one.</summary>
        public int Lead => Taps(0) - 1;

        /// <summary>Rows of the padded output-gradient copy: every (phase row − tap) index in range.</summary>
        public int PaddedOut
        {
            get
            {
                int hi = Out;
                for (int r = 0; r < Stride; r++)
                {
                    hi = Math.Max(hi, Rows(r).Hi);
                }

                return Lead + hi;
            }
        }

        /// <summary>The largest phase's row count.</summary>
        public int MaxCount
        {
            get
            {
                int m = 0;
                for (int r = 0; r < Stride; r++)
                {
                    var (lo, hi) = Rows(r);
                    m = Math.Max(m, hi - lo);
                }

                return m;
            }
        }

        public static Axis For(int size, int kernel, int stride, int pad, int output) => new(size, kernel, stride, pad, output);

        /// <summary>Kernel taps of phase r: ⌈(K − r)/S⌉ (0 when r ≥ K).</summary>
        public int Taps(int r) => r >= Kernel ? 0 : (Kernel - r + Stride - 1) / Stride;

        /// <summary>The phase indices a with input position S·a + r − pad in [0, size): [Lo, Hi).</summary>
        public (int Lo, int Hi) Rows(int r) => Im2Col.ValidRange(r - Pad, Stride, Size, ((Size + Pad) / Stride) + 1);
    }
}
