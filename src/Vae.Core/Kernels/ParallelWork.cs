namespace Vae.Core.Kernels;

/// <summary>
/// How kernels spread work over cores: only above a work threshold (below it the dispatch costs more than it
/// saves), never more workers than processors, and with the calling thread doing one share itself.
/// </summary>
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

    /// <summary>Runs body(0..count-1) in parallel (the caller runs a share) and returns when all are done.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count == 1)
        {
            body(0);
            return;
        }

        Parallel.For(0, count, body);
    }
}
