using System.Diagnostics;
using System.Globalization;
using Vae.Core;
using Vae.Core.Kernels;
using Vae.Core.NN;
using Vae.Core.Optim;

namespace Vae.Benchmarks;

/// <summary>
/// Quick 1-vs-N-thread timing of the parallel elementwise, reduction and optimizer paths on the canonical VAE's
/// shapes (<c>--only substring</c> picks cases), interleaved (1 thread, all threads, 1 thread, ...) so that load changes hit both sides alike. Prints
/// <c>PAR label median 1-thread-µs all-threads-µs speedup p10 (the same for the 10th percentile)</c>. Usage: <c>par-quick [--runs N] [--min-per-thread N] [--sweep]</c>
/// (<c>--min-per-thread</c> sets the elementwise/optimizer thresholds; <c>--sweep</c> times ReLU and Add over sizes
/// with the threshold forced to 1 to find the break-even size).
/// </summary>
public static class ParQuick
{
    public static int Run(string[] args)
    {
        int runs = int.Parse(Option(args, "--runs", "200"), CultureInfo.InvariantCulture);
        s_only = Option(args, "--only", "");
        if (Option(args, "--min-per-thread", "") is { Length: > 0 } mpt)
        {
            Elementwise.ParallelMinPerThread = int.Parse(mpt, CultureInfo.InvariantCulture);
            UpdateBatch.MinPerThread = Elementwise.ParallelMinPerThread;
        }

        var gen = new Generator(1);
        Console.WriteLine($"# processors {ParallelWork.ProcessorThreads}, spin {ParallelWork.SpinMicroseconds} us");
        if (args.Contains("--bw"))
        {
            // Bandwidth of a 3-stream add into existing memory, by size, on 1 and 2 threads (each thread its half).
            Report("spin 8 parts x 20us", runs, () => ParallelWork.For(ParallelWork.MaxThreads == 1 ? 1 : 8, _ => Spin(ParallelWork.MaxThreads == 1 ? 160 : 20)));
            Console.WriteLine(ParallelWork.DebugState());
            Report("fma 8 parts", runs, () => ParallelWork.For(8, _ => Fma()));
            Console.WriteLine(ParallelWork.DebugState());
            foreach (int n in new[] { 4096, 16384, 65536, 100352, 262144, 1 << 20, 4 << 20 })
            {
                var xa = new float[n];
                var xb = new float[n];
                var xd = new float[n];
                Report($"bw add n={n} ({12L * n / 1024} KiB)", runs, () =>
                {
                    int parts = ParallelWork.MaxThreads;
                    ParallelWork.For(parts, t =>
                    {
                        var (s0, e0) = ParallelWork.Range(n, parts, t, 16);
                        System.Numerics.Tensors.TensorPrimitives.Add(xa.AsSpan(s0, e0 - s0), xb.AsSpan(s0, e0 - s0), xd.AsSpan(s0, e0 - s0));
                    });
                });
            }

            return 0;
        }

        if (args.Contains("--sweep"))
        {
            Elementwise.ParallelMinPerThread = 1;
            foreach (int n in new[] { 4096, 8192, 16384, 24576, 32768, 49152, 65536, 100352 })
            {
                var x = Tensor.Randn(new Shape(n), gen);
                var y = Tensor.Randn(new Shape(n), gen);
                Report($"relu n={n}", runs, () => x.Relu());
                Report($"add n={n}", runs, () => _ = x + y);
                Report($"exp n={n}", runs, () => x.Exp());
                Report($"tanh n={n}", runs, () => x.Tanh());
            }

            return 0;
        }

        Console.WriteLine(ParallelWork.DebugState());
        Report("dispatch For(2, empty)", runs, () => ParallelWork.For(2, _ => { }));
        Console.WriteLine(ParallelWork.DebugState());
        if (args.Contains("--who"))
        {
            // Which threads run the parts of 8-part jobs of ~20 µs each (is the helper taking its share?).
            int main = Environment.CurrentManagedThreadId, mainParts = 0, total = 0;
            for (int r = 0; r < runs; r++)
            {
                ParallelWork.For(8, _ =>
                {
                    long t0 = Stopwatch.GetTimestamp();
                    while (Stopwatch.GetElapsedTime(t0).TotalMicroseconds < 20)
                    {
                    }

                    if (Environment.CurrentManagedThreadId == main)
                    {
                        Interlocked.Increment(ref mainParts);
                    }

                    Interlocked.Increment(ref total);
                });
            }

            Console.WriteLine($"parts on the calling thread: {mainParts} of {total}; {ParallelWork.DebugState()}");
        }

        var h = Tensor.Randn(new Shape(128, 400), gen);
        var o = Tensor.Randn(new Shape(128, 784), gen);
        var o2 = Tensor.Randn(new Shape(128, 784), gen);
        var b400 = Tensor.Randn(new Shape(400), gen);
        var t = Tensor.Rand(new Shape(128, 784), gen);
        var dst = Tensor.Zeros(new Shape(128, 784));
        Report("add into existing [128,784]", runs, () =>
        {
            int parts = Elementwise.PartsFor(dst.Numel);
            ParallelWork.For(parts, t =>
            {
                var (s0, e0) = ParallelWork.Range(dst.Numel, parts, t, Elementwise.SplitAlign);
                AddOp.Apply<float>(o.Span<float>()[s0..e0], o2.Span<float>()[s0..e0], dst.Span<float>()[s0..e0]);
            });
        });
        Report("alloc only [128,784]", runs, () => Tensor.Empty(new Shape(128, 784), DType.Float32));
        Report("relu [128,400]", runs, () => h.Relu());
        Report("relu [128,784]", runs, () => o.Relu());
        Report("add [128,784]", runs, () => _ = o + o2);
        Report("bias add [128,400]+[400]", runs, () => _ = h + b400);
        Report("mul scalar [128,784]", runs, () => _ = o * 0.5);
        Report("exp [128,784]", runs, () => o.Exp());
        Report("sigmoid [128,784]", runs, () => o.Sigmoid());
        Report("bce fwd [128,784]", runs, () => Losses.BinaryCrossEntropyWithLogits(o, t, Vae.Core.NN.Reduction.None));
        Report("bce bwd [128,784]", runs, () => LossKernels.BceWithLogitsBackward(o2, o, t));
        Report("expand [784]->[128,784]", runs, () => Tensor.Randn(new Shape(784), gen).Expand(128, 784));
        Report("sum(0) [128,784]", runs, () => o.Sum(0));
        Report("sum(0) [128,400]", runs, () => h.Sum(0));
        Report("sum(1) [128,784]", runs, () => o.Sum(1));

        // Adam over the canonical VAE's parameters (784-400-20(x2)-400-784).
        int[][] shapes = [[400, 784], [400], [20, 400], [20], [20, 400], [20], [400, 20], [400], [784, 400], [784]];
        var ps = shapes.Select(s => (Tensor)new Parameter(Tensor.Randn(new Shape(s), gen))).ToList();
        foreach (var p in ps)
        {
            p.Grad = Tensor.Randn(p.Shape, gen);
        }

        var adam = new Adam(ps, lr: 1e-3);
        Report("adam step (652,824 params)", Math.Max(20, runs / 4), adam.Step);
        return 0;
    }

    private static string s_only = "";

    private static void Report(string label, int runs, Action op)
    {
        if (!label.Contains(s_only, StringComparison.Ordinal))
        {
            return;
        }

        var one = new double[runs];
        var all = new double[runs];
        // Warm up both paths for 300 ms (JIT tiering: R2R and tier-0 code would otherwise be timed).
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 300)
        {
            op();
            using (ParallelWork.OverrideThreads(1))
            {
                op();
            }
        }

        for (int r = 0; r < runs; r++)
        {
            using (ParallelWork.OverrideThreads(1))
            {
                long t1 = Stopwatch.GetTimestamp();
                op();
                one[r] = Stopwatch.GetElapsedTime(t1).TotalMicroseconds;
            }

            long t0 = Stopwatch.GetTimestamp();
            op();
            all[r] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }

        Array.Sort(one);
        Array.Sort(all);
        double m1 = one[runs / 2], mn = all[runs / 2], b1 = one[runs / 10], bn = all[runs / 10];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PAR {label,-30} median {m1,8:F1} {mn,8:F1} {m1 / mn,5:F2}x   p10 {b1,8:F1} {bn,8:F1} {b1 / bn,5:F2}x"));
    }

    private static void Spin(double us)
    {
        long t0 = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(t0).TotalMicroseconds < us)
        {
        }
    }

    /// <summary>A register-only AVX-512 FMA loop (about 20 µs): pure core throughput, no memory.</summary>
    private static float Fma()
    {
        var a = System.Runtime.Intrinsics.Vector512.Create(1.0001f);
        var b = System.Runtime.Intrinsics.Vector512.Create(0.9999f);
        var c0 = System.Runtime.Intrinsics.Vector512.Create(0.5f);
        var c1 = c0;
        var c2 = c0;
        var c3 = c0;
        for (int i = 0; i < 10_000; i++)
        {
            c0 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a, c0, b);
            c1 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a, c1, b);
            c2 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a, c2, b);
            c3 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a, c3, b);
        }

        return System.Runtime.Intrinsics.Vector512.Sum(c0 + c1 + c2 + c3);
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
