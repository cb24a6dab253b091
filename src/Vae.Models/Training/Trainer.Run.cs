using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Models.Visualization;

namespace Vae.Models.Training;

public sealed partial class Trainer
{
    private const string NoGenerator = "none";
    private const string RunGenerator = "run";
    private const string TrainGenerator = "train";
    private const string OwnGenerator = "own";

    private int _lastCheckpointEpoch;

    private TrainingHistory Run(RunData d, TrainerState state, TrainingHistory history, CancellationToken ct)
    {
        History = history;
        var model = Objective.Model;
        bool wasTraining = model.Training;
        var parameters = model.NamedParameters();
        int stepsPerEpoch = d.Train.BatchCount;
        var clock = Stopwatch.StartNew();
        long stepsThisCall = 0;
        try
        {
            while (true)
            {
                if (state.Epoch >= Options.Epochs)
                {
                    history.StopReason = TrainingStopReason.Completed;
                    break;
                }

                if (Options.EarlyStoppingPatience is int patience && state.BadEpochs >= patience)
                {
                    history.StopReason = TrainingStopReason.EarlyStopped;
                    break;
                }

                int epoch = state.Epoch + 1;
                bool midEpoch = state.StepInEpoch > 0;
                if (!midEpoch)
                {
                    CaptureEpochStart(state, d);
                    state.Running.Clear();
                    state.EpochSeconds = 0;
                }

                state.StepsPerEpoch = stepsPerEpoch;
                state.TrainExamples = d.Train.Dataset.Count;
                var epochGenerator = d.Run.Fork();
                if (midEpoch)
                {
                    epochGenerator.SetState(state.EpochGenerator);
                }

                double secondsBefore = state.EpochSeconds;
                var epochClock = Stopwatch.StartNew();
                model.Train();
                int step = 0;
                bool cancelled = false;
                using var batches = d.Train.GetEnumerator();
                while (true)
                {
                    IReadOnlyDictionary<string, double> metrics;
                    int batchSize;

                    // The batch is gathered (and transformed) inside the step's scope too, so its tensors are pooled.
                    using (Options.ReleaseTensorsEachStep ? TensorScope.Begin() : null)
                    {
                        if (!batches.MoveNext())
                        {
                            break;
                        }

                        if (step < state.StepInEpoch)
                        {
                            step++; // replaying the finished part of a resumed epoch: same permutation and transform draws, no training
                            continue;
                        }

                        if (ct.IsCancellationRequested)
                        {
                            cancelled = true;
                            break;
                        }

                        var batch = batches.Current;
                        batchSize = batch.Size;
                        metrics = Objective.TrainStep(batch, epochGenerator)
                            ?? throw new InvalidOperationException($"{Objective.GetType().Name}.TrainStep returned null.");
                    }

                    step++;
                    stepsThisCall++;
                    state.StepInEpoch = step;
                    state.GlobalStep++;
                    if (!metrics.TryGetValue("loss", out double loss))
                    {
                        throw new InvalidOperationException(
                            $"{Objective.GetType().Name}.TrainStep must return a \"loss\" metric; it returned [{string.Join(", ", metrics.Keys)}].");
                    }

                    if (!double.IsFinite(loss))
                    {
                        throw Diverged(epoch, step, "loss", loss);
                    }

                    if (step % Options.ParameterCheckInterval == 0)
                    {
                        CheckParameters(parameters, epoch, step);
                    }

                    state.Running.Add(metrics, batchSize);
                    Report(state, epoch, step, stepsPerEpoch, metrics, clock.Elapsed, stepsThisCall);
                }

                if (cancelled)
                {
                    state.EpochGenerator = epochGenerator.GetState();
                    state.EpochSeconds = secondsBefore + epochClock.Elapsed.TotalSeconds;
                    history.StopReason = TrainingStopReason.Cancelled;
                    WriteHistory(history);
                    SaveCheckpoint(state, history, parameters, epoch, step, best: false, last: true, epochCopy: false);
                    break;
                }

                CheckParameters(parameters, epoch, step);
                var train = state.Running.Means();
                var validation = d.Validation is null ? new OrderedDictionary<string, double>() : Validate(d.Validation);
                var record = new EpochRecord(epoch, state.GlobalStep, train, validation, LearningRates(), secondsBefore + epochClock.Elapsed.TotalSeconds);
                history.Add(record);
                bool improved = UpdateBest(record, history, state, d.Monitor);
                foreach (var scheduler in Objective.Schedulers)
                {
                    scheduler.Step(record, d.Monitor);
                }

                state.Epoch = epoch;
                state.StepInEpoch = 0;
                state.EpochGenerator = null;
                state.EpochSeconds = 0;
                state.Running.Clear();
                bool stop = Options.EarlyStoppingPatience is int p && state.BadEpochs >= p;
                bool final = epoch >= Options.Epochs;
                history.StopReason = stop ? TrainingStopReason.EarlyStopped : final ? TrainingStopReason.Completed : TrainingStopReason.None;
                WriteHistory(history);
                EpochCompleted?.Invoke(this, record);
                CaptureEpochStart(state, d);
                bool periodic = epoch % Options.CheckpointEvery == 0;
                SaveCheckpoint(
                    state, history, parameters, epoch, 0,
                    best: improved && Options.SaveBest,
                    last: periodic || stop || final,
                    epochCopy: periodic && Options.KeepEpochCheckpoints);
                if (stop || final)
                {
                    break;
                }
            }
        }
        finally
        {
            model.Train(wasTraining);
        }

        return history;
    }

    private RunData Prepare(DataLoader train, DataLoader? validation, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(generator);
        CheckNotEmpty(train, "training", nameof(train));
        if (validation is not null)
        {
            CheckNotEmpty(validation, "validation", nameof(validation));
        }

        string trainSharing = train.Generator is null ? NoGenerator : ReferenceEquals(train.Generator, generator) ? RunGenerator : OwnGenerator;
        string validationSharing = validation?.Generator is null ? NoGenerator
            : ReferenceEquals(validation.Generator, generator) ? RunGenerator
            : ReferenceEquals(validation.Generator, train.Generator) ? TrainGenerator
            : OwnGenerator;
        string monitor = Options.Monitor ?? (validation is null ? "train_loss" : "val_loss");
        return new RunData(train, validation, generator, monitor, trainSharing, validationSharing);
    }

    private static void CheckNotEmpty(DataLoader loader, string what, string paramName)
    {
        if (loader.BatchCount == 0)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Trainer: the {what} data yields no batches ({loader.Dataset.Count} examples, batch size {loader.BatchSize}{(loader.DropLast ? ", dropLast" : string.Empty)})."),
                paramName);
        }
    }

    private void CheckResumable(TrainingCheckpoint.Contents c, RunData d, string path)
    {
        var problems = new List<string>();
        var s = c.State;
        if (s.TrainLoaderSharing != d.TrainSharing)
        {
            problems.Add($"the training loader's generator was {Describe(s.TrainLoaderSharing)} when the checkpoint was written, but is {Describe(d.TrainSharing)} now");
        }

        if (s.ValidationLoaderSharing != d.ValidationSharing)
        {
            problems.Add($"the validation loader's generator was {Describe(s.ValidationLoaderSharing)} when the checkpoint was written, but is {Describe(d.ValidationSharing)} now");
        }

        if (c.History.Monitor != d.Monitor || c.History.Mode != Options.MonitorMode)
        {
            problems.Add($"the checkpoint monitors {c.History.Monitor} ({c.History.Mode}), these options monitor {d.Monitor} ({Options.MonitorMode})");
        }

        if (s.StepInEpoch > 0 && (s.StepsPerEpoch != d.Train.BatchCount || s.TrainExamples != d.Train.Dataset.Count))
        {
            problems.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"the checkpoint was written {s.StepInEpoch} steps into epoch {s.Epoch + 1} of {s.TrainExamples} examples in {s.StepsPerEpoch} batches, but the training data now has {d.Train.Dataset.Count} examples in {d.Train.BatchCount} batches"));
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Cannot resume from '{path}': {string.Join("; ", problems)}.", "checkpointPath");
        }

        static string Describe(string sharing) => sharing switch
        {
            NoGenerator => "absent",
            RunGenerator => "the run generator",
            TrainGenerator => "the training loader's generator",
            _ => "a generator of its own",
        };
    }

    private static void CaptureEpochStart(TrainerState state, RunData d)
    {
        state.Run = d.Run.GetState();
        state.TrainLoaderSharing = d.TrainSharing;
        state.ValidationLoaderSharing = d.ValidationSharing;
        state.TrainLoader = d.TrainSharing == OwnGenerator ? d.Train.Generator!.GetState() : null;
        state.ValidationLoader = d.ValidationSharing == OwnGenerator ? d.Validation!.Generator!.GetState() : null;
    }

    private static void RestoreGenerators(TrainerState state, RunData d)
    {
        d.Run.SetState(state.Run);
        if (state.TrainLoader is not null)
        {
            d.Train.Generator!.SetState(state.TrainLoader);
        }

        if (state.ValidationLoader is not null)
        {
            d.Validation!.Generator!.SetState(state.ValidationLoader);
        }
    }

    private OrderedDictionary<string, double> Validate(DataLoader validation)
    {
        var model = Objective.Model;
        model.Eval();
        var generator = new Generator(Options.ValidationSeed);
        var sums = new MetricAccumulator();
        using (Autograd.NoGrad())
        {
            using var batches = validation.GetEnumerator();
            while (true)
            {
                using var scope = Options.ReleaseTensorsEachStep ? TensorScope.Begin() : null;
                if (!batches.MoveNext())
                {
                    break;
                }

                var batch = batches.Current;
                var metrics = Objective.EvaluateBatch(batch, generator)
                    ?? throw new InvalidOperationException($"{Objective.GetType().Name}.EvaluateBatch returned null.");
                sums.Add(metrics, batch.Size);
            }
        }

        model.Train();
        return sums.Means();
    }

    private bool UpdateBest(EpochRecord record, TrainingHistory history, TrainerState state, string monitor)
    {
        if (!record.TryGetMetric(monitor, out double value))
        {
            if (Options.EarlyStoppingPatience is not null || (Options.SaveBest && Options.OutputDirectory is not null))
            {
                throw new InvalidOperationException(
                    $"The monitored metric '{monitor}' does not exist in epoch {record.Epoch} (it has {string.Join(", ", record.ToDictionary().Keys)}). Set TrainerOptions.Monitor to one of these.");
            }

            return false;
        }

        double delta = Options.EarlyStoppingMinDelta;
        bool better = double.IsFinite(value) && (history.BestValue is not double best
            || (history.Mode == MetricMode.Min ? value < best - delta : value > best + delta));
        if (better)
        {
            history.BestValue = value;
            history.BestEpoch = record.Epoch;
            state.BadEpochs = 0;
        }
        else
        {
            state.BadEpochs++;
        }

        return better;
    }

    private OrderedDictionary<string, double> LearningRates()
    {
        var lrs = new OrderedDictionary<string, double>();
        var optimizers = Objective.Optimizers;
        for (int i = 0; i < optimizers.Count; i++)
        {
            var groups = optimizers[i].ParamGroups;
            for (int g = 0; g < groups.Count; g++)
            {
                string name = optimizers.Count == 1 && groups.Count == 1 ? "lr"
                    : groups.Count == 1 ? string.Create(CultureInfo.InvariantCulture, $"lr_{i}")
                    : string.Create(CultureInfo.InvariantCulture, $"lr_{i}_{g}");
                lrs[name] = groups[g].LearningRate;
            }
        }

        return lrs;
    }

    private void Report(TrainerState state, int epoch, int step, int stepsPerEpoch, IReadOnlyDictionary<string, double> metrics, TimeSpan elapsed, long stepsThisCall)
    {
        var stepHandlers = StepCompleted;
        var progress = Progress;
        if ((stepHandlers is null && progress is null) || (step % Options.ProgressInterval != 0 && step != stepsPerEpoch))
        {
            return;
        }

        long remaining = ((long)(Options.Epochs - epoch) * stepsPerEpoch) + (stepsPerEpoch - step);
        var eta = TimeSpan.FromTicks((long)(elapsed.Ticks / (double)stepsThisCall * Math.Max(remaining, 0)));
        var snapshot = new Dictionary<string, double>(metrics.Count);
        foreach (var (k, v) in metrics)
        {
            snapshot[k] = v;
        }

        var report = new TrainingProgress(epoch, Options.Epochs, step, stepsPerEpoch, state.GlobalStep, state.Running.Means(), snapshot, elapsed, eta);
        progress?.Report(report);
        stepHandlers?.Invoke(this, report);
    }

    private void CheckParameters(IReadOnlyList<(string Name, Parameter Parameter)> parameters, int epoch, int step)
    {
        foreach (var (name, p) in parameters)
        {
            double m = p.DType == DType.Float32
                ? TensorPrimitives.MaxMagnitude<float>(p.Span<float>())
                : TensorPrimitives.MaxMagnitude<double>(p.Span<double>());
            if (p.Numel > 0 && !double.IsFinite(m))
            {
                throw Diverged(epoch, step, "parameter " + name, m);
            }
        }
    }

    private TrainingDivergedException Diverged(int epoch, int step, string metric, double value)
    {
        if (History is not null)
        {
            History.StopReason = TrainingStopReason.None;
        }

        return new TrainingDivergedException(epoch, step, metric, value, LastCheckpointPath, _lastCheckpointEpoch);
    }

    private void WriteHistory(TrainingHistory history)
    {
        if (Options.OutputDirectory is string dir)
        {
            history.Save(dir);
        }
    }

    private void SaveCheckpoint(
        TrainerState state, TrainingHistory history, IReadOnlyList<(string Name, Parameter Parameter)> parameters,
        int epoch, int step, bool best, bool last, bool epochCopy)
    {
        if (Options.OutputDirectory is not string dir || !(best || last || epochCopy))
        {
            return;
        }

        CheckParameters(parameters, epoch, step); // never persist a diverged model
        byte[] bytes = TrainingCheckpoint.Serialize(Objective, state, history);
        Directory.CreateDirectory(dir);
        string? written = null;
        if (epochCopy)
        {
            written = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"epoch-{state.Epoch:D4}.safetensors"));
            AtomicFile.WriteAllBytes(written, bytes);
        }

        if (best)
        {
            written = Path.Combine(dir, BestCheckpointFileName);
            AtomicFile.WriteAllBytes(written, bytes);
        }

        if (last)
        {
            written = Path.Combine(dir, LastCheckpointFileName);
            AtomicFile.WriteAllBytes(written, bytes);
        }

        LastCheckpointPath = written;
        _lastCheckpointEpoch = state.Epoch;
    }

    private sealed record RunData(DataLoader Train, DataLoader? Validation, Generator Run, string Monitor, string TrainSharing, string ValidationSharing);
}
