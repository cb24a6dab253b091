using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// Joins tensors along an existing dimension: shapes [..., n_i, ...] (equal outside <paramref name="dim"/>) give
    /// [..., Σ n_i, ...]. The gradient of each input is the matching slice of the output gradient.
    /// </summary>
    /// <param name="tensors">One or more tensors of the same dtype and rank, equal in every dimension but <paramref name="dim"/>.</param>
    /// <param name="dim">The dimension to join along (negative counts from the end).</param>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Concat: needs at least one tensor.", nameof(tensors));
        }

        var first = tensors[0] ?? throw new ArgumentNullException(nameof(tensors), "Concat: tensor 0 is null.");
        if (first.Rank == 0)
        {
            throw new ArgumentException($"Concat: scalars (shape {first.Shape}) cannot be concatenated; use Stack.", nameof(tensors));
        }

        int d = first.Shape.NormalizeDim(dim);
        var parts = new Tensor[tensors.Count];
        var sizes = new int[parts.Length];
        var offsets = new int[parts.Length];
        int total = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"Concat: tensor {i} is null.");
            CheckSameDType(first, t, "Concat");
            if (!SameExcept(first.Shape, t.Shape, d))
            {
                throw new ArgumentException(
                    $"Concat: tensor {i} has shape {t.Shape}, which does not match tensor 0's shape {first.Shape} outside dimension {d}.",
                    nameof(tensors));
            }

            parts[i] = t;
            sizes[i] = t.Shape.Dims[d];
            offsets[i] = total;
            total = checked(total + sizes[i]);
        }

        var dims = first.Shape.ToArray();
        dims[d] = total;
        var y = JoinParts(parts, d, new Shape(dims), offsets);
        if (ShouldRecord(parts))
        {
            y.SetGradFn("Concat", parts, (g, n) =>
            {
                var grads = new Tensor?[n.Inputs.Length];
                for (int i = 0; i < grads.Length; i++)
                {
                    grads[i] = n.NeedsGrad[i] ? g.SliceAlong(d, offsets[i], sizes[i], 1) : null;
                }

                return grads;
            });
        }

        return y;
    }

    /// <summary>Alias of <see cref="Concat"/>.</summary>
    /// <param name="tensors">One or more tensors of the same dtype and rank, equal in every dimension but <paramref name="dim"/>.</param>
    /// <param name="dim">The dimension to join along (negative counts from the end).</param>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0) => Concat(tensors, dim);

    /// <summary>
    /// Joins tensors of equal shape S along a new dimension inserted at <paramref name="dim"/>
    /// (in [−rank−1, rank]): k tensors of shape [a, b] with dim 1 give [a, k, b]. The gradient of input i is
    /// <c>g.Select(dim, i)</c>.
    /// </summary>
    /// <param name="tensors">One or more tensors of the same dtype and shape.</param>
    /// <param name="dim">Position of the new dimension in the result (negative counts from the end).</param>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Stack: needs at least one tensor.", nameof(tensors));
        }

        var first = tensors[0] ?? throw new ArgumentNullException(nameof(tensors), "Stack: tensor 0 is null.");
        int d = NormalizeInsertDim(dim, first.Rank, "Stack");
        var parts = new Tensor[tensors.Count];
        var views = new Tensor[parts.Length];
        var offsets = new int[parts.Length];
        var unsqueezed = InsertDim(first.Shape, d, 1);
        for (int i = 0; i < parts.Length; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"Stack: tensor {i} is null.");
            CheckSameDType(first, t, "Stack");
            if (t.Shape != first.Shape)
            {
                throw new ArgumentException($"Stack: tensor {i} has shape {t.Shape} but tensor 0 has shape {first.Shape}; all shapes must be equal.", nameof(tensors));
            }

            parts[i] = t;
            views[i] = new Tensor(t.Data, unsqueezed, t.DType);
            offsets[i] = i;
        }

        var y = JoinParts(views, d, InsertDim(first.Shape, d, parts.Length), offsets);
        if (ShouldRecord(parts))
        {
            y.SetGradFn("Stack", parts, (g, n) =>
            {
                var grads = new Tensor?[n.Inputs.Length];
                for (int i = 0; i < grads.Length; i++)
                {
                    grads[i] = n.NeedsGrad[i] ? g.Select(d, i) : null;
                }

                return grads;
            });
        }

        return y;
    }

    /// <summary>
    /// Splits along <paramref name="dim"/> into pieces of <paramref name="splitSize"/> entries (the last may be
    /// smaller): shape [..., n, ...] gives ⌈n / splitSize⌉ tensors [..., ≤ splitSize, ...]. Each piece is a copy.
    /// </summary>
    /// <param name="splitSize">Entries per piece (positive).</param>
    /// <param name="dim">The dimension to split (negative counts from the end).</param>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        int d = Shape.NormalizeDim(dim), n = Shape.Dims[d];
        if (splitSize <= 0)
        {
            throw new ArgumentException($"Split: splitSize must be positive, got {splitSize} (shape {Shape}, dimension {dim}).", nameof(splitSize));
        }

        int count = Math.Max(1, (int)(((long)n + splitSize - 1) / splitSize));
        var sizes = new int[count];
        for (int i = 0; i < count; i++)
        {
            sizes[i] = Math.Min(splitSize, n - (i * splitSize));
        }

        return SplitAlong(d, sizes);
    }

    /// <summary>
    /// Splits along <paramref name="dim"/> into pieces of the given sizes, which must add up to the size of
    /// <paramref name="dim"/>: shape [..., n, ...] gives tensors [..., sizes[i], ...]. Each piece is a copy.
    /// </summary>
    /// <param name="sizes">Non-negative sizes summing to the size of <paramref name="dim"/>.</param>
    /// <param name="dim">The dimension to split (negative counts from the end).</param>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int d = Shape.NormalizeDim(dim), n = Shape.Dims[d];
        long sum = 0;
        foreach (int s in sizes)
        {
            if (s < 0)
            {
                throw new ArgumentException($"Split: sizes {Shape.Format(sizes)} contain a negative size (shape {Shape}).", nameof(sizes));
            }

            sum += s;
        }

        if (sum != n || sizes.Length == 0)
        {
            throw new ArgumentException(
                $"Split: sizes {Shape.Format(sizes)} add up to {sum}, but dimension {dim} of shape {Shape} has size {n}.", nameof(sizes));
        }

        return SplitAlong(d, (int[])sizes.Clone());
    }

    /// <summary>
    /// Splits along <paramref name="dim"/> into at most <paramref name="chunks"/> pieces of ⌈n / chunks⌉ entries
    /// (the last may be smaller; fewer pieces come back when n is not large enough, as in PyTorch).
    /// </summary>
    /// <param name="chunks">Number of pieces wanted (positive).</param>
    /// <param name="dim">The dimension to split (negative counts from the end).</param>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        int d = Shape.NormalizeDim(dim), n = Shape.Dims[d];
        if (chunks <= 0)
        {
            throw new ArgumentException($"Chunk: number of chunks must be positive, got {chunks} (shape {Shape}).", nameof(chunks));
        }

        int size = (int)(((long)n + chunks - 1) / chunks);
        return size == 0 ? SplitAlong(d, [0]) : Split(size, d);
    }

    private Tensor[] SplitAlong(int dim, int[] sizes)
    {
        var pieces = new Tensor[sizes.Length];
        for (int i = 0, off = 0; i < sizes.Length; off += sizes[i], i++)
        {
            pieces[i] = SliceAlong(dim, off, sizes[i], 1);
        }

        return pieces;
    }

    /// <summary>Copies each part into the result at its offset along <paramref name="dim"/> (parts have the result's rank).</summary>
    private static Tensor JoinParts(Tensor[] parts, int dim, Shape shape, int[] offsets)
    {
        var y = Empty(shape, parts[0].DType);
        int total = shape.Dims[dim];
        for (int i = 0; i < parts.Length; i++)
        {
            var t = parts[i];
            var (outer, size, inner) = t.OuterSizeInner(dim);
            if (y.DType == DType.Float32)
            {
                AxisCopy.Embed<float>(t.Span<float>(), y.Span<float>(), outer, total, inner, offsets[i], size, 1);
            }
            else
            {
                AxisCopy.Embed<double>(t.Span<double>(), y.Span<double>(), outer, total, inner, offsets[i], size, 1);
            }
        }

        return y;
    }

    private static bool SameExcept(Shape a, Shape b, int dim)
    {
        if (a.Rank != b.Rank)
        {
            return false;
        }

        for (int i = 0; i < a.Rank; i++)
        {
            if (i != dim && a.Dims[i] != b.Dims[i])
            {
                return false;
            }
        }

        return true;
    }

    private static int NormalizeInsertDim(int dim, int rank, string op)
    {
        int d = dim < 0 ? dim + rank + 1 : dim;
        if (d < 0 || d > rank)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} is out of range for inserting into rank {rank} (valid: {-rank - 1} to {rank}).");
        }

        return d;
    }

    private static Shape InsertDim(Shape shape, int dim, int size)
    {
        var dims = new List<int>(shape.Dims.ToArray());
        dims.Insert(dim, size);
        return new Shape(dims.ToArray());
    }
}
