using System.Diagnostics;

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
/// <para>
/// On an oversubscribed machine a second thread adds no CPU time (Linux schedules a session's threads as one
/// autogroup), and spinning or waiting on a preempted helper only loses time; so when a spinning helper notices it
/// was preempted, or a caller waits long for a helper's part, kernels run serially for a while
/// (<see cref="MarkContended"/>).
/// </para>
/// </remarks>
internal static partial class ParallelWork
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

    /// <summary>
    /// A gap this long between two looks of a spinning helper means it was preempted by another thread (500 µs;
    /// shorter gaps are interrupts and hypervisor exits, which say nothing about other load).
    /// </summary>
    private static readonly long PreemptedTicks = Stopwatch.Frequency / 2_000;

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
            long started = Stopwatch.GetTimestamp();
            job.Execute();
            job.Wait(Stopwatch.GetTimestamp() - started);
        }
        finally
        {
            job.Finish();
        }
    }

    /// <summary>
    /// A job from this thread's small pool (so a steady stream of calls allocates nothing), skipping jobs that are
    /// in use (a nested call) or that a helper may still reach: one waiting in a mailbox, or one a helper has not
    /// left yet. Each helper blocks at most two jobs that way, so a pool of 2·helpers + 1 normally has a free one;
    /// when none is (nested calls, or a helper descheduled before it left a job), the pool grows by one, so that
    /// the case costs one allocation, not one per call.
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

        Array.Resize(ref pool, pool.Length + 1);
        t_jobs = pool;
        return pool[^1] = new Job();
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
}
