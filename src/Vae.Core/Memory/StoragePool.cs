namespace Vae.Core.Memory;

/// <summary>
/// Storage arrays that <see cref="TensorScope"/>s have finished with, kept by exact length and element type for the
/// next tensor of that size. Training steps allocate the same shapes every step, so exact-length buckets serve
/// nearly every request after the first step. The pool holds at most <see cref="CapacityBytes"/>; arrays returned
/// beyond that are left to the garbage collector.
/// </summary>
internal static class StoragePool
{
    /// <summary>Arrays shorter than this are not pooled (small arrays are cheap for the GC's gen0).</summary>
    public const int MinLength = 1024;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, Stack<float[]>> Floats = [];
    private static readonly Dictionary<int, Stack<double[]>> Doubles = [];
    private static long _pooledBytes;

    /// <summary>Most bytes the pool keeps (default 1 GiB).</summary>
    public static long CapacityBytes { get; set; } = 1L << 30;

    /// <summary>Bytes currently held by the pool.</summary>
    public static long PooledBytes
    {
        get
        {
            lock (Gate)
            {
                return _pooledBytes;
            }
        }
    }

    /// <summary>A float array of exactly <paramref name="length"/> elements with unspecified contents.</summary>
    public static float[] RentFloat(int length) => Rent(Floats, length, sizeof(float)) ?? GC.AllocateUninitializedArray<float>(length);

    /// <summary>A double array of exactly <paramref name="length"/> elements with unspecified contents.</summary>
    public static double[] RentDouble(int length) => Rent(Doubles, length, sizeof(double)) ?? GC.AllocateUninitializedArray<double>(length);

    /// <summary>Gives an array back; the caller must hold no reference to it afterwards.</summary>
    public static void Return(Array array)
    {
        switch (array)
        {
            case float[] f:
                Return(Floats, f, sizeof(float));
                break;
            case double[] d:
                Return(Doubles, d, sizeof(double));
                break;
        }
    }

    /// <summary>Drops every pooled array (the garbage collector reclaims them).</summary>
    public static void Clear()
    {
        lock (Gate)
        {
            Floats.Clear();
            Doubles.Clear();
            _pooledBytes = 0;
        }
    }

    private static T[]? Rent<T>(Dictionary<int, Stack<T[]>> buckets, int length, int elementSize)
    {
        if (length < MinLength)
        {
            return null;
        }

        lock (Gate)
        {
            if (buckets.TryGetValue(length, out var stack) && stack.TryPop(out var array))
            {
                _pooledBytes -= (long)length * elementSize;
                return array;
            }
        }

        return null;
    }

    private static void Return<T>(Dictionary<int, Stack<T[]>> buckets, T[] array, int elementSize)
    {
        long bytes = (long)array.Length * elementSize;
        if (array.Length < MinLength)
        {
            return;
        }

        lock (Gate)
        {
            if (_pooledBytes + bytes > CapacityBytes)
            {
                return;
            }

            if (!buckets.TryGetValue(array.Length, out var stack))
            {
                stack = new Stack<T[]>();
                buckets.Add(array.Length, stack);
            }

            stack.Push(array);
            _pooledBytes += bytes;
        }
    }
}
