using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vae.Core.Kernels;

/// <summary>
/// Materialises a permutation of dimensions. The permutation is first simplified (size-1 dimensions dropped,
/// input dimensions that stay adjacent and in order merged), then either copied as contiguous runs (when the
/// innermost dimension stays innermost) or as a batch of cache-blocked 2-D transposes with 8×8 (float) / 4×4
/// (double) in-register AVX transposes at their core.
/// </summary>
internal static class PermuteCopy
{
    /// <summary>Side of the square tiles of the blocked transpose (a tile of each side fits in L1).</summary>
    private const int Tile = 32;

    /// <summary>dst = src permuted: result dimension i is input dimension <paramref name="perm"/>[i].</summary>
    public static void Run<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> inDims, ReadOnlySpan<int> perm, Span<T> dst)
        where T : unmanaged
    {
        if (dst.Length == 0)
        {
            return;
        }

        var (dims, p) = Simplify(inDims, perm);
        int r = dims.Length;
        if (IsIdentity(p))
        {
            src[..dst.Length].CopyTo(dst);
            return;
        }

        var srcStrides = new int[r];
        for (int i = r - 1, acc = 1; i >= 0; i--)
        {
            srcStrides[i] = acc;
            acc *= dims[i];
        }

        var outDims = new int[r];
        var dstStrides = new int[r];
        for (int i = r - 1, acc = 1; i >= 0; i--)
        {
            outDims[i] = dims[p[i]];
            dstStrides[i] = acc;
            acc *= outDims[i];
        }

        if (p[r - 1] == r - 1)
        {
            CopyRuns(src, dst, outDims, p, srcStrides);
            return;
        }

        // Batched transpose: output dimension q holds the input's innermost (stride-1) dimension; the output's
        // innermost dimension is input dimension p[r-1] with source stride sa.
        int q = Array.IndexOf(p, r - 1);
        int sa = srcStrides[p[r - 1]], dq = dstStrides[q];
        int rows = outDims[q], cols = outDims[r - 1];
        var batchDims = new List<(int Size, int SrcStride, int DstStride)>(r);
        for (int i = 0; i < r - 1; i++)
        {
            if (i != q)
            {
                batchDims.Add((outDims[i], srcStrides[p[i]], dstStrides[i]));
            }
        }

        int batch = dst.Length / (rows * cols);
        var counter = new int[batchDims.Count];
        int sBase = 0, dBase = 0;
        for (int b = 0; b < batch; b++)
        {
            Transpose2D(src, sBase, sa, dst, dBase, dq, rows, cols);
            for (int k = batchDims.Count - 1; k >= 0; k--)
            {
                var (size, ss, ds) = batchDims[k];
                counter[k]++;
                sBase += ss;
                dBase += ds;
                if (counter[k] < size)
                {
                    break;
                }

                sBase -= ss * size;
                dBase -= ds * size;
                counter[k] = 0;
            }
        }
    }

    /// <summary>
    /// dst[dBase + i·dq + j] = src[sBase + j·sa + i] for i &lt; rows, j &lt; cols: a transpose between two strided
    /// matrices, blocked in tiles, with SIMD micro-kernels on the full 8×8 (4×4) blocks.
    /// </summary>
    internal static void Transpose2D<T>(ReadOnlySpan<T> src, int sBase, int sa, Span<T> dst, int dBase, int dq, int rows, int cols)
        where T : unmanaged
    {
        // Bounds: the last element touched on each side must exist (the kernels below index without checks).
        if (rows == 0 || cols == 0)
        {
            return;
        }

        _ = src[sBase + ((cols - 1) * sa) + rows - 1];
        _ = dst[dBase + ((rows - 1) * dq) + cols - 1];
        ref T s0 = ref MemoryMarshal.GetReference(src);
        ref T d0 = ref MemoryMarshal.GetReference(dst);

        int block = 1;
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            block = 8;
        }
        else if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            block = 4;
        }

        int rowsB = rows - (rows % block), colsB = cols - (cols % block);
        for (int i0 = 0; i0 < rowsB; i0 += Tile)
        {
            int i1 = Math.Min(i0 + Tile, rowsB);
            for (int j0 = 0; j0 < colsB; j0 += Tile)
            {
                int j1 = Math.Min(j0 + Tile, colsB);
                for (int i = i0; i < i1; i += block)
                {
                    for (int j = j0; j < j1; j += block)
                    {
                        int s = sBase + (j * sa) + i, d = dBase + (i * dq) + j;
                        if (block == 8)
                        {
                            TransposeBlocks.Float8x8(ref Unsafe.As<T, float>(ref Unsafe.Add(ref s0, s)), sa, ref Unsafe.As<T, float>(ref Unsafe.Add(ref d0, d)), dq);
                        }
                        else if (block == 4)
                        {
                            TransposeBlocks.Double4x4(ref Unsafe.As<T, double>(ref Unsafe.Add(ref s0, s)), sa, ref Unsafe.As<T, double>(ref Unsafe.Add(ref d0, d)), dq);
                        }
                        else
                        {
                            Unsafe.Add(ref d0, d) = Unsafe.Add(ref s0, s);
                        }
                    }
                }
            }
        }

        // Edges: the last rows % block rows (all columns) and the last cols % block columns (the blocked rows).
        ScalarTranspose(ref s0, sBase, sa, ref d0, dBase, dq, rowsB, rows, 0, cols);
        ScalarTranspose(ref s0, sBase, sa, ref d0, dBase, dq, 0, rowsB, colsB, cols);
    }

    /// <summary>Tiled scalar transpose of the index rectangle [iFrom, iTo) × [jFrom, jTo).</summary>
    private static void ScalarTranspose<T>(ref T s0, int sBase, int sa, ref T d0, int dBase, int dq, int iFrom, int iTo, int jFrom, int jTo)
    {
        for (int i0 = iFrom; i0 < iTo; i0 += Tile)
        {
            int i1 = Math.Min(i0 + Tile, iTo);
            for (int j0 = jFrom; j0 < jTo; j0 += Tile)
            {
                int j1 = Math.Min(j0 + Tile, jTo);
                for (int i = i0; i < i1; i++)
                {
                    ref T dRow = ref Unsafe.Add(ref d0, dBase + (i * dq));
                    ref T sCol = ref Unsafe.Add(ref s0, sBase + i);
                    for (int j = j0; j < j1; j++)
                    {
                        Unsafe.Add(ref dRow, j) = Unsafe.Add(ref sCol, j * sa);
                    }
                }
            }
        }
    }

    /// <summary>Copies when the innermost dimension stays innermost: one contiguous run per outer output position.</summary>
    private static void CopyRuns<T>(ReadOnlySpan<T> src, Span<T> dst, int[] outDims, int[] p, int[] srcStrides)
    {
        int r = outDims.Length;
        int run = outDims[r - 1];
        var counter = new int[r - 1];
        int off = 0;
        for (int o = 0; o < dst.Length; o += run)
        {
            if (run < 8)
            {
                for (int j = 0; j < run; j++)
                {
                    dst[o + j] = src[off + j];
                }
            }
            else
            {
                src.Slice(off, run).CopyTo(dst.Slice(o, run));
            }

            for (int k = r - 2; k >= 0; k--)
            {
                int stride = srcStrides[p[k]];
                counter[k]++;
                off += stride;
                if (counter[k] < outDims[k])
                {
                    break;
                }

                off -= stride * outDims[k];
                counter[k] = 0;
            }
        }
    }

    /// <summary>
    /// Drops size-1 dimensions and merges runs of output dimensions that are consecutive, in order, in the input.
    /// Returns the simplified input sizes and permutation (at least one dimension).
    /// </summary>
    internal static (int[] Dims, int[] Perm) Simplify(ReadOnlySpan<int> inDims, ReadOnlySpan<int> perm)
    {
        // Groups of input dimensions, in output order: (first input dim, last input dim, size).
        var groups = new List<(int First, int Last, int Size)>(perm.Length);
        foreach (int d in perm)
        {
            int n = inDims[d];
            if (n == 1)
            {
                continue;
            }

            if (groups.Count > 0 && NextNonUnit(inDims, groups[^1].Last) == d)
            {
                var g = groups[^1];
                groups[^1] = (g.First, d, g.Size * n);
            }
            else
            {
                groups.Add((d, d, n));
            }
        }

        if (groups.Count == 0)
        {
            return ([1], [0]);
        }

        // Renumber groups by their position in the input.
        var order = new int[groups.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => groups[a].First.CompareTo(groups[b].First));
        var dims = new int[groups.Count];
        var p = new int[groups.Count];
        for (int rank = 0; rank < order.Length; rank++)
        {
            dims[rank] = groups[order[rank]].Size;
            p[order[rank]] = rank;
        }

        return (dims, p);
    }

    /// <summary>The next input dimension after <paramref name="d"/> whose size is not 1 (or −1).</summary>
    private static int NextNonUnit(ReadOnlySpan<int> inDims, int d)
    {
        for (int i = d + 1; i < inDims.Length; i++)
        {
            if (inDims[i] != 1)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsIdentity(ReadOnlySpan<int> p)
    {
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] != i)
            {
                return false;
            }
        }

        return true;
    }
}
