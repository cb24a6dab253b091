using System.Collections;

namespace Vae.Core.Data;

/// <summary>
/// Iterates over a <see cref="TensorDataset"/> in mini-batches. Each enumeration (each <c>foreach</c>) is one epoch:
/// with <see cref="Shuffle"/> a fresh permutation is drawn from <see cref="Generator"/> at its start, so the same seed
/// gives the same sequence of epochs. Rows are gathered with contiguous span copies; the optional
/// <see cref="Transform"/> runs on every batch (for example <see cref="Transforms.DynamicBinarize(int, Generator?)"/>).
/// </summary>
public sealed class DataLoader : IEnumerable<Batch>
{
    private Tensor[]? _fullBuffers;
    private Tensor[]? _tailBuffers;

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The examples.</param>
    /// <param name="batchSize">Rows per batch (≥ 1); the last batch may be smaller unless <paramref name="dropLast"/>.</param>
    /// <param name="shuffle">Whether each epoch visits the examples in a new random order (needs a generator).</param>
    /// <param name="generator">Source of randomness for shuffling and for transforms; required when shuffling.</param>
    /// <param name="dropLast">Whether to skip a final batch smaller than <paramref name="batchSize"/>.</param>
    /// <param name="transform">Optional per-batch transform.</param>
    /// <exception cref="ArgumentException">Invalid batch size, or shuffling without a generator.</exception>
    public DataLoader(
        TensorDataset dataset,
        int batchSize,
        bool shuffle = false,
        Generator? generator = null,
        bool dropLast = false,
        BatchTransform? transform = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"DataLoader: batch size must be at least 1, got {batchSize}.");
        }

        if (shuffle && generator is null)
        {
            throw new ArgumentException("DataLoader: shuffling needs a Generator (pass a seeded one for reproducible epochs).", nameof(generator));
        }

        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Generator = generator;
        DropLast = dropLast;
        Transform = transform;
    }

    /// <summary>The examples.</summary>
    public TensorDataset Dataset { get; }

    /// <summary>Rows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch draws a new order.</summary>
    public bool Shuffle { get; }

    /// <summary>Randomness for shuffling and transforms (null when none was given).</summary>
    public Generator? Generator { get; }

    /// <summary>Whether a final incomplete batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The per-batch transform, or null.</summary>
    public BatchTransform? Transform { get; }

    /// <summary>
    /// When true, batches are gathered into the same preallocated tensors every step (no per-step allocation of
    /// batch storage): a batch's tensors are then only valid until the next batch is produced, and the loader must not
    /// be enumerated twice at once. Default false (every batch gets fresh tensors).
    /// </summary>
    public bool ReuseBuffers { get; init; }

    /// <summary>Number of batches in one epoch.</summary>
    public int BatchCount => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>Enumerates one epoch of batches.</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        int n = Dataset.Count;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        if (Shuffle)
        {
            // Fisher–Yates with the loader's generator.
            for (int i = n - 1; i > 0; i--)
            {
                int j = Generator!.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        for (int start = 0; start < n; start += BatchSize)
        {
            int rows = Math.Min(BatchSize, n - start);
            if (rows < BatchSize && DropLast)
            {
                yield break;
            }

            var indices = new ReadOnlyMemory<int>(order, start, rows);
            var tensors = Buffers(rows);
            Dataset.GatherInto(indices.Span, tensors);
            var batch = new Batch(tensors, indices);
            Transform?.Invoke(batch, Generator);
            yield return batch;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Tensor[] Buffers(int rows)
    {
        if (!ReuseBuffers)
        {
            return Allocate(rows);
        }

        // Reused buffers outlive any TensorScope the first batch happens to be drawn in.
        using (TensorScope.Pause())
        {
            if (rows == BatchSize)
            {
                return _fullBuffers ??= Allocate(rows);
            }

            if (_tailBuffers is null || _tailBuffers[0].Size(0) != rows)
            {
                _tailBuffers = Allocate(rows);
            }

            return _tailBuffers;
        }
    }

    private Tensor[] Allocate(int rows)
    {
        var tensors = new Tensor[Dataset.Tensors.Count];
        for (int t = 0; t < tensors.Length; t++)
        {
            tensors[t] = Tensor.Empty(Dataset.BatchShape(t, rows), Dataset.Tensors[t].DType);
        }

        return tensors;
    }
}
