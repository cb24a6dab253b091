using System.Numerics;

namespace Vae.Core.Kernels;

/// <summary>
/// Index handling for indexing ops: conversion of index tensors (ordinary tensors holding integral values) to
/// validated <c>int</c> indices, and the gather / scatter-add kernels of <see cref="Tensor.Gather(int, Tensor)"/>.
/// </summary>
internal static class IndexCopy
{
    /// <summary>
    /// Reads the values of <paramref name="index"/> as integers in <c>[0, size)</c>, throwing
    /// <see cref="ArgumentException"/> that names the offending value, its position, the index shape and
    /// <paramref name="target"/> (what the indices address, e.g. "dimension 1 of size 4 (input shape [3, 4])").
    /// </summary>
    public static int[] ToIndices(Tensor index, int size, string op, string target)
    {
        var result = new int[index.Numel];
        if (index.DType == DType.Float32)
        {
            Convert<float>(index.Span<float>(), result, index.Shape, size, op, target);
        }
        else
        {
            Convert<double>(index.Span<double>(), result, index.Shape, size, op, target);
        }

        return result;
    }

    /// <summary>Validates <c>int</c> indices against <c>[0, size)</c> and returns a private copy.</summary>
    public static int[] CheckIndices(ReadOnlySpan<int> index, int size, string op, string target)
    {
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)size)
            {
                throw new ArgumentException(
                    $"{op}: index {index[i]} at position [{i}] (index shape [{index.Length}]) is out of range for {target}.");
            }
        }

        return index.ToArray();
    }

    /// <summary>
    /// dst[p] = src[p with p[dim] replaced by index[p]] for every position p of the index shape
    /// (<c>torch.gather</c>); src has shape <paramref name="srcDims"/>, dst and index the shape <paramref name="indexDims"/>.
    /// </summary>
    public static void Gather<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> srcDims, Span<T> dst, ReadOnlySpan<int> indexDims, int dim, ReadOnlySpan<int> index)
    {
        int rank = indexDims.Length;
        int n = index.Length;
        if (n == 0)
        {
            return;
        }

        Span<int> srcStrides = stackalloc int[rank];
        Strides(srcDims, srcStrides);
        int last = rank - 1;
        int innerLen = indexDims[last];
        int dimStride = srcStrides[dim];
        Span<int> counter = stackalloc int[rank];
        counter.Clear();
        int baseOff = 0;
        for (int o = 0; o < n; o += innerLen)
        {
            if (dim == last)
            {
                for (int k = 0; k < innerLen; k++)
                {
                    dst[o + k] = src[baseOff + index[o + k]];
                }
            }
            else
            {
                for (int k = 0; k < innerLen; k++)
                {
                    dst[o + k] = src[baseOff + k + (index[o + k] * dimStride)];
                }
            }

            Advance(counter, indexDims, srcStrides, dim, ref baseOff);
        }
    }

    /// <summary>
    /// dst[p with p[dim] replaced by index[p]] += src[p] for every position p of the index shape (the adjoint of
    /// <see cref="Gather{T}"/>); src and index have shape <paramref name="indexDims"/>, dst the shape <paramref name="dstDims"/>.
    /// </summary>
    public static void ScatterAdd<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> indexDims, Span<T> dst, ReadOnlySpan<int> dstDims, int dim, ReadOnlySpan<int> index)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rank = indexDims.Length;
        int n = index.Length;
        if (n == 0)
        {
            return;
        }

        Span<int> dstStrides = stackalloc int[rank];
        Strides(dstDims, dstStrides);
        int last = rank - 1;
        int innerLen = indexDims[last];
        int dimStride = dstStrides[dim];
        Span<int> counter = stackalloc int[rank];
        counter.Clear();
        int baseOff = 0;
        for (int o = 0; o < n; o += innerLen)
        {
            if (dim == last)
            {
                for (int k = 0; k < innerLen; k++)
                {
                    dst[baseOff + index[o + k]] += src[o + k];
                }
            }
            else
            {
                for (int k = 0; k < innerLen; k++)
                {
                    dst[baseOff + k + (index[o + k] * dimStride)] += src[o + k];
                }
            }

            Advance(counter, indexDims, dstStrides, dim, ref baseOff);
        }
    }

    /// <summary>Formats the multi-index of flat position <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    public static string Position(Shape shape, int flat)
    {
        var dims = shape.Dims;
        var pos = new int[dims.Length];
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            pos[i] = flat % dims[i];
            flat /= dims[i];
        }

        return Shape.Format(pos);
    }

    private static void Convert<T>(ReadOnlySpan<T> values, int[] result, Shape shape, int size, string op, string target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v = double.CreateTruncating(values[i]);
            if (v != Math.Floor(v) || double.IsInfinity(v))
            {
                throw new ArgumentException(
                    $"{op}: index value {Tensor.FormatValue(v)} at position {Position(shape, i)} (index shape {shape}) is not an integer; " +
                    $"index tensors must hold integral values in [0, {size}) for {target}.");
            }

            if (v < 0 || v >= size)
            {
                throw new ArgumentException(
                    $"{op}: index {Tensor.FormatValue(v)} at position {Position(shape, i)} (index shape {shape}) is out of range for {target}.");
            }

            result[i] = (int)v;
        }
    }

    private static void Strides(ReadOnlySpan<int> dims, Span<int> strides)
    {
        int acc = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = acc;
            acc *= dims[i];
        }
    }

    /// <summary>
    /// Advances the counter over all index dimensions but the last, keeping <paramref name="baseOff"/> equal to the
    /// data offset of the counter position with the <paramref name="dim"/> coordinate left out.
    /// </summary>
    private static void Advance(Span<int> counter, ReadOnlySpan<int> indexDims, ReadOnlySpan<int> dataStrides, int dim, ref int baseOff)
    {
        for (int k = indexDims.Length - 2; k >= 0; k--)
        {
            int stride = k == dim ? 0 : dataStrides[k];
            counter[k]++;
            baseOff += stride;
            if (counter[k] < indexDims[k])
            {
                return;
            }

            baseOff -= stride * indexDims[k];
            counter[k] = 0;
        }
    }
}
