using System.Runtime.InteropServices;

namespace Vae.Benchmarks;

/// <summary>CPU time consumed by the calling thread (Linux clock_gettime), immune to time slices lost to other processes.</summary>
public static partial class ThreadClock
{
    /// <summary>Microseconds of CPU time this thread has used.</summary>
    public static double Microseconds()
    {
        _ = ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var ts);
        return (ts.Seconds * 1e6) + (ts.Nanoseconds / 1e3);
    }

    /// <summary>Microseconds of CPU time all threads of this process have used.</summary>
    public static double ProcessMicroseconds()
    {
        _ = ClockGetTime(2 /* CLOCK_PROCESS_CPUTIME_ID */, out var ts);
        return (ts.Seconds * 1e6) + (ts.Nanoseconds / 1e3);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
