using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Vae.Core.Kernels;

/// <summary>
/// How kernels spread work over cores: only above a work threshold (below it the dispatch costs more than it
/// saves), never more workers than processors, and with the calling thread doing a share itself.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="For"/> hands out parts by an atomic counter that the caller and the helper threads all draw from, and
/// the caller waits only for parts a helper has actually started. A helper that the scheduler wakes late (a busy
/// machine) therefore costs nothing: the caller has drawn its part too, and the late helper finds nothing left.
/// Which thread runs a part never changes a result: parts are fixed by the caller, and kernels that combine
/// partial results do so in part order.
/// </para>
/// <para>
/// The helpers are dedicated background threads (one per processor beyond the first), not thread-pool work items:
/// after a part they spin for <see cref="SpinMicroseconds"/> waiting for the next one before they block, so the
/// back-to-back kernels of a training step reach a running helper within a microsecond instead of paying a
/// thread wake-up (tens of microseconds on a virtual machine) each. The spin loops never call
/// <see cref="Thread.Yield"/>: on Linux's EEVDF scheduler each yield pushes the thread's deadline back, and a helper
/// that yields thousands of times is starved for milliseconds. <c>VAE_PARALLEL_SPIN_US</c> overrides the spin time
/// (0: block at once).
/// </para>
/// </remarks>
internal static class ParallelWork
{
    /// <summary>
    /// Most parts per worker that <see cref="PartsFor"/> cuts. One: then the caller, which draws first, always
    /// gets the first range of a tensor and the helper the second, so consecutive kernels over the same tensors
    /// find their halves in the same core's cache. (4 parts, handed out to whichever thread was free, measured
    /// slower on the canonical VAE's elementwise ops: par-quick exp 1.0× vs 1.9×, bias add 1.0× vs 1.65×.)
    /// </summary>
    internal const int PartsPerThread = 1;

    /// <summary>How long an idle helper waits for the next part before it blocks (environment override for tuning).</summary>
    internal static readonly int SpinMicroseconds = ReadSpinMicroseconds();

    private static readonly long SpinTicks = SpinMicroseconds * Stopwatch.Frequency / 1_000_000;

    /// <summary>A gap this long between two looks of a spinning helper means it was preempted (50 µs).</summary>
    private static readonly long PreemptedTicks = Stopwatch.Frequency / 20_000;

    /// <summary>How long a caller spins for unfinished parts before it blocks (200 µs).</summary>
    private static readonly long WaitSpinTicks = Stopwatch.Frequency / 5_000;

    /// <summary>How long kernels stay serial after a sign of an oversubscribed machine (50 ms).</summary>
    private static readonly long ContendedTicks = Stopwatch.Frequency / 20;

    /// <summary>Timestamp until which <see cref="For"/> runs every part on the caller (see <see cref="MarkContended"/>).</summary>
    private static long s_serialUntil;

    /// <summary>The dedicated helper threads, started on first use.</summary>
    private static Helper[]? s_helpers;

    /// <summary>A per-thread override of <see cref="MaxThreads"/> (0: none); see <see cref="OverrideThreads"/>.</summary>
    [ThreadStatic]
    private static int t_threadsOverride;

    /// <summary>This thread's reusable <see cref="Job"/>s; see <see cref="RentJob"/>.</summary>
    [ThreadStatic]
    private static Job?[]? t_jobs;

    /// <summary>Processors the runtime reports (the default of <see cref="MaxThreads"/>).</summary>
    public static int ProcessorThreads { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Processors available to kernels called from this thread.</summary>
    public static int MaxThreads => t_threadsOverride > 0 ? t_threadsOverride : ProcessorThreads;

    /// <summary>
    /// Makes kernels called from this thread act as if <paramref name="threads"/> processors were available until
    /// the returned scope is disposed (tests: 1 runs the single-threaded path; more than the processors splits work
    /// into that many parts, which the caller and the helpers share).
    /// </summary>
    public static IDisposable OverrideThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var scope = new ThreadsScope(t_threadsOverride);
        t_threadsOverride = threads;
        return scope;
    }

    /// <summary>
    /// Workers for <paramref name="work"/> units when each worker should get at least
    /// <paramref name="minPerThread"/> units (1 when the work is below twice that).
    /// </summary>
    public static int ThreadsFor(long work, long minPerThread)
    {
        int max = MaxThreads;
        if (max == 1 || work < 2 * minPerThread)
        {
            return 1;
        }

        return (int)Math.Min(max, work / minPerThread);
    }

    /// <summary>
    /// How many parts to cut <paramref name="length"/> units of work into for <paramref name="threads"/> workers:
    /// up to <see cref="PartsPerThread"/> per worker, each at least <paramref name="minPart"/> units (and at least
    /// one part per worker). More parts than workers keep a worker that the scheduler preempts in the middle of a
    /// part from holding up the others for long: the rest of the parts go to whoever is running.
    /// </summary>
    public static int PartsFor(long length, int threads, long minPart)
    {
        if (threads <= 1)
        {
            return 1;
        }

        return (int)Math.Clamp(length / Math.Max(1, minPart), threads, PartsPerThread * threads);
    }

    /// <summary>
    /// Part <paramref name="part"/> of <paramref name="parts"/> contiguous ranges covering [0, <paramref name="length"/>),
    /// as even as possible with every inner boundary a multiple of <paramref name="align"/>.
    /// </summary>
    public static (int Start, int End) Range(int length, int parts, int part, int align)
    {
        long units = ((long)length + align - 1) / align;
        int start = (int)Math.Min(length, units * part / parts * align);
        int end = part == parts - 1 ? length : (int)Math.Min(length, units * (part + 1) / parts * align);
        return (start, end);
    }

    /// <summary>Runs body(0..count-1), spread over up to <see cref="MaxThreads"/> threads, and returns when all are done.</summary>
    public static void For(int count, Action<int> body)
    {
        int max = MaxThreads;
        if (count <= 1 || max == 1 || (t_threadsOverride == 0 && Stopwatch.GetTimestamp() < Volatile.Read(ref s_serialUntil)))
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        var helpers = s_helpers ?? StartHelpers();
        var job = RentJob(helpers);
        job.Start(count, body);
        int wanted = Math.Min(count, max) - 1;
        for (int h = 0; h < helpers.Length && wanted > 0; h++)
        {
            if (helpers[h].TryGive(job))
            {
                wanted--;
            }
        }

        try
        {
            job.Execute();
            job.Wait();
        }
        finally
        {
            job.Finish();
        }
    }

    /// <summary>
    /// A job from this thread's small pool (so a steady stream of calls allocates nothing), skipping jobs that are
    /// in use (a nested call) or that a helper may still reach: one waiting in a mailbox, or one a helper has not
    /// left yet. Each helper blocks at most two jobs that way, so a pool of 2·helpers + 1 always has a free one
    /// unless calls nest.
    /// </summary>
    private static Job RentJob(Helper[] helpers)
    {
        var pool = t_jobs ??= new Job[(2 * helpers.Length) + 1];
        for (int j = 0; j < pool.Length; j++)
        {
            var job = pool[j] ??= new Job();
            if (job.InUse)
            {
                continue;
            }

            // Mailboxes first, then the helpers inside: a helper enters a job before it empties its mailbox.
            bool held = false;
            foreach (var h in helpers)
            {
                held |= h.Holds(job);
            }

            if (!held && !job.HelpersInside)
            {
                return job;
            }
        }

        return new Job();
    }

    /// <summary>Per helper: jobs taken and times it blocked after spinning (diagnostics for benchmarks).</summary>
    internal static string DebugState() =>
        string.Join("; ", (s_helpers ?? []).Select((h, i) => $"helper {i + 1}: taken {h.Counts.Taken}, blocked {h.Counts.Sleeps}"));

    /// <summary>
    /// Notes that a helper was preempted while spinning, or that a caller waited long for a helper's part: the
    /// machine is oversubscribed, so for the next <see cref="ContendedTicks"/> kernels run serially. (Linux
    /// schedules this process's threads as one autogroup: on a busy machine a second thread adds no CPU time, and
    /// every microsecond spent spinning or waiting on a preempted helper is lost.) Kernels called with an
    /// <see cref="OverrideThreads"/> scope ignore it, so tests always exercise the split.
    /// </summary>
    private static void MarkContended() =>
        Volatile.Write(ref s_serialUntil, Stopwatch.GetTimestamp() + ContendedTicks);

    private static Helper[] StartHelpers()
    {
        var helpers = new Helper[ProcessorThreads - 1];
        for (int i = 0; i < helpers.Length; i++)
        {
            helpers[i] = new Helper(i);
        }

        if (Interlocked.CompareExchange(ref s_helpers, helpers, null) is { } existing)
        {
            return existing;
        }

        foreach (var h in helpers)
        {
            h.Start();
        }

        return helpers;
    }

    private static int ReadSpinMicroseconds()
    {
        string? s = Environment.GetEnvironmentVariable("VAE_PARALLEL_SPIN_US");
        return int.TryParse(s, out int us) && us >= 0 ? us : 200;
    }

    /// <summary>Restores the previous per-thread override.</summary>
    private sealed class ThreadsScope(int previous) : IDisposable
    {
        public void Dispose() => t_threadsOverride = previous;
    }

    /// <summary>
    /// One dedicated helper thread with a one-job mailbox: <see cref="TryGive"/> posts a job if the mailbox is
    /// empty; the thread takes it, runs parts of it, then spins briefly for the next job before blocking.
    /// </summary>
    private sealed class Helper
    {
        private readonly Thread _thread;
        private readonly object _gate = new();
        private Job? _mailbox;
        private int _sleeping;
        private int _taken;
        private int _sleeps;

        public Helper(int index)
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = $"Vae.Core kernel helper {index + 1}" };
        }

        public void Start() => _thread.Start();

        /// <summary>Whether <paramref name="job"/> sits in the mailbox, not yet taken.</summary>
        public bool Holds(Job job) => ReferenceEquals(Volatile.Read(ref _mailbox), job);

        /// <summary>Jobs taken and times blocked (diagnostics for benchmarks; written by the helper thread only).</summary>
        public (int Taken, int Sleeps) Counts => (_taken, _sleeps);

        /// <summary>Posts <paramref name="job"/> unless a job is already waiting; wakes the thread if it blocks.</summary>
        public bool TryGive(Job job)
        {
            if (Interlocked.CompareExchange(ref _mailbox, job, null) is not null)
            {
                return false;
            }

            // Dekker with the helper: it sets _sleeping (full fence) before its last look at the mailbox, and the
            // exchange above is a full fence before this read, so at least one of the two sees the other's write.
            if (Volatile.Read(ref _sleeping) != 0)
            {
                lock (_gate)
                {
                    Monitor.Pulse(_gate);
                }
            }

            return true;
        }

        private void Loop()
        {
            while (true)
            {
                var job = WaitForJob();
                job.Execute();
                job.Leave();
            }
        }

        private Job WaitForJob()
        {
            long last = Stopwatch.GetTimestamp(), deadline = last + SpinTicks;
            while (true)
            {
                if (Volatile.Read(ref _mailbox) is not null)
                {
                    return Take();
                }

                // Stop spinning at the deadline, or at once when a gap between two looks shows that the scheduler
                // took the core away (an oversubscribed machine): spinning on would only take it from others.
                long now = Stopwatch.GetTimestamp();
                if (now - last > PreemptedTicks)
                {
                    MarkContended();
                    break;
                }

                if (now > deadline)
                {
                    break;
                }

                last = now;

                // Pause instructions only: no Thread.Yield. Under EEVDF (Linux ≥ 6.6) every sched_yield pushes the
                // thread's virtual deadline back by a slice, so a spinning helper that yields starves itself.
                Thread.SpinWait(16);
            }

            Interlocked.Exchange(ref _sleeping, 1);
            _sleeps++;
            lock (_gate)
            {
                while (Volatile.Read(ref _mailbox) is null)
                {
                    Monitor.Wait(_gate);
                }
            }

            Interlocked.Exchange(ref _sleeping, 0);
            return Take();
        }

        /// <summary>Enters the posted job, then empties the mailbox (the order <see cref="RentJob"/> relies on).</summary>
        private Job Take()
        {
            var job = Volatile.Read(ref _mailbox)!;
            _taken++;
            job.Enter();
            Interlocked.Exchange(ref _mailbox, null);
            return job;
        }
    }

    /// <summary>
    /// One <see cref="For"/> call: the shared part counter, the count of unfinished parts, the first error. Reused
    /// by its calling thread for later calls once no helper can reach it any more.
    /// </summary>
    private sealed class Job
    {
        private int _count;
        private Action<int>? _body;
        private int _next;
        private int _pending;
        private int _inside;
        private ExceptionDispatchInfo? _error;

        /// <summary>Between <see cref="Start"/> and <see cref="Finish"/>.</summary>
        public bool InUse { get; private set; }

        /// <summary>Whether a helper has entered this job and not yet left it.</summary>
        public bool HelpersInside => Volatile.Read(ref _inside) != 0;

        public void Start(int count, Action<int> body)
        {
            InUse = true;
            _error = null;
            _body = body;
            _count = count;
            _pending = count;
            Volatile.Write(ref _next, 0);
        }

        public void Finish()
        {
            _body = null;
            InUse = false;
        }

        public void Enter() => Interlocked.Increment(ref _inside);

        public void Leave() => Interlocked.Decrement(ref _inside);

        /// <summary>Draws and runs parts until none is left (run by the caller and by each helper).</summary>
        public void Execute()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < _count)
            {
                try
                {
                    _body!(i);
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

        /// <summary>
        /// Waits for the parts other threads drew: spinning for up to 200 µs (they are running), then blocking, so
        /// that a helper the scheduler preempted in the middle of its part can get this core back (and marking the
        /// machine contended); rethrows the first error.
        /// </summary>
        public void Wait()
        {
            if (Volatile.Read(ref _pending) != 0)
            {
                long deadline = Stopwatch.GetTimestamp() + WaitSpinTicks;
                while (Volatile.Read(ref _pending) != 0)
                {
                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        MarkContended();
                        lock (this)
                        {
                            while (Volatile.Read(ref _pending) != 0)
                            {
                                Monitor.Wait(this);
                            }
                        }

                        break;
                    }

                    Thread.SpinWait(8);
                }
            }

            _error?.Throw();
        }
    }
}
