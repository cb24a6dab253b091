using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Vae.Core.Kernels;

/// <summary>
/// Nearest-neighbour resizing of [planes, H, W] images to [planes, OH, OW] with source index
/// <c>⌊dst · in / out⌋</c> on each axis (PyTorch's <c>interpolate(size=…, mode="nearest")</c>), and its adjoint
/// (scatter-add of the output gradient onto the source pixels). The index maps are non-decreasing, so every source
/// row is read by one contiguous range of output rows; the kernels exploit that by copying (forward) or summing
/// (adjoint) whole rows with <see cref="TensorPrimitives"/> and only gathering/scattering along a row.
/// </summary>
internal static class NearestResizeKernel
{
    /// <summary>Elements per parallel worker below which the planes are processed on the calling thread.</summary>
    private const long MinPerThread = 1 << 16;

    /// <summary>Geometry of one resize: planes = N·C, input H×W, output OH×OW.</summary>
    internal readonly record struct Geometry(int N, int C, int H, int W, int OH, int OW)
    {
        public int Planes => N * C;

        public Shape InputShape => new(N, C, H, W);

        public Shape OutputShape => new(N, C, OH, OW);

        /// <summary>Validates the call (input [N, C, H, W], positive sizes, element count in range).</summary>
        public static Geometry For(string op, Tensor input, int outH, int outW)
        {
            ArgumentNullException.ThrowIfNull(input);
            if (input.Rank != 4)
            {
                throw new ArgumentException($"{op}: input must be [N, C, H, W], got {input.Shape}.", nameof(input));
            }

            if (outH < 1 || outW < 1)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{op}: output size ({outH}, {outW}) must be positive (input {input.Shape})."));
            }

            int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
            if ((long)n * c * outH * outW > int.MaxValue)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{op}: input {input.Shape} resized to ({outH}, {outW}) has more than {int.MaxValue} elements."));
            }

            if (h == 0 || w == 0)
            {
                if (n * c != 0)
                {
                    throw new ArgumentException($"{op}: input {input.Shape} has an empty image to resize.", nameof(input));
                }
            }

            return new Geometry(n, c, h, w, outH, outW);
        }
    }

    /// <summary>src[d] = ⌊d · inSize / outSize⌋ for d in [0, outSize).</summary>
    public static int[] SourceIndices(int inSize, int outSize)
    {
        var map = new int[outSize];
        for (int d = 0; d < outSize; d++)
        {
            map[d] = (int)((long)d * inSize / outSize);
        }

        return map;
    }

    /// <summary>y [planes, OH, OW] = x [planes, H, W] read at (srcH[i], srcW[j]).</summary>
    public static void Forward<T>(T[] x, T[] y, Geometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] rows = SourceIndices(g.H, g.OH), cols = SourceIndices(g.W, g.OW);
        RunPlanes(g, (p0, p1) => ForwardPlanes(x, y, g, rows, cols, p0, p1));
    }

    /// <summary>x [planes, H, W] = the adjoint: each y [planes, OH, OW] value added to its source pixel (zero elsewhere).</summary>
    public static void Adjoint<T>(T[] y, T[] x, Geometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] rows = SourceIndices(g.H, g.OH), cols = SourceIndices(g.W, g.OW);
        RunPlanes(g, (p0, p1) => AdjointPlanes(y, x, g, rows, cols, p0, p1));
    }

    private static void RunPlanes(Geometry g, Action<int, int> body)
    {
        int planes = g.Planes;
        long work = (long)planes * g.OH * g.OW;
        int threads = Math.Min(planes, ParallelWork.ThreadsFor(work, MinPerThread));
        if (threads <= 1)
        {
            body(0, planes);
            return;
        }

        ParallelWork.For(threads, t =>
        {
            int p0 = (int)((long)planes * t / threads), p1 = (int)((long)planes * (t + 1) / threads);
            body(p0, p1);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardPlanes<T>(T[] xArr, T[] yArr, Geometry g, int[] rows, int[] cols, int p0, int p1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        var x = xArr.AsSpan();
        var y = yArr.AsSpan();
        for (int pl = p0; pl < p1; pl++)
        {
            var src = x.Slice(pl * hw, hw);
            var dst = y.Slice(pl * ohw, ohw);
            for (int i = 0; i < g.OH; i++)
            {
                var outRow = dst.Slice(i * g.OW, g.OW);
                if (i > 0 && rows[i] == rows[i - 1])
                {
                    dst.Slice((i - 1) * g.OW, g.OW).CopyTo(outRow);
                    continue;
                }

                var inRow = src.Slice(rows[i] * g.W, g.W);
                for (int j = 0; j < outRow.Length; j++)
                {
                    outRow[j] = inRow[cols[j]];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AdjointPlanes<T>(T[] yArr, T[] xArr, Geometry g, int[] rows, int[] cols, int p0, int p1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        var y = yArr.AsSpan();
        var x = xArr.AsSpan();
        Span<T> rowSum = g.OW <= 512 ? stackalloc T[g.OW] : new T[g.OW];
        for (int pl = p0; pl < p1; pl++)
        {
            var src = y.Slice(pl * ohw, ohw);
            var dst = x.Slice(pl * hw, hw);
            dst.Clear();
            int i = 0;
            while (i < g.OH)
            {
                // Output rows i .. i1-1 all read source row r: sum them, then scatter the sum along the row.
                int r = rows[i], i1 = i + 1;
                while (i1 < g.OH && rows[i1] == r)
                {
                    i1++;
                }

                scoped ReadOnlySpan<T> sum = src.Slice(i * g.OW, g.OW);
                if (i1 - i > 1)
                {
                    TensorPrimitives.Add(sum, src.Slice((i + 1) * g.OW, g.OW), rowSum);
                    for (int k = i + 2; k < i1; k++)
                    {
                        TensorPrimitives.Add(rowSum, src.Slice(k * g.OW, g.OW), rowSum);
                    }

                    sum = rowSum;
                }

                var inRow = dst.Slice(r * g.W, g.W);
                for (int j = 0; j < sum.Length; j++)
                {
                    inRow[cols[j]] += sum[j];
                }

                i = i1;
            }
        }
    }
}
