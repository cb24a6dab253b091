using System.Globalization;
using Vae.Core.Kernels;

namespace Vae.Benchmarks;

/// <summary>
/// <c>gemm-tune CONFIG...</c>: A/B comparison of GEMM tuning knobs on a busy machine. Each CONFIG is a
/// comma-separated list of knob=value (kc = KcBytes, l2 = L2Bytes, mc, db = DirectBMaxRows, da = DirectAMaxCols,
/// tc = AllowTransposedC 0/1, thr = threads); the configurations are interleaved call by call on every canonical
/// shape, so machine-wide slowdowns hit all of them alike, and the median of each is reported relative to the first.
/// Times are CPU times (this thread's for 1 thread; the process's divided by the thread count otherwise: the wall
/// time on otherwise idle cores if the work is balanced, spinning included), or wall times with <c>--wall</c>.
/// </summary>
public static class GemmTune
{
    public static int Run(string[] args)
    {
        int runs = 41;
        bool wall = args.Contains("--wall");
        var configs = args.Where(a => a != "--wall").DefaultIfEmpty("kc=1536").ToArray();
        Console.WriteLine($"{"shape",-32} " + string.Join(" ", configs.Select(c => $"{c,22}")));
        foreach (var s in GemmShape.Canonical)
        {
            var rng = new Random(1);
            var a = Enumerable.Range(0, s.M * s.K).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var b = Enumerable.Range(0, s.K * s.N).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var c = new float[s.M * s.N];
            var times = new double[configs.Length][];
            for (int i = 0; i < configs.Length; i++)
            {
                times[i] = new double[runs];
            }

            int reps = Math.Max(1, (int)(2e8 / s.Flops));
            for (int r = -3; r < runs; r++)
            {
                for (int i = 0; i < configs.Length; i++)
                {
                    int threads = Apply(configs[i]);
                    double t0 = threads == 1 ? ThreadClock.Microseconds() : wall ? System.Diagnostics.Stopwatch.GetTimestamp() : ThreadClock.ProcessMicroseconds();
                    for (int q = 0; q < reps; q++)
                    {
                        Gemm.Run<float>(Gemm.BestPath, threads, s.TransA, s.TransB, s.M, s.N, s.K, a, s.TransA ? s.M : s.K,
                            b, s.TransB ? s.K : s.N, c, s.N, false);
                    }

                    double us = threads == 1 ? ThreadClock.Microseconds() - t0
                        : wall ? System.Diagnostics.Stopwatch.GetElapsedTime((long)t0).TotalMicroseconds
                        : (ThreadClock.ProcessMicroseconds() - t0) / threads;
                    if (r >= 0)
                    {
                        times[i][r] = us / reps;
                    }
                }
            }

            var cells = times.Select(t =>
            {
                Array.Sort(t);
                return s.Flops / t[runs / 2] / 1e3;
            }).ToArray();
            Console.WriteLine($"{s.Label,-32} " + string.Join(" ", cells.Select(g => string.Create(
                CultureInfo.InvariantCulture, $"{g,12:F1} ({g / cells[0],5:F2}x)"))));
        }

        return 0;
    }

    private static int Apply(string config)
    {
        GemmBlocked.KcBytes = 1536;
        GemmBlocked.L2Bytes = 1 << 20;
        GemmBlocked.Mc = 256;
        GemmBlocked.DirectBMaxRows = 64;
        GemmBlocked.DirectAMaxCols = 128;
        Gemm.AllowTransposedC = true;
        int threads = 1;
        foreach (var kv in config.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = kv.Split('=');
            int v = int.Parse(parts[1], CultureInfo.InvariantCulture);
            switch (parts[0])
            {
                case "kc": GemmBlocked.KcBytes = v; break;
                case "l2": GemmBlocked.L2Bytes = v; break;
                case "mc": GemmBlocked.Mc = v; break;
                case "db": GemmBlocked.DirectBMaxRows = v; break;
                case "da": GemmBlocked.DirectAMaxCols = v; break;
                case "tc": Gemm.AllowTransposedC = v != 0; break;
                case "thr": threads = v; break;
                default: throw new ArgumentException($"unknown knob {parts[0]}");
            }
        }

        return threads;
    }
}
