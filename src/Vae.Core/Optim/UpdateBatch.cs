using Vae.Core.Kernels;

namespace Vae.Core.Optim;

/// <summary>One parameter's queued in-place update in an <see cref="UpdateBatch{TItem}"/>.</summary>
internal interface IRangeUpdate
{
    /// <summary>Elements of the parameter.</summary>
    int Length { get; }

    /// <summary>Updates elements [<paramref name="start"/>, <paramref name="end"/>) of the parameter.</summary>
    void Apply(int start, int end);
}

/// <summary>Thresholds of <see cref="UpdateBatch{TItem}"/> (settable for tests and benchmarks).</summary>
internal static class UpdateBatch
{
    /// <summary>Minimum elements per worker thread (the updates are memory-bound streams over 4–5 arrays).</summary>
    internal static int MinPerThread { get; set; } = 16 * 1024;

    /// <summary>Most parts one step's updates are cut into (see <see cref="UpdateBatch{TItem}.Run"/>).</summary>
    internal static int MaxParts { get; set; } = 16;
}

/// <summary>
/// The in-place updates of one optimizer step, run as one piece of work: the elements of all parameters are
/// viewed as one concatenated range, split into contiguous parts over the threads, so that a large weight is
/// shared between cores and many small parameters cost one dispatch in total, not one each. Allocates nothing in
/// steady state.
/// </summary>
/// <remarks>
/// Every update must be elementwise (element i of a parameter depends only on element i of its gradient and
/// buffers), so any split gives the same bits as the serial loop. Parameters are distinct (the optimizer rejects
/// duplicates), so parts never write the same memory.
/// </remarks>
internal sealed class UpdateBatch<TItem>
    where TItem : struct, IRangeUpdate
{
    private readonly Action<int> _runPart;
    private TItem[] _items = new TItem[8];
    private int _count;
    private long _total;
    private int _parts;

    public UpdateBatch()
    {
        _runPart = RunPart;
    }

    /// <summary>Queues an update.</summary>
    public void Add(in TItem item)
    {
        if (item.Length == 0)
        {
            return;
        }

        if (_count == _items.Length)
        {
            Array.Resize(ref _items, 2 * _count);
        }

        _items[_count++] = item;
        _total += item.Length;
    }

    /// <summary>Runs every queued update and empties the batch.</summary>
    public void Run()
    {
        try
        {
            // More parts than threads: the update follows the backward pass's serial tail, during which the helper
            // may have gone to sleep; with small parts a helper that wakes late still takes its share. (Each element
            // is touched once, so unlike chained elementwise kernels there is no cache locality to keep.)
            int threads = ParallelWork.ThreadsFor(_total, UpdateBatch.MinPerThread);
            _parts = threads <= 1 ? 1 : (int)Math.Clamp(_total / UpdateBatch.MinPerThread, threads, UpdateBatch.MaxParts);
            if (_parts <= 1)
            {
                for (int i = 0; i < _count; i++)
                {
                    _items[i].Apply(0, _items[i].Length);
                }
            }
            else
            {
                ParallelWork.For(_parts, _runPart);
            }
        }
        finally
        {
            Array.Clear(_items, 0, _count);
            _count = 0;
            _total = 0;
        }
    }

    /// <summary>Part <paramref name="part"/> of <see cref="_parts"/> of the concatenated element range.</summary>
    private void RunPart(int part)
    {
        const int Align = 16;
        long units = (_total + Align - 1) / Align;
        long start = Math.Min(_total, units * part / _parts * Align);
        long end = part == _parts - 1 ? _total : Math.Min(_total, units * (part + 1) / _parts * Align);
        long offset = 0;
        for (int i = 0; i < _count && offset < end; i++)
        {
            int length = _items[i].Length;
            long s = Math.Max(start, offset), e = Math.Min(end, offset + length);
            if (s < e)
            {
                _items[i].Apply((int)(s - offset), (int)(e - offset));
            }

            offset += length;
        }
    }
}
