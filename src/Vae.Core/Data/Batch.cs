using System.Collections;

namespace Vae.Core.Data;

/// <summary>
/// One mini-batch from a <see cref="DataLoader"/>: a tensor per dataset tensor, each of shape <c>[Size, ...]</c>, and
/// the dataset indices of its rows. The tensors belong to the batch (fresh copies, or the loader's reused buffers when
/// <see cref="DataLoader.ReuseBuffers"/> is on), so transforms may modify them in place or replace them.
/// Deconstructs as <c>var (x, y) = batch</c>.
/// </summary>
public sealed class Batch : IReadOnlyList<Tensor>
{
    private readonly Tensor[] _tensors;

    /// <summary>Creates a batch from tensors sharing their first dimension and the dataset indices of the rows.</summary>
    public Batch(Tensor[] tensors, ReadOnlyMemory<int> indices)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = (Tensor[])tensors.Clone();
        Indices = indices;
        for (int i = 0; i < _tensors.Length; i++)
        {
            CheckRows(i, _tensors[i]);
        }
    }

    /// <summary>Number of examples in the batch.</summary>
    public int Size => Indices.Length;

    /// <summary>Dataset index of each row, in batch order.</summary>
    public ReadOnlyMemory<int> Indices { get; }

    /// <summary>Number of tensors.</summary>
    public int Count => _tensors.Length;

    /// <summary>Tensor <paramref name="index"/> (shape <c>[Size, ...]</c>); settable by transforms (same first dimension).</summary>
    public Tensor this[int index]
    {
        get => _tensors[index];
        set
        {
            CheckRows(index, value);
            _tensors[index] = value;
        }
    }

    /// <summary>Deconstructs a two-tensor batch, e.g. <c>var (images, labels) = batch</c>.</summary>
    public void Deconstruct(out Tensor first, out Tensor second)
    {
        CheckCount(2);
        (first, second) = (_tensors[0], _tensors[1]);
    }

    /// <summary>Deconstructs a three-tensor batch.</summary>
    public void Deconstruct(out Tensor first, out Tensor second, out Tensor third)
    {
        CheckCount(3);
        (first, second, third) = (_tensors[0], _tensors[1], _tensors[2]);
    }

    /// <inheritdoc />
    public IEnumerator<Tensor> GetEnumerator() => ((IEnumerable<Tensor>)_tensors).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void CheckRows(int index, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank == 0 || tensor.Size(0) != Size)
        {
            throw new ArgumentException($"Batch tensor {index} has shape {tensor.Shape}; expected a first dimension of {Size} (the batch size).");
        }
    }

    private void CheckCount(int wanted)
    {
        if (_tensors.Length != wanted)
        {
            throw new InvalidOperationException($"This batch has {_tensors.Length} tensor(s) and cannot be deconstructed into {wanted}.");
        }
    }
}
