using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vae.Core.Kernels;

/// <summary>
/// The three products of a 2-D convolution, each lowered with <see cref="Im2Col"/> to one <c>Gemm.Run</c> per group
/// and chunk of samples (the column matrix spans many samples, so the GEMMs are wide rather than numerous):
/// <list type="bullet">
/// <item><see cref="Forward{T}"/>: y = conv(x, w) + b, per group <c>Y[Og, nb·P] = W[Og, K] · col(x)[K, nb·P]</c>.</item>
/// <item><see cref="BackwardData{T}"/> (transposed convolution): x = convᵀ(y, w) + b, <c>col = Wᵀ · Y</c>, then col2im.</item>
/// <item><see cref="BackwardWeight{T}"/>: dw = Σₙ y ⋆ x, <c>dW[Og, K] = Y[Og, nb·P] · col(x)ᵀ</c>, summed over chunks.</item>
/// </list>
/// Chunks are sized so that one chunk's column matrix stays in L2; with several chunks and enough work they run on all
/// cores at once (each chunk's im2col, GEMM and copy-back on one thread, drawn with <see cref="ParallelWork.For"/>),
/// otherwise one after the other with multi-threaded GEMMs. Stride-1 convolutions with few channels on one side skip
/// the lowering (<see cref="DirectConv"/>). Scratch buffers come from <see cref="ArrayPool{T}"/>.
/// </summary>
internal static class Conv2dKernel
{
    /// <summary>Upper bound on the bytes of one chunk's column matrix (at least one sample per chunk).</summary>
    private const long ColumnBudgetBytes = 1 << 20;

    /// <summary>Test hook: when positive, the number of samples per chunk on this thread (instead of the budget's choice).</summary>
    [ThreadStatic]
    internal static int ChunkSizeOverride;

    /// <summary>Test hook: when true on this thread, never take the <see cref="DirectConv"/> path.</summary>
    [ThreadStatic]
    internal static bool DisableDirect;

    /// <summary>Test hook: when true on this thread, transposed convolutions use col2im instead of <see cref="AsForward"/> (stride 1) or <see cref="PhaseTranspose"/> (strided).</summary>
    [ThreadStatic]
    internal static bool DisableGatherTranspose;

    /// <summary>y [N, O, OH, OW] = conv(x [N, C, H, W], w [O, C/G, KH, KW]) + bias [O].</summary>
    public static void Forward<T>(T[] x, T[] w, T[]? bias, T[] y, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.N == 0)
        {
            return;
        }

        if (!DisableDirect && DirectConv.Supports<T>(g))
        {
            DirectConv.Forward(x, w, bias, y, g);
            return;
        }

        var (nb, chunks, parallel) = Plan<T>(g);
        int p = g.P, og = g.Og, k = g.K, rows = g.C * g.KH * g.KW;
        Body(chunks, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int i) =>
        {
            int n0 = i * nb, cnt = Math.Min(nb, g.N - n0), ld = cnt * p;
            var col = ArrayPool<T>.Shared.Rent((rows * ld) + Im2Col.Slack);
            var phase = ArrayPool<T>.Shared.Rent(Im2Col.PhaseLength(g, cnt) + Im2Col.Slack);
            var tmp = cnt > 1 ? ArrayPool<T>.Shared.Rent(g.O * ld) : null;
            try
            {
                Im2Col.Fill<T>(x, col, phase, g, n0, cnt);

                // With one sample the product [O, P] is already in the output layout.
                var dst = tmp is null ? y.AsSpan(n0 * g.O * p, g.O * p) : tmp.AsSpan(0, g.O * ld);
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    RunGemm<T>(parallel, false, false, og, ld, k, w.AsSpan(grp * og * k), k, col.AsSpan(grp * k * ld), ld, dst[(grp * og * ld)..], ld, false);
                }

                // [O, cnt·P] → [cnt, O, P], adding the bias on the way.
                for (int j = 0; j < cnt; j++)
                {
                    for (int o = 0; o < g.O; o++)
                    {
                        var yo = y.AsSpan((((n0 + j) * g.O) + o) * p, p);
                        ReadOnlySpan<T> src = tmp is null ? yo : dst.Slice((o * ld) + (j * p), p);
                        if (bias is null)
                        {
                            src.CopyTo(yo);
                        }
                        else
                        {
                            AddScalar(src, bias[o], yo);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(col);
                ArrayPool<T>.Shared.Return(phase);
                if (tmp is not null)
                {
                    ArrayPool<T>.Shared.Return(tmp);
                }
            }
        });
    }

    /// <summary>x [N, C, H, W] = convᵀ(y [N, O, OH, OW], w [O, C/G, KH, KW]) + bias [C] (the adjoint of <see cref="Forward{T}"/> in x).</summary>
    public static void BackwardData<T>(T[] y, T[] w, T[]? bias, T[] x, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.N == 0)
        {
            return;
        }

        if (!DisableDirect && DirectConv.Supports<T>(g))
        {
            DirectConv.BackwardData(y, w, bias, x, g);
            return;
        }

        if (!DisableGatherTranspose && PhaseTranspose.Supports(g))
        {
            PhaseTranspose.Run(y, w, bias, x, g);
            return;
        }

        if (!DisableGatherTranspose && AsForward(g) is ConvGeometry fg)
        {
            // Stride 1: the transposed convolution is a convolution of y with the flipped, transposed kernel — a
            // gather (im2col) instead of a scatter (col2im).
            int taps = g.KH * g.KW;
            var flipped = ArrayPool<T>.Shared.Rent(g.C * g.O * taps);
            try
            {
                for (int o = 0; o < g.O; o++)
                {
                    for (int c = 0; c < g.C; c++)
                    {
                        for (int t = 0; t < taps; t++)
                        {
                            flipped[(((c * g.O) + o) * taps) + t] = w[(((o * g.C) + c) * taps) + (taps - 1 - t)];
                        }
                    }
                }

                Forward(y, flipped, bias, x, fg);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(flipped);
            }

            return;
        }

        var (nb, chunks, parallel) = Plan<T>(g);
        int p = g.P, og = g.Og, k = g.K, rows = g.C * g.KH * g.KW;
        Body(chunks, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int i) =>
        {
            int n0 = i * nb, cnt = Math.Min(nb, g.N - n0), ld = cnt * p;
            var col = ArrayPool<T>.Shared.Rent(Math.Max(1, rows * ld));
            var phase = ArrayPool<T>.Shared.Rent(Im2Col.PhaseLength(g, cnt));
            var yp = cnt > 1 ? ArrayPool<T>.Shared.Rent(g.O * ld) : null;
            try
            {
                ReadOnlySpan<T> src = yp is null ? y.AsSpan(n0 * g.O * p, g.O * p) : Gather(y, yp, g, n0, cnt);
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    RunGemm<T>(parallel, true, false, k, ld, og, w.AsSpan(grp * og * k), k, src[(grp * og * ld)..], ld, col.AsSpan(grp * k * ld), ld, false);
                }

                Im2Col.Accumulate<T>(col, x, phase, bias, g, n0, cnt);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(col);
                ArrayPool<T>.Shared.Return(phase);
                if (yp is not null)
                {
                    ArrayPool<T>.Shared.Return(yp);
                }
            }
        });
    }

    /// <summary>dw [O, C/G, KH, KW] = the gradient of ⟨y, conv(x, w)⟩ with respect to w, for x [N, C, H, W] and y [N, O, OH, OW].</summary>
    public static void BackwardWeight<T>(T[] x, T[] y, T[] dw, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = g.P, og = g.Og, k = g.K, rows = g.C * g.KH * g.KW, size = g.O * k;
        if (g.N == 0)
        {
            dw.AsSpan(0, size).Clear();
            return;
        }

        if (!DisableDirect && DirectConv.Supports<T>(g))
        {
            DirectConv.BackwardWeight(x, y, dw, g);
            return;
        }

        var (nb, chunks, parallel) = Plan<T>(g);

        // Chunk i's partial product goes to slot i (slot 0 is dw itself); the slots are summed at the end.
        var partial = chunks > 1 ? ArrayPool<T>.Shared.Rent((chunks - 1) * size) : null;
        try
        {
            Body(chunks, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int i) =>
            {
                int n0 = i * nb, cnt = Math.Min(nb, g.N - n0), ld = cnt * p;
                var col = ArrayPool<T>.Shared.Rent((rows * ld) + Im2Col.Slack);
                var phase = ArrayPool<T>.Shared.Rent(Im2Col.PhaseLength(g, cnt) + Im2Col.Slack);
                var yp = cnt > 1 ? ArrayPool<T>.Shared.Rent(g.O * ld) : null;
                var dst = i == 0 ? dw.AsSpan(0, size) : partial.AsSpan((i - 1) * size, size);
                try
                {
                    Im2Col.Fill<T>(x, col, phase, g, n0, cnt);
                    ReadOnlySpan<T> src = yp is null ? y.AsSpan(n0 * g.O * p, g.O * p) : Gather(y, yp, g, n0, cnt);
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        RunGemm<T>(parallel, false, true, og, k, ld, src[(grp * og * ld)..], ld, col.AsSpan(grp * k * ld), ld, dst[(grp * og * k)..], k, false);
                    }
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(col);
                    ArrayPool<T>.Shared.Return(phase);
                    if (yp is not null)
                    {
                        ArrayPool<T>.Shared.Return(yp);
                    }
                }
            });

            var sum = dw.AsSpan(0, size);
            for (int i = 1; i < chunks; i++)
            {
                TensorPrimitives.Add(sum, partial.AsSpan((i - 1) * size, size), sum);
            }
        }
        finally
        {
            if (partial is not null)
            {
                ArrayPool<T>.Shared.Return(partial);
            }
        }
    }

    /// <summary>
    /// For a stride-1, ungrouped convolution whose padding is at most its dilated kernel extent, the geometry of the
    /// forward convolution that computes its transposed convolution: input [N, O, OH, OW], weight [C, O, KH, KW]
    /// (flipped), padding D·(K − 1) − P, output [N, C, H, W]; else null.
    /// </summary>
    internal static ConvGeometry? AsForward(ConvGeometry g)
    {
        int ph = (g.DH * (g.KH - 1)) - g.PH, pw = (g.DW * (g.KW - 1)) - g.PW;
        if (g.SH != 1 || g.SW != 1 || g.Groups != 1 || ph < 0 || pw < 0 ||
            g.OH + (2 * ph) - (g.DH * (g.KH - 1)) != g.H || g.OW + (2 * pw) - (g.DW * (g.KW - 1)) != g.W)
        {
            return null;
        }

        return new ConvGeometry(g.N, g.O, g.OH, g.OW, g.C, g.KH, g.KW, 1, 1, ph, pw, g.DH, g.DW, 1, g.H, g.W);
    }

    /// <summary>sums [C] += x [N, C, HW] summed over N and HW.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ChannelSum<T>(ReadOnlySpan<T> x, Span<T> sums, int n, int c, int hw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < c; j++)
            {
                sums[j] += BatchNormKernel.Sum(x.Slice(((i * c) + j) * hw, hw));
            }
        }
    }

    /// <summary>
    /// Samples per chunk, number of chunks, and whether the chunks run in parallel (each with one-thread GEMMs).
    /// One chunk's column matrix stays within <see cref="ColumnBudgetBytes"/>; with more than one worker the batch is
    /// cut into at least two chunks per worker, so that a late helper thread still finds work.
    /// </summary>
    internal static (int Nb, int Chunks, bool Parallel) Plan<T>(ConvGeometry g)
        where T : unmanaged
    {
        int n = Math.Max(1, g.N);
        if (ChunkSizeOverride > 0)
        {
            int nbo = Math.Clamp(ChunkSizeOverride, 1, n);
            return (nbo, (n + nbo - 1) / nbo, false);
        }

        long perSample = Math.Max(1L, (long)g.C * g.KH * g.KW * g.P * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        int nb = (int)Math.Clamp(ColumnBudgetBytes / perSample, 1, n);
        long work = (long)g.N * g.O * g.P * g.K;
        int threads = ParallelWork.ThreadsFor(work, Gemm.ParallelWorkPerThread);
        if (threads > 1 && n >= 2)
        {
            int minChunks = Math.Min(n, 2 * threads);
            nb = Math.Min(nb, (n + minChunks - 1) / minChunks);
        }

        int chunks = (n + nb - 1) / nb;
        return (nb, chunks, threads > 1 && chunks > 1);
    }

    /// <summary>Runs body(0..chunks-1), spread over the cores when <paramref name="parallel"/>.</summary>
    internal static void Body(int chunks, bool parallel, Action<int> body)
    {
        if (parallel)
        {
            ParallelWork.For(chunks, body);
            return;
        }

        for (int i = 0; i < chunks; i++)
        {
            body(i);
        }
    }

    /// <summary>A GEMM on the calling thread only (inside a parallel chunk) or with the automatic thread count.</summary>
    internal static void RunGemm<T>(
        bool insideParallel, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!insideParallel)
        {
            Gemm.Run(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }

        var path = (long)m * n * k <= Gemm.SmallWork ? GemmPath.Scalar : Gemm.BestPath;
        Gemm.Run(path, 1, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /// <summary>y = x + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScalar<T>(ReadOnlySpan<T> x, T b, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, len = x.Length;
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T y0 = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated)
        {
            var vb = Vector256.Create(b);
            for (; i <= len - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                (Vector256.LoadUnsafe(ref x0, (nuint)i) + vb).StoreUnsafe(ref y0, (nuint)i);
            }
        }

        for (; i < len; i++)
        {
            Unsafe.Add(ref y0, i) = Unsafe.Add(ref x0, i) + b;
        }
    }

    /// <summary>Copies samples <c>n0 .. n0+cnt</c> of y [N, O, P] into <paramref name="dst"/> as [O, cnt·P].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<T> Gather<T>(T[] y, T[] dst, ConvGeometry g, int n0, int cnt)
    {
        int p = g.P, ld = cnt * p;
        for (int j = 0; j < cnt; j++)
        {
            for (int o = 0; o < g.O; o++)
            {
                new ReadOnlySpan<T>(y, (((n0 + j) * g.O) + o) * p, p).CopyTo(dst.AsSpan((o * ld) + (j * p), p));
            }
        }

        return new ReadOnlySpan<T>(dst, 0, g.O * ld);
    }
}
