namespace Vae.Core.Data;

/// <summary>
/// A dataset of one or more tensors that share their first dimension: example <c>i</c> is row <c>i</c> of each
/// tensor (like PyTorch's <c>TensorDataset</c>). Rows are copied out with contiguous span copies; the copies are
/// plain data (no gradient history).
/// </summary>
public sealed class TensorDataset
{
    private readonly Tensor[] _tensors;

    /// <summary>Creates a dataset over tensors of shapes <c>[N, ...]</c> (each of rank ≥ 1, all with the same N).</summary>
    /// <exception cref="ArgumentException">No tensors, a scalar, or first dimensions that differ (the message lists the shapes).</exception>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0)
        {
            throw new ArgumentException("TensorDataset needs at least one tensor.", nameof(tensors));
        }

        for (int i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is null)
            {
                throw new ArgumentException($"TensorDataset: tensor {i} is null.", nameof(tensors));
            }

            if (tensors[i].Rank == 0)
            {
                throw new ArgumentException($"TensorDataset: tensor {i} is a scalar (shape []); every tensor needs a first dimension indexing examples.", nameof(tensors));
            }
        }

        int n = tensors[0].Size(0);
        if (tensors.Any(t => t.Size(0) != n))
        {
            throw new ArgumentException(
                $"TensorDataset: tensors must share their first dimension, got shapes {string.Join(", ", tensors.Select(t => t.Shape.ToString()))}.",
                nameof(tensors));
        }

        _tensors = (Tensor[])tensors.Clone();
        Count = n;
    }

    /// <summary>Number of examples N.</summary>
    public int Count { get; }

    /// <summary>The underlying tensors, each of shape <c>[N, ...]</c>.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>Example <paramref name="index"/>: row <paramref name="index"/> of each tensor, copied (shape <c>[...]</c> without the first dimension).</summary>
    public Tensor[] this[int index]
    {
        get
        {
            CheckIndex(index);
            var rows = new Tensor[_tensors.Length];
            for (int t = 0; t < _tensors.Length; t++)
            {
                var src = _tensors[t];
                rows[t] = Tensor.Empty(new Shape(src.Shape.Dims[1..]), src.DType);
            }

            GatherInto([index], rows);
            return rows;
        }
    }

    /// <summary>
    /// The rows at <paramref name="indices"/> (in that order) of each tensor, copied into new tensors of shape
    /// <c>[indices.Length, ...]</c>.
    /// </summary>
    public Tensor[] Gather(ReadOnlySpan<int> indices)
    {
        var batch = new Tensor[_tensors.Length];
        for (int t = 0; t < _tensors.Length; t++)
        {
            batch[t] = Tensor.Empty(BatchShape(t, indices.Length), _tensors[t].DType);
        }

        GatherInto(indices, batch);
        return batch;
    }

    /// <summary>Shape of tensor <paramref name="tensor"/>'s batch of <paramref name="rows"/> rows.</summary>
    internal Shape BatchShape(int tensor, int rows)
    {
        var dims = _tensors[tensor].Shape.ToArray();
        dims[0] = rows;
        return new Shape(dims);
    }

    /// <summary>Copies the rows at <paramref name="indices"/> into preallocated tensors of matching shapes.</summary>
    internal void GatherInto(ReadOnlySpan<int> indices, Tensor[] destination)
    {
        foreach (int index in indices)
        {
            CheckIndex(index);
        }

        for (int t = 0; t < _tensors.Length; t++)
        {
            var src = _tensors[t];
            int row = Count == 0 ? 0 : src.Numel / Count;
            if (src.DType == DType.Float32)
            {
                CopyRows(src.Span<float>(), destination[t].Span<float>(), row, indices);
            }
            else
            {
                CopyRows(src.Span<double>(), destination[t].Span<double>(), row, indices);
            }
        }
    }

    private static void CopyRows<T>(ReadOnlySpan<T> src, Span<T> dst, int row, ReadOnlySpan<int> indices)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            src.Slice(indices[k] * row, row).CopyTo(dst.Slice(k * row, row));
        }
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is out of range for a dataset of {Count} examples.");
        }
    }
}
