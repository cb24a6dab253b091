using System.Diagnostics;
using System.Globalization;
using Vae.Core.Kernels;

namespace Vae.Benchmarks;

/// <summary>
/// A quick GEMM timer (seconds, not BenchmarkDotNet's minutes): for each shape, warm up, then time N runs and
/// report the median as GFLOP/s. Output lines are machine-readable:
/// <c>GEMM label threads_arg median_gflops median_us best best_gflops used threads_used</c>.
/// Usage: <c>gemm-quick [--threads N|auto] [--exact-threads] [--runs N] [--dtype f32|f64] [--path auto|512|256|128|scalar]
/// [--shape substring] [--clock wall|thread]</c>. <c>--threads N</c> caps the automatic thread choice at N (like
/// OPENBLAS_NUM_THREADS), <c>--exact-threads</c> forces N; <c>--clock thread</c> times with this thread's CPU time
/// (for 1-thread runs on a busy machine).
/// </summary>
public static class GemmQuick
{
    public static int Run(string[] args)
    {
        string threadsArg = Option(args, "--threads", "auto");
        int runs = int.Parse(Option(args, "--runs", "30"), CultureInfo.InvariantCulture);
        bool f64 = Option(args, "--dtype", "f32") == "f64";
        var path = Option(args, "--path", "auto") switch
        {
            "512" => GemmPath.Vector512,
            "256" => GemmPath.Vector256,
            "128" => GemmPath.Vector128,
            "scalar" => GemmPath.Scalar,
            _ => Gemm.BestPath,
        };
        string filter = Option(args, "--shape", "");
        s_threadClock = Option(args, "--clock", "wall") == "thread";

        // Touch every code path once (JIT, pack buffers) before timing anything.
        foreach (var s in GemmShape.Canonical)
        {
            _ = f64 ? Time<double>(s, path, 1, 1, warmMs: 0) : Time<float>(s, path, 1, 1, warmMs: 0);
        }

        foreach (var s in GemmShape.Canonical)
        {
            if (filter.Length > 0 && !s.Label.Contains(filter, StringComparison.Ordinal))
            {
                continue;
            }

            // --threads N caps the automatic choice (as OPENBLAS_NUM_THREADS does); --exact-threads forces N.
            int auto = ParallelWork.ThreadsFor((long)s.M * s.N * s.K, Gemm.ParallelWorkPerThread);
            int threads = threadsArg == "auto" ? auto
                : args.Contains("--exact-threads") ? int.Parse(threadsArg, CultureInfo.InvariantCulture)
                : Math.Min(auto, int.Parse(threadsArg, CultureInfo.InvariantCulture));
            var (us, minUs) = f64 ? Time<double>(s, path, threads, runs) : Time<float>(s, path, threads, runs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"GEMM {s.Label} {threadsArg} {s.Flops / us / 1e3:F2} {us:F1} best {s.Flops / minUs / 1e3:F2} used {threads}"));
        }

        return 0;
    }

    private static (double Median, double Min) Time<T>(GemmShape s, GemmPath path, int threads, int runs, int warmMs = 300)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Random(1);
        var a = Fill<T>(s.M * s.K, rng);
        var b = Fill<T>(s.K * s.N, rng);
        var c = new T[s.M * s.N];
        int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
        void Once() => Gemm.Run<T>(path, threads, s.TransA, s.TransB, s.M, s.N, s.K, a, lda, b, ldb, c, s.N, false);

        // Warm up for ~300 ms (JIT tiering, caches, pack buffers), then time individual runs.
        var sw = Stopwatch.StartNew();
        int warm = 0;
        while (sw.ElapsedMilliseconds < warmMs || warm < 3)
        {
            Once();
            warm++;
        }

        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            if (s_threadClock)
            {
                // CPU time of this thread: immune to time slices lost to other processes (single-threaded runs only).
                double c0 = ThreadClock.Microseconds();
                Once();
                times[r] = ThreadClock.Microseconds() - c0;
                continue;
            }

            long t0 = Stopwatch.GetTimestamp();
            Once();
            times[r] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }

        Array.Sort(times);
        return (times[runs / 2], times[0]);
    }

    private static T[] Fill<T>(int n, Random rng)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var x = new T[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = T.CreateTruncating(rng.NextDouble() - 0.5);
        }

        return x;
    }

    private static bool s_threadClock;

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
