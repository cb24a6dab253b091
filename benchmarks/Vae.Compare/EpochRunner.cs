using System.Diagnostics;
using System.Text.Json.Nodes;
using Vae.Core;
using Vae.Core.Optim;

namespace Vae.Compare;

/// <summary>
/// The training and evaluation loops of torch_reference.py, step for step: each epoch draws a permutation, gathers
/// each batch with IndexSelect, binarises it (dynamic-binary data), computes the batch-mean loss, zeroes the
/// gradients, backpropagates, steps Adam and reads the loss value. Besides the reference's fields it records where
/// the step's time goes (Stopwatch sections), managed allocation per step in the steady state, and GC activity.
/// </summary>
internal sealed class EpochRunner
{
    private readonly RunOptions _options;
    private readonly BenchmarkModel _model;
    private readonly Adam _optimizer;
    private readonly TrainImages _train;
    private readonly Generator _shuffle;
    private readonly Generator _noise;
    private readonly Generator _binarise;

    public EpochRunner(RunOptions options, BenchmarkModel model, Adam optimizer, TrainImages train)
    {
        _options = options;
        _model = model;
        _optimizer = optimizer;
        _train = train;
        _shuffle = new Generator(options.Seed + 1);
        _noise = new Generator(options.Seed + 2);
        _binarise = new Generator(options.Seed + 3);
    }

    public JsonObject TrainEpoch()
    {
        _model.Module.Train();
        int n = _train.Count, b = _options.BatchSize;
        int batches = (n + b - 1) / b;
        if (_options.MaxBatches is int max)
        {
            batches = Math.Min(batches, max);
        }

        // Steady state: allocation and GC counted from the end of batch `warm` to the end of the epoch.
        int warm = Math.Min(10, batches / 4);
        long allocMark = 0, threadAllocMark = 0;
        int[] gcMark = new int[3];
        TimeSpan pauseMark = TimeSpan.Zero;

        var batchMs = new double[batches];
        TimeSpan jit0 = System.Runtime.JitInfo.GetCompilationTime(), jitFirst = TimeSpan.Zero;
        long jitMethods0 = System.Runtime.JitInfo.GetCompiledMethodCount(), jitMethodsFirst = 0;
        long data = 0, forward = 0, backward = 0, step = 0, item = 0;
        double total = 0;
        int count = 0;
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        int[] perm = Permutation(n, _shuffle);
        for (int i = 0; i < batches; i++)
        {
            long tb = Stopwatch.GetTimestamp(), t1, t2, t3, t4;
            int start = i * b, len = Math.Min(b, n - start);
            using (TensorScope.Begin())   // every tensor of the step is released (storage pooled) at its end
            {
                var x = _train.Gather(perm.AsSpan(start, len));
                if (_options.DataKind == "dynamic-binary")
                {
                    x = x.Bernoulli(_binarise);
                }

                t1 = Stopwatch.GetTimestamp();
                var loss = _model.Loss(x, _noise);
                t2 = Stopwatch.GetTimestamp();
                _optimizer.ZeroGrad();
                loss.Backward();
                t3 = Stopwatch.GetTimestamp();
                _optimizer.Step();
                t4 = Stopwatch.GetTimestamp();
                total += loss.Item() * len;
                count += len;
            }

            long t5 = Stopwatch.GetTimestamp();

            data += t1 - tb;
            forward += t2 - t1;
            backward += t3 - t2;
            step += t4 - t3;
            item += t5 - t4;
            batchMs[i] = Stopwatch.GetElapsedTime(tb, t5).TotalMilliseconds;
            if (i == 0)
            {
                jitFirst = System.Runtime.JitInfo.GetCompilationTime() - jit0;
                jitMethodsFirst = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods0;
            }

            if (i == warm)
            {
                allocMark = GC.GetTotalAllocatedBytes(precise: true);
                threadAllocMark = GC.GetAllocatedBytesForCurrentThread();
                for (int gen = 0; gen < 3; gen++)
                {
                    gcMark[gen] = GC.CollectionCount(gen);
                }

                pauseMark = GC.GetTotalPauseDuration();
            }
        }

        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpu0).TotalSeconds;
        long allocEnd = GC.GetTotalAllocatedBytes(precise: true), threadAllocEnd = GC.GetAllocatedBytesForCurrentThread();
        int steadySteps = batches - 1 - warm;
        var sorted = batchMs.Order().ToArray();
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        return new JsonObject
        {
            ["train_seconds"] = seconds,
            ["train_cpu_seconds"] = cpuSeconds,   // process CPU time (all threads, user + system) during the loop
            ["train_loss"] = total / count,
            ["train_batches"] = batches,
            ["train_images"] = count,
            ["images_per_second"] = count / seconds,
            ["batch_ms_median"] = Median(sorted),
            ["batch_ms_mean"] = batchMs.Average(),
            ["first_batch_ms"] = batchMs[0],
            ["first_batch_jit_ms"] = jitFirst.TotalMilliseconds,       // JIT time (all threads) during the first batch
            ["first_batch_jit_methods"] = jitMethodsFirst,
            ["epoch_jit_ms"] = (System.Runtime.JitInfo.GetCompilationTime() - jit0).TotalMilliseconds,
            ["epoch_jit_methods"] = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods0,
            ["sections_ms"] = new JsonObject
            {
                ["data"] = Ms(data),
                ["forward"] = Ms(forward),
                ["backward"] = Ms(backward),
                ["optimizer"] = Ms(step),
                ["item"] = Ms(item),
            },
            ["steady_state"] = steadySteps < 1 ? null : new JsonObject
            {
                ["from_batch"] = warm + 1,
                ["steps"] = steadySteps,
                ["alloc_bytes_per_step"] = (double)(allocEnd - allocMark) / steadySteps,
                ["alloc_bytes_per_step_main_thread"] = (double)(threadAllocEnd - threadAllocMark) / steadySteps,
                ["gc_gen0"] = GC.CollectionCount(0) - gcMark[0],
                ["gc_gen1"] = GC.CollectionCount(1) - gcMark[1],
                ["gc_gen2"] = GC.CollectionCount(2) - gcMark[2],
                ["gc_pause_ms"] = (GC.GetTotalPauseDuration() - pauseMark).TotalMilliseconds,
            },
            ["peak_rss_mib"] = ProcessInfo.StatusMiB("VmHWM"),
        };
    }

    public JsonObject Evaluate(Tensor test)
    {
        _model.Module.Eval();
        var g = new Generator(_options.Seed + 5);   // same noise every evaluation
        long t0 = Stopwatch.GetTimestamp();
        double total = 0;
        using (Autograd.NoGrad())
        {
            int n = test.Shape[0];
            for (int s = 0; s < n; s += _options.TestBatchSize)
            {
                using var scope = TensorScope.Begin();
                var x = test.Narrow(0, s, Math.Min(_options.TestBatchSize, n - s));
                total += _model.PerImageLoss(x, g).Sum().Item();
            }
        }

        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        _model.Module.Train();
        return new JsonObject { ["test_seconds"] = seconds, ["test_loss"] = total / test.Shape[0] };
    }

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher–Yates).</summary>
    private static int[] Permutation(int n, Generator g)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = i;
        }

        for (int i = n - 1; i > 0; i--)
        {
            int j = g.NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }

        return p;
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
