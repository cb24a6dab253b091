using System.Numerics;
using System.Numerics.Tensors;

namespace Vae.Core.Kernels;

/// <summary>An associative reduction (sum, max, min) over spans.</summary>
internal interface IReducer
{
    /// <summary>Reduces a contiguous run to one value.</summary>
    static abstract T Reduce<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>acc[i] = op(acc[i], x[i]).</summary>
    static abstract void Combine<T>(ReadOnlySpan<T> x, Span<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

internal readonly struct SumReducer : IReducer
{
    public static T Reduce<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sum(x);

    public static void Combine<T>(ReadOnlySpan<T> x, Span<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(acc, x, acc);
}

/// <summary>Maximum; NaN propagates (IEEE 754-2019 <c>maximum</c>).</summary>
internal readonly struct MaxReducer : IReducer
{
    public static T Reduce<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x);

    public static void Combine<T>(ReadOnlySpan<T> x, Span<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(acc, x, acc);
}

/// <summary>Minimum; NaN propagates (IEEE 754-2019 <c>minimum</c>).</summary>
internal readonly struct MinReducer : IReducer
{
    public static T Reduce<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(x);

    public static void Combine<T>(ReadOnlySpan<T> x, Span<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(acc, x, acc);
}

/// <summary>Reductions over arbitrary sets of dimensions of contiguous tensors.</summary>
internal static class Reduction
{
    /// <summary>
    /// Reduces <paramref name="x"/> over <paramref name="dims"/> (normalised, distinct), returning a tensor with
    /// the reduced dimensions kept as size 1.
    /// </summary>
    public static Tensor Reduce<TReducer>(Tensor x, ReadOnlySpan<int> dims)
        where TReducer : IReducer
    {
        var inDims = x.Shape.Dims;
        var reduce = new bool[inDims.Length];
        foreach (int d in dims)
        {
            reduce[d] = true;
        }

        var keepShape = new int[inDims.Length];
        for (int i = 0; i < inDims.Length; i++)
        {
            keepShape[i] = reduce[i] ? 1 : inDims[i];
            if (reduce[i] && inDims[i] == 0)
            {
                throw new ArgumentException($"Cannot reduce over dimension {i} of size 0 (shape {x.Shape}).");
            }
        }

        // Merge runs of adjacent dimensions with the same flag into segments (outer→inner).
        var sizes = new List<int>();
        var flags = new List<bool>();
        for (int i = 0; i < inDims.Length; i++)
        {
            if (inDims[i] == 1)
            {
                continue;
            }

            if (flags.Count > 0 && flags[^1] == reduce[i])
            {
                sizes[^1] *= inDims[i];
            }
            else
            {
                sizes.Add(inDims[i]);
                flags.Add(reduce[i]);
            }
        }

        Tensor cur = x;
        // Reduce the segments from the innermost outward; each pass is one [outer, n, inner] reduction.
        for (int s = sizes.Count - 1; s >= 0; s--)
        {
            if (!flags[s])
            {
                continue;
            }

            int outer = 1, inner = 1;
            for (int k = 0; k < s; k++)
            {
                outer *= sizes[k];
            }

            for (int k = s + 1; k < sizes.Count; k++)
            {
                inner *= sizes[k];
            }

            var next = Tensor.Empty(new Shape(outer * inner), x.DType);
            ReduceDimSplit<TReducer>(cur, outer, sizes[s], inner, next);

            sizes[s] = 1;
            cur = next;
        }

        if (ReferenceEquals(cur, x))
        {
            cur = Tensor.Empty(x.Shape, x.DType);
            if (x.DType == DType.Float32)
            {
                x.Span<float>().CopyTo(cur.Span<float>());
            }
            else
            {
                x.Span<double>().CopyTo(cur.Span<double>());
            }
        }

        return new Tensor(cur.Data, new Shape(keepShape), x.DType);
    }

    /// <summary>
    /// <see cref="ReduceDim{T, TReducer}(ReadOnlySpan{T}, int, int, int, Span{T})"/> from tensor
    /// <paramref name="src"/> into <paramref name="dst"/>, split over threads above
    /// <see cref="Elementwise.ParallelMinPerThread"/> source elements per thread: by outer slices when there are
    /// enough of them, else by ranges of the inner columns. Either split leaves every result bit-identical (each
    /// output is still reduced by one thread in the same order); a reduction to a single value stays serial.
    /// </summary>
    internal static void ReduceDimSplit<TReducer>(Tensor src, int outer, int n, int inner, Tensor dst)
        where TReducer : IReducer
    {
        // Outer slices: as many parts as Elementwise.PartsFor allows. Column ranges: one per thread (each part
        // walks all n rows, so more parts would only add per-row calls) of at least MinColumns columns.
        const int MinColumns = 128;
        long work = (long)outer * n * inner;
        int parts = Elementwise.PartsFor(work);
        bool byOuter = outer >= parts || (outer >= 2 && inner < 2 * MinColumns);
        parts = byOuter
            ? Math.Min(parts, outer)
            : Math.Min(ParallelWork.ThreadsFor(work, Elementwise.ParallelMinPerThread), inner / MinColumns);
        if (parts <= 1)
        {
            ReduceRange<TReducer>(src, outer, n, inner, dst, 0, outer, 0, inner);
            return;
        }

        ParallelWork.For(parts, t =>
        {
            if (byOuter)
            {
                var (o0, o1) = ParallelWork.Range(outer, parts, t, 1);
                ReduceRange<TReducer>(src, outer, n, inner, dst, o0, o1, 0, inner);
            }
            else
            {
                var (i0, i1) = ParallelWork.Range(inner, parts, t, Elementwise.SplitAlign);
                ReduceRange<TReducer>(src, outer, n, inner, dst, 0, outer, i0, i1);
            }
        });
    }

    private static void ReduceRange<TReducer>(Tensor src, int outer, int n, int inner, Tensor dst, int o0, int o1, int i0, int i1)
        where TReducer : IReducer
    {
        if (src.DType == DType.Float32)
        {
            ReduceDim<float, TReducer>(src.Span<float>(), outer, n, inner, dst.Span<float>(), o0, o1, i0, i1);
        }
        else
        {
            ReduceDim<double, TReducer>(src.Span<double>(), outer, n, inner, dst.Span<double>(), o0, o1, i0, i1);
        }
    }

    /// <summary>dst[o, i] = reduce_j src[o, j, i] for a contiguous [outer, n, inner] source.</summary>
    public static void ReduceDim<T, TReducer>(ReadOnlySpan<T> src, int outer, int n, int inner, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReducer : IReducer =>
        ReduceDim<T, TReducer>(src, outer, n, inner, dst, 0, outer, 0, inner);

    /// <summary>The outputs dst[o, i] for o in [o0, o1) and i in [i0, i1) of the [outer, n, inner] reduction.</summary>
    private static void ReduceDim<T, TReducer>(ReadOnlySpan<T> src, int outer, int n, int inner, Span<T> dst, int o0, int o1, int i0, int i1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReducer : IReducer
    {
        if (inner == 1)
        {
            for (int o = o0; o < o1; o++)
            {
                dst[o] = TReducer.Reduce(src.Slice(o * n, n));
            }

            return;
        }

        int width = i1 - i0;
        for (int o = o0; o < o1; o++)
        {
            var acc = dst.Slice((o * inner) + i0, width);
            int baseIdx = (o * n * inner) + i0;
            src.Slice(baseIdx, width).CopyTo(acc);
            for (int j = 1; j < n; j++)
            {
                TReducer.Combine(src.Slice(baseIdx + (j * inner), width), acc);
            }
        }
    }

    /// <summary>
    /// Views a reduction of <paramref name="shape"/> over the (normalised, sorted) <paramref name="dims"/> as one
    /// contiguous <c>[outer, n, inner]</c> reduction over the middle axis, if the reduced dimensions are adjacent
    /// once dimensions of size 1 are ignored. Returns false when they are not (e.g. dims 0 and 2 of a 3-D shape).
    /// </summary>
    public static bool TryAsSingleAxis(Shape shape, ReadOnlySpan<int> dims, out int outer, out int n, out int inner)
    {
        var sizes = shape.Dims;
        int first = -1, last = -1;
        foreach (int d in dims)
        {
            if (sizes[d] != 1)
            {
                first = first < 0 ? d : Math.Min(first, d);
                last = Math.Max(last, d);
            }
        }

        outer = 1;
        n = 1;
        inner = 1;
        if (first < 0)
        {
            outer = shape.Numel;
            return true;
        }

        for (int i = 0; i < sizes.Length; i++)
        {
            if (i < first)
            {
                outer *= sizes[i];
            }
            else if (i > last)
            {
                inner *= sizes[i];
            }
            else if (sizes[i] != 1 && dims.IndexOf(i) < 0)
            {
                return false;
            }
            else
            {
                n *= sizes[i];
            }
        }

        return true;
    }

    /// <summary>The shape with the (normalised) reduced dimensions set to size 1.</summary>
    public static Shape KeepDims(Shape shape, ReadOnlySpan<int> dims)
    {
        var kept = shape.ToArray();
        foreach (int d in dims)
        {
            kept[d] = 1;
        }

        return new Shape(kept);
    }

    /// <summary>Product of the sizes of the (normalised) dimensions.</summary>
    public static int CountOver(Shape shape, ReadOnlySpan<int> dims)
    {
        int n = 1;
        foreach (int d in dims)
        {
            n *= shape.Dims[d];
        }

        return n;
    }

    /// <summary>Normalises, de-duplicates and validates reduction dimensions against a shape.</summary>
    public static int[] NormalizeDims(Shape shape, ReadOnlySpan<int> dims, string op)
    {
        var result = new SortedSet<int>();
        foreach (int d in dims)
        {
            int nd = d < 0 ? d + shape.Rank : d;
            if (nd < 0 || nd >= shape.Rank)
            {
                throw new ArgumentOutOfRangeException(nameof(dims), $"{op}: dimension {d} is out of range for shape {shape}.");
            }

            if (!result.Add(nd))
            {
                throw new ArgumentException($"{op}: dimension {d} appears more than once (shape {shape}).", nameof(dims));
            }
        }

        return [.. result];
    }

    /// <summary>The shape after removing the (sorted) reduced dimensions.</summary>
    public static Shape DropDims(Shape shape, int[] dims)
    {
        var kept = new List<int>(shape.Rank);
        for (int i = 0; i < shape.Rank; i++)
        {
            if (Array.BinarySearch(dims, i) < 0)
            {
                kept.Add(shape.Dims[i]);
            }
        }

        return new Shape(kept.ToArray());
    }
}
