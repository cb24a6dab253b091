using System.Runtime.ExceptionServices;

namespace Vae.Core.Kernels;

/// <summary>
/// How kernels spread work over cores: only above a work threshold (below it the dispatch costs more than it
/// saves), never more workers than processors, and with the calling thread doing a share itself.
/// </summary>
/// <remarks>
/// <see cref="For"/> hands out parts by an atomic counter that the caller and the helper threads all draw from, and
/// the caller waits only for parts a helper has actually started. A helper that the scheduler wakes late (a busy
/// machine; a sleeping thread-pool thread) therefore costs nothing: the caller has drawn its part too, and the
/// late helper finds nothing left. (<see cref="Parallel.For(int, int, Action{int})"/> waits for every replica task
/// to run, which on an oversubscribed machine can add milliseconds to a 50 µs GEMM.)
/// </remarks>
internal static class ParallelWork
{
    /// <summary>Processors available to kernels.</summary>
    public static int MaxThreads { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Workers for <paramref name="work"/> units when each worker should get at least
    /// <paramref name="minPerThread"/> units (1 when the work is below twice that).
    /// </summary>
    public static int ThreadsFor(long work, long minPerThread)
    {
        if (MaxThreads == 1 || work < 2 * minPerThread)
        {
            return 1;
        }

        return (int)Math.Min(MaxThreads, work / minPerThread);
    }

    /// <summary>Runs body(0..count-1), spread over up to <see cref="MaxThreads"/> threads, and returns when all are done.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count <= 1 || MaxThreads == 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        var job = new Job(count, body);
        for (int h = Math.Min(count, MaxThreads) - 1; h > 0; h--)
        {
            ThreadPool.UnsafeQueueUserWorkItem(job, preferLocal: false);
        }

        job.Execute();
        job.Wait();
    }

    /// <summary>One <see cref="For"/> call: the shared part counter, the count of unfinished parts, the first error.</summary>
    private sealed class Job : IThreadPoolWorkItem
    {
        private readonly int _count;
        private readonly Action<int> _body;
        private int _next;
        private int _pending;
        private ExceptionDispatchInfo? _error;

        public Job(int count, Action<int> body)
        {
            _count = count;
            _body = body;
            _pending = count;
        }

        /// <summary>Draws and runs parts until none is left (run by the caller and by each helper).</summary>
        public void Execute()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < _count)
            {
                try
                {
                    _body(i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                }

                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    lock (this)
                    {
                        Monitor.PulseAll(this);
                    }
                }
            }
        }

        /// <summary>Waits (spinning briefly, then blocking) for the parts other threads drew; rethrows the first error.</summary>
        public void Wait()
        {
            var spin = default(SpinWait);
            while (Volatile.Read(ref _pending) != 0)
            {
                if (spin.Count >= 100)
                {
                    lock (this)
                    {
                        while (Volatile.Read(ref _pending) != 0)
                        {
                            Monitor.Wait(this);
                        }
                    }

                    break;
                }

                spin.SpinOnce(sleep1Threshold: -1);
            }

            _error?.Throw();
        }
    }
}
