using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// The elements <c>start … start+length−1</c> along <paramref name="dim"/> (a copy; negative <paramref name="dim"/>
    /// and <paramref name="start"/> count from the end). For a tensor of shape [..., n, ...] the result has shape
    /// [..., length, ...].
    /// </summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = Shape.NormalizeDim(dim), n = Shape.Dims[d];
        int s = start < 0 ? start + n : start;
        if (s < 0 || length < 0 || (long)s + length > n)
        {
            throw new ArgumentException(
                $"Narrow: start {start} and length {length} are out of range for dimension {dim} of size {n} (shape {Shape}).");
        }

        return SliceAlong(d, s, length, 1);
    }

    /// <summary>
    /// Python-style slice <c>[start:end:step]</c> along <paramref name="dim"/> (a copy). Negative
    /// <paramref name="start"/>/<paramref name="end"/> count from the end and out-of-range bounds are clamped, as in
    /// Python; <paramref name="step"/> must be positive. For a tensor of shape [..., n, ...] the result has shape
    /// [..., max(0, ⌈(end−start)/step⌉), ...].
    /// </summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        int d = Shape.NormalizeDim(dim), n = Shape.Dims[d];
        if (step <= 0)
        {
            throw new ArgumentException($"Slice: step must be positive, got {step} (shape {Shape}, dimension {dim}).", nameof(step));
        }

        int s = ClampSliceBound(start, n), e = ClampSliceBound(end, n);
        int count = e > s ? (int)(((long)e - s + step - 1) / step) : 0;
        return SliceAlong(d, s, count, step);
    }

    /// <summary>
    /// The sub-tensor at <paramref name="index"/> along <paramref name="dim"/>, with that dimension removed (negative
    /// values count from the end): shape [a, n, b] with dim 1 gives [a, b].
    /// </summary>
    public Tensor Select(int dim, int index)
    {
        int d = Shape.NormalizeDim(dim), n = Shape.Dims[d];
        int k = index < 0 ? index + n : index;
        if (k < 0 || k >= n)
        {
            throw new ArgumentException($"Select: index {index} is out of range for dimension {dim} of size {n} (shape {Shape}).", nameof(index));
        }

        var dims = new int[Rank - 1];
        for (int i = 0, j = 0; i < Rank; i++)
        {
            if (i != d)
            {
                dims[j++] = Shape.Dims[i];
            }
        }

        return SliceAlong(d, k, 1, 1).Reshape(new Shape(dims));
    }

    /// <summary>
    /// Picks entries along <paramref name="dim"/> by index (duplicates allowed): for input [a, n, b], dim 1 and an
    /// index of shape [m], the result has shape [a, m, b] with <c>y[i, j, k] = x[i, index[j], k]</c>. The gradient
    /// scatter-adds into zeros, so duplicated indices accumulate.
    /// </summary>
    /// <param name="dim">The dimension to index (negative counts from the end).</param>
    /// <param name="index">Shape [m]: integral values in [0, n) (either dtype; not differentiated).</param>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int d = Shape.NormalizeDim(dim);
        if (index.Rank != 1)
        {
            throw new ArgumentException($"IndexSelect: index must be 1-D, got shape {index.Shape} (input shape {Shape}).", nameof(index));
        }

        return IndexSelectAlong(d, IndexCopy.ToIndices(index, Shape.Dims[d], "IndexSelect", DimTarget(d)));
    }

    /// <summary>
    /// Picks entries along <paramref name="dim"/> by index; see <see cref="IndexSelect(int, Tensor)"/>.
    /// </summary>
    /// <param name="dim">The dimension to index (negative counts from the end).</param>
    /// <param name="index">Indices in [0, n), duplicates allowed; the result has <c>index.Length</c> entries along <paramref name="dim"/>.</param>
    public Tensor IndexSelect(int dim, int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int d = Shape.NormalizeDim(dim);
        return IndexSelectAlong(d, IndexCopy.CheckIndices(index, Shape.Dims[d], "IndexSelect", DimTarget(d)));
    }

    /// <summary>
    /// Gathers values along <paramref name="dim"/> (as <c>torch.gather</c>): for rank-3 input and dim 1,
    /// <c>y[i, j, k] = x[i, index[i, j, k], k]</c>. The gradient scatter-adds into zeros.
    /// </summary>
    /// <param name="dim">The dimension to index (negative counts from the end).</param>
    /// <param name="index">
    /// Same rank as this tensor, each size at most this tensor's outside <paramref name="dim"/>; integral values in
    /// [0, size of <paramref name="dim"/>). The result has the index's shape.
    /// </param>
    public Tensor Gather(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int d = Shape.NormalizeDim(dim);
        if (index.Rank != Rank)
        {
            throw new ArgumentException($"Gather: index shape {index.Shape} must have the rank of the input shape {Shape}.", nameof(index));
        }

        for (int i = 0; i < Rank; i++)
        {
            if (i != d && index.Shape.Dims[i] > Shape.Dims[i])
            {
                throw new ArgumentException(
                    $"Gather: index shape {index.Shape} is larger than input shape {Shape} in dimension {i} (only dimension {d} may differ).",
                    nameof(index));
            }
        }

        return GatherAlong(d, IndexCopy.ToIndices(index, Shape.Dims[d], "Gather", DimTarget(d)), index.Shape);
    }

    /// <summary>
    /// One-hot encoding: labels of shape S give a tensor of shape S + [<paramref name="numClasses"/>] with a 1 at each
    /// label's class and 0 elsewhere. Not differentiable.
    /// </summary>
    /// <param name="labels">Any shape; integral values in [0, numClasses).</param>
    /// <param name="numClasses">Number of classes (positive).</param>
    /// <param name="dtype">Element type of the result.</param>
    public static Tensor OneHot(Tensor labels, int numClasses, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(labels);
        CheckNumClasses(numClasses);
        var idx = IndexCopy.ToIndices(labels, numClasses, "OneHot", $"{numClasses} classes");
        return OneHotCore(idx, [.. labels.Shape.Dims, numClasses], numClasses, dtype);
    }

    /// <summary>One-hot encoding of integer labels: shape [labels.Length, numClasses].</summary>
    /// <param name="labels">Class indices in [0, numClasses).</param>
    /// <param name="numClasses">Number of classes (positive).</param>
    /// <param name="dtype">Element type of the result.</param>
    public static Tensor OneHot(int[] labels, int numClasses, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(labels);
        CheckNumClasses(numClasses);
        var idx = IndexCopy.CheckIndices(labels, numClasses, "OneHot", $"{numClasses} classes");
        return OneHotCore(idx, [labels.Length, numClasses], numClasses, dtype);
    }

    /// <summary>Elements <c>start + i·step</c> (i &lt; count) along normalised dimension <paramref name="dim"/>; backward embeds into zeros.</summary>
    internal Tensor SliceAlong(int dim, int start, int count, int step)
    {
        var (outer, n, inner) = OuterSizeInner(dim);
        var dims = Shape.ToArray();
        dims[dim] = count;
        var y = Empty(new Shape(dims), DType);
        if (DType == DType.Float32)
        {
            AxisCopy.Slice<float>(Span<float>(), y.Span<float>(), outer, n, inner, start, count, step);
        }
        else
        {
            AxisCopy.Slice<double>(Span<double>(), y.Span<double>(), outer, n, inner, start, count, step);
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn("Slice", [this], (g, _) => [g.EmbedAlong(dim, n, start, step)]);
        }

        return y;
    }

    /// <summary>
    /// The inverse of <see cref="SliceAlong"/>: a zero tensor with <paramref name="size"/> entries along
    /// <paramref name="dim"/> holding this tensor at <c>start + i·step</c>; backward slices.
    /// </summary>
    internal Tensor EmbedAlong(int dim, int size, int start, int step)
    {
        var (outer, count, inner) = OuterSizeInner(dim);
        var dims = Shape.ToArray();
        dims[dim] = size;
        var y = Zeros(new Shape(dims), DType);
        if (DType == DType.Float32)
        {
            AxisCopy.Embed<float>(Span<float>(), y.Span<float>(), outer, size, inner, start, count, step);
        }
        else
        {
            AxisCopy.Embed<double>(Span<double>(), y.Span<double>(), outer, size, inner, start, count, step);
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn("Embed", [this], (g, _) => [g.SliceAlong(dim, start, count, step)]);
        }

        return y;
    }

    /// <summary>Index-select with validated indices along normalised <paramref name="dim"/>; backward is <see cref="IndexAddAlong"/>.</summary>
    internal Tensor IndexSelectAlong(int dim, int[] index)
    {
        var (outer, n, inner) = OuterSizeInner(dim);
        var dims = Shape.ToArray();
        dims[dim] = index.Length;
        var y = Empty(new Shape(dims), DType);
        if (DType == DType.Float32)
        {
            AxisCopy.IndexSelect<float>(Span<float>(), y.Span<float>(), outer, n, inner, index);
        }
        else
        {
            AxisCopy.IndexSelect<double>(Span<double>(), y.Span<double>(), outer, n, inner, index);
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn("IndexSelect", [this], (g, _) => [g.IndexAddAlong(dim, n, index)]);
        }

        return y;
    }

    /// <summary>
    /// Zeros with <paramref name="size"/> entries along <paramref name="dim"/> into which this tensor's entries
    /// j are added at <c>index[j]</c> (duplicates accumulate); backward is <see cref="IndexSelectAlong"/>.
    /// </summary>
    internal Tensor IndexAddAlong(int dim, int size, int[] index)
    {
        var (outer, _, inner) = OuterSizeInner(dim);
        var dims = Shape.ToArray();
        dims[dim] = size;
        var y = Zeros(new Shape(dims), DType);
        if (DType == DType.Float32)
        {
            AxisCopy.IndexAdd<float>(Span<float>(), y.Span<float>(), outer, size, inner, index);
        }
        else
        {
            AxisCopy.IndexAdd<double>(Span<double>(), y.Span<double>(), outer, size, inner, index);
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn("IndexAdd", [this], (g, _) => [g.IndexSelectAlong(dim, index)]);
        }

        return y;
    }

    /// <summary>Gather with validated indices (flat, of shape <paramref name="indexShape"/>); backward is <see cref="ScatterAddInto"/>.</summary>
    internal Tensor GatherAlong(int dim, int[] index, Shape indexShape)
    {
        var y = Empty(indexShape, DType);
        if (DType == DType.Float32)
        {
            IndexCopy.Gather<float>(Span<float>(), Shape.Dims, y.Span<float>(), indexShape.Dims, dim, index);
        }
        else
        {
            IndexCopy.Gather<double>(Span<double>(), Shape.Dims, y.Span<double>(), indexShape.Dims, dim, index);
        }

        if (ShouldRecord(this))
        {
            var inputShape = Shape;
            y.SetGradFn("Gather", [this], (g, _) => [g.ScatterAddInto(inputShape, dim, index)]);
        }

        return y;
    }

    /// <summary>
    /// Scatter-add of this tensor (shaped like the index) into zeros of shape <paramref name="target"/>:
    /// <c>y[p with p[dim] = index[p]] += this[p]</c>. The adjoint of <see cref="GatherAlong"/>, which is its backward.
    /// </summary>
    internal Tensor ScatterAddInto(Shape target, int dim, int[] index)
    {
        var y = Zeros(target, DType);
        if (DType == DType.Float32)
        {
            IndexCopy.ScatterAdd<float>(Span<float>(), Shape.Dims, y.Span<float>(), target.Dims, dim, index);
        }
        else
        {
            IndexCopy.ScatterAdd<double>(Span<double>(), Shape.Dims, y.Span<double>(), target.Dims, dim, index);
        }

        if (ShouldRecord(this))
        {
            var indexShape = Shape;
            y.SetGradFn("ScatterAdd", [this], (g, _) => [g.GatherAlong(dim, index, indexShape)]);
        }

        return y;
    }

    /// <summary>Views the shape as [outer, size of <paramref name="dim"/>, inner].</summary>
    internal (int Outer, int Size, int Inner) OuterSizeInner(int dim)
    {
        var dims = Shape.Dims;
        int outer = 1, inner = 1;
        for (int i = 0; i < dim; i++)
        {
            outer *= dims[i];
        }

        for (int i = dim + 1; i < dims.Length; i++)
        {
            inner *= dims[i];
        }

        return (outer, dims[dim], inner);
    }

    private string DimTarget(int dim) => $"dimension {dim} of size {Shape.Dims[dim]} (input shape {Shape})";

    private static int ClampSliceBound(int bound, int n) =>
        bound < 0 ? Math.Max(0, bound + n) : Math.Min(bound, n);

    private static void CheckNumClasses(int numClasses)
    {
        if (numClasses <= 0)
        {
            throw new ArgumentException($"OneHot: numClasses must be positive, got {numClasses}.", nameof(numClasses));
        }
    }

    private static Tensor OneHotCore(int[] idx, int[] shape, int numClasses, DType dtype)
    {
        var y = Zeros(new Shape(shape), dtype);
        for (int i = 0; i < idx.Length; i++)
        {
            y.SetFlat((i * numClasses) + idx[i], 1.0);
        }

        return y;
    }
}
