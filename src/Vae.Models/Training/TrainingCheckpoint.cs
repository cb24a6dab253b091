using System.Globalization;
using System.Text.Json;
using Vae.Core;
using Vae.Core.NN;
using Vae.Core.Serialization;

namespace Vae.Models.Training;

/// <summary>
/// Reads and writes training checkpoints: ONE safetensors file holding the model state (<c>model.</c>), each
/// optimizer's state (<c>optimizer.{i}.</c>), each scheduler's state (<c>scheduler.{i}.</c>), the objective's own state
/// (<c>objective.</c>) and the generator states (<c>generator.{run|train_loader|validation_loader|epoch}</c>, each
/// float64 [12]: low and high 32 bits of the 6 state words, lossless) as tensors, and, as <c>__metadata__</c> strings,
/// the format tag, the trainer state JSON (epoch, step, early-stopping counter, running metric sums, generator sharing,
/// optimizer/scheduler types) and the history JSON.
/// </summary>
/// <remarks>
/// Kept in one internal class so that it can be rebased on the general <c>Vae.Core.NN.Checkpoint</c> once that lands
/// (its generator encoding is already the same).
/// </remarks>
internal static class TrainingCheckpoint
{
    public const string Format = "vae.net.training-checkpoint/1";
    public const string FormatKey = "format";
    public const string TrainerKey = "trainer";
    public const string HistoryKey = "history";
    private const string GeneratorPrefix = "generator.";

    /// <summary>The checkpoint's bytes (safetensors).</summary>
    public static byte[] Serialize(ITrainingObjective objective, TrainerState state, TrainingHistory history)
    {
        var tensors = new Dictionary<string, Tensor>();
        Add(tensors, "model.", objective.Model.StateDict());
        for (int i = 0; i < objective.Optimizers.Count; i++)
        {
            Add(tensors, Prefix("optimizer", i), objective.Optimizers[i].StateDict());
        }

        var schedulers = objective.Schedulers;
        for (int i = 0; i < schedulers.Count; i++)
        {
            Add(tensors, Prefix("scheduler", i), schedulers[i].StateDict());
        }

        Add(tensors, "objective.", objective.StateDict());
        AddGenerator(tensors, "run", state.Run);
        AddGenerator(tensors, "train_loader", state.TrainLoader);
        AddGenerator(tensors, "validation_loader", state.ValidationLoader);
        AddGenerator(tensors, "epoch", state.EpochGenerator);
        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = Format,
            [TrainerKey] = WriteState(objective, state),
            [HistoryKey] = history.ToJson(),
        };
        using var stream = new MemoryStream();
        SafeTensors.Save(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>Reads and parses a checkpoint file (nothing is applied yet).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a valid training checkpoint (the message names the file).</exception>
    public static Contents Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint file '{path}' does not exist.", path);
        }

        var file = SafeTensors.Load(path);
        var meta = file.Metadata;
        if (meta is null || !meta.TryGetValue(FormatKey, out string? format) || format != Format)
        {
            throw new InvalidDataException(
                $"'{path}' is not a Vae.NET training checkpoint: its safetensors metadata has no \"{FormatKey}\": \"{Format}\" entry" +
                (meta is not null && meta.TryGetValue(FormatKey, out string? other) ? $" (found \"{other}\")." : "."));
        }

        try
        {
            var c = new Contents();
            var generators = new Dictionary<string, ulong[]>();
            c.State = ReadState(Get(meta, TrainerKey), c);
            c.History = TrainingHistory.FromJson(Get(meta, HistoryKey));
            for (int i = 0; i < c.OptimizerKinds.Count; i++)
            {
                c.Optimizers.Add([]);
            }

            for (int i = 0; i < c.SchedulerKinds.Count; i++)
            {
                c.Schedulers.Add([]);
            }

            foreach (var (name, tensor) in file.Tensors)
            {
                if (name.StartsWith("model.", StringComparison.Ordinal))
                {
                    c.Model.Add(name[6..], tensor);
                }
                else if (name.StartsWith("objective.", StringComparison.Ordinal))
                {
                    c.Objective.Add(name[10..], tensor);
                }
                else if (name.StartsWith(GeneratorPrefix, StringComparison.Ordinal))
                {
                    generators.Add(name[GeneratorPrefix.Length..], ReadGenerator(name, tensor));
                }
                else if (TrySplit(name, "optimizer.", c.Optimizers.Count, out int i, out string rest))
                {
                    c.Optimizers[i].Add(rest, tensor);
                }
                else if (TrySplit(name, "scheduler.", c.Schedulers.Count, out i, out rest))
                {
                    c.Schedulers[i].Add(rest, tensor);
                }
                else
                {
                    throw new FormatException($"unexpected tensor \"{name}\" (tensors are named model.*, optimizer.{{i}}.*, scheduler.{{i}}.*, objective.* or generator.*)");
                }
            }

            SetGenerators(c.State, generators);
            return c;
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid training checkpoint: {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads model, optimizer, scheduler and objective state from <paramref name="c"/> into <paramref name="objective"/>,
    /// all or nothing: when any part does not fit, everything is put back as it was and an
    /// <see cref="ArgumentException"/> lists the problems (missing/unexpected keys, shape mismatches, other types).
    /// </summary>
    public static void Apply(Contents c, ITrainingObjective objective, string path)
    {
        var problems = new List<string>();
        var optimizers = objective.Optimizers;
        var schedulers = objective.Schedulers;
        CompareKinds("optimizer", c.OptimizerKinds, optimizers.Select(o => o.GetType().Name).ToList(), problems);
        CompareKinds("scheduler", c.SchedulerKinds, schedulers.Select(s => s.Kind).ToList(), problems);
        if (problems.Count > 0)
        {
            throw Mismatch(path, c, objective, string.Join("\n  ", problems), null);
        }

        var model = objective.Model.StateDict();
        var optimizerStates = optimizers.Select(o => o.StateDict()).ToList();
        var schedulerStates = schedulers.Select(s => s.StateDict()).ToList();
        var objectiveState = objective.StateDict();
        try
        {
            objective.Model.LoadStateDict(c.Model);
            for (int i = 0; i < optimizers.Count; i++)
            {
                optimizers[i].LoadStateDict(c.Optimizers[i]);
            }

            for (int i = 0; i < schedulers.Count; i++)
            {
                schedulers[i].LoadStateDict(c.Schedulers[i]);
            }

            objective.LoadStateDict(c.Objective);
        }
        catch (ArgumentException e)
        {
            objective.Model.LoadStateDict(model);
            for (int i = 0; i < optimizers.Count; i++)
            {
                optimizers[i].LoadStateDict(optimizerStates[i]);
            }

            for (int i = 0; i < schedulers.Count; i++)
            {
                schedulers[i].LoadStateDict(schedulerStates[i]);
            }

            objective.LoadStateDict(objectiveState);
            throw Mismatch(path, c, objective, e.Message, e);
        }
    }

    /// <summary>Loads only the model part of a checkpoint into <paramref name="model"/> (strict keys and shapes).</summary>
    public static void LoadModel(string path, Module model)
    {
        var c = Read(path);
        try
        {
            model.LoadStateDict(c.Model);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"Checkpoint '{path}' (written for {c.ModelType}) does not fit this {model.GetType().Name}:\n  {e.Message}", nameof(model), e);
        }
    }

    private static ArgumentException Mismatch(string path, Contents c, ITrainingObjective objective, string detail, Exception? inner) =>
        new($"Checkpoint '{path}' (written for {c.ModelType}) does not fit this training setup ({objective.Model.GetType().Name}); nothing was loaded:\n  {detail}", "checkpointPath", inner);

    private static void CompareKinds(string what, IReadOnlyList<string> saved, IReadOnlyList<string> current, List<string> problems)
    {
        if (saved.Count != current.Count)
        {
            problems.Add($"the checkpoint has {saved.Count} {what}(s) [{string.Join(", ", saved)}], the objective has {current.Count} [{string.Join(", ", current)}]");
            return;
        }

        for (int i = 0; i < saved.Count; i++)
        {
            if (saved[i] != current[i])
            {
                problems.Add($"{what} {i} is {saved[i]} in the checkpoint but {current[i]} here");
            }
        }
    }

    private static string WriteState(ITrainingObjective objective, TrainerState s) => TrainingJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("model", objective.Model.GetType().Name);
        w.WriteStartArray("optimizers");
        foreach (var o in objective.Optimizers)
        {
            w.WriteStringValue(o.GetType().Name);
        }

        w.WriteEndArray();
        w.WriteStartArray("schedulers");
        foreach (var sc in objective.Schedulers)
        {
            w.WriteStringValue(sc.Kind);
        }

        w.WriteEndArray();
        w.WriteNumber("epoch", s.Epoch);
        w.WriteNumber("step_in_epoch", s.StepInEpoch);
        w.WriteNumber("global_step", s.GlobalStep);
        TrainingJson.WriteDouble(w, "epoch_seconds", s.EpochSeconds);
        w.WriteNumber("bad_epochs", s.BadEpochs);
        w.WriteNumber("steps_per_epoch", s.StepsPerEpoch);
        w.WriteNumber("train_examples", s.TrainExamples);
        w.WriteStartObject("running");
        foreach (var (name, (sum, weight)) in s.Running.Entries)
        {
            w.WriteStartArray(name);
            TrainingJson.WriteDoubleValue(w, sum);
            TrainingJson.WriteDoubleValue(w, weight);
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteStartObject("generators");
        w.WriteString("train_loader_sharing", s.TrainLoaderSharing);
        w.WriteString("validation_loader_sharing", s.ValidationLoaderSharing);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static TrainerState ReadState(string json, Contents c)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            const string what = "trainer";
            c.ModelType = TrainingJson.ReadString(r, "model", what);
            c.OptimizerKinds = ReadStrings(TrainingJson.Property(r, "optimizers", what), "trainer.optimizers");
            c.SchedulerKinds = ReadStrings(TrainingJson.Property(r, "schedulers", what), "trainer.schedulers");
            var s = new TrainerState
            {
                Epoch = NonNegative(TrainingJson.ReadInt(r, "epoch", what), "epoch"),
                StepInEpoch = NonNegative(TrainingJson.ReadInt(r, "step_in_epoch", what), "step_in_epoch"),
                GlobalStep = TrainingJson.ReadLong(r, "global_step", what),
                EpochSeconds = TrainingJson.ReadDouble(TrainingJson.Property(r, "epoch_seconds", what), "trainer.epoch_seconds"),
                BadEpochs = NonNegative(TrainingJson.ReadInt(r, "bad_epochs", what), "bad_epochs"),
                StepsPerEpoch = TrainingJson.ReadInt(r, "steps_per_epoch", what),
                TrainExamples = TrainingJson.ReadInt(r, "train_examples", what),
            };
            var running = TrainingJson.Property(r, "running", what);
            if (running.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("trainer.running must be an object.");
            }

            foreach (var p in running.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() != 2)
                {
                    throw new FormatException($"trainer.running.{p.Name} must be [sum, weight].");
                }

                s.Running.Set(p.Name, TrainingJson.ReadDouble(p.Value[0], $"trainer.running.{p.Name}[0]"), TrainingJson.ReadDouble(p.Value[1], $"trainer.running.{p.Name}[1]"));
            }

            var g = TrainingJson.Property(r, "generators", what);
            const string gw = "trainer.generators";
            s.TrainLoaderSharing = TrainingJson.ReadString(g, "train_loader_sharing", gw);
            s.ValidationLoaderSharing = TrainingJson.ReadString(g, "validation_loader_sharing", gw);
            return s;
        }
        catch (JsonException e)
        {
            throw new FormatException($"malformed trainer state JSON ({e.Message})", e);
        }
    }

    /// <summary>Stores a generator state losslessly (see <see cref="GeneratorStateTensor"/>).</summary>
    private static void AddGenerator(Dictionary<string, Tensor> into, string name, ulong[]? state)
    {
        if (state is not null)
        {
            into.Add(GeneratorPrefix + name, GeneratorStateTensor.ToTensor(state));
        }
    }

    private static ulong[] ReadGenerator(string name, Tensor t) =>
        GeneratorStateTensor.FromTensor(t, out var error) ?? throw new FormatException($"generator state \"{name}\" {error}");

    private static void SetGenerators(TrainerState s, Dictionary<string, ulong[]> generators)
    {
        foreach (var name in generators.Keys)
        {
            if (name is not ("run" or "train_loader" or "validation_loader" or "epoch"))
            {
                throw new FormatException($"unexpected generator state \"{name}\" (expected run, train_loader, validation_loader, epoch)");
            }
        }

        s.Run = generators.TryGetValue("run", out var run) ? run : throw new FormatException("the checkpoint has no \"generator.run\" state");
        s.TrainLoader = generators.GetValueOrDefault("train_loader");
        s.ValidationLoader = generators.GetValueOrDefault("validation_loader");
        s.EpochGenerator = generators.GetValueOrDefault("epoch");
        if (s.StepInEpoch > 0 && s.EpochGenerator is null)
        {
            throw new FormatException("a mid-epoch checkpoint needs the \"generator.epoch\" state");
        }

        if ((s.TrainLoaderSharing == "own") != (s.TrainLoader is not null)
            || (s.ValidationLoaderSharing == "own") != (s.ValidationLoader is not null))
        {
            throw new FormatException("the loader generator states do not match their sharing modes");
        }
    }

    private static List<string> ReadStrings(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{what} must be an array of strings.");
        }

        return e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw new FormatException($"{what} must be an array of strings.")).ToList();
    }

    private static int NonNegative(int v, string name) => v >= 0 ? v : throw new FormatException($"trainer.{name} must be >= 0, got {v}.");

    private static string Get(IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out string? v) ? v : throw new FormatException($"the metadata has no \"{key}\" entry");

    private static string Prefix(string what, int i) => string.Create(CultureInfo.InvariantCulture, $"{what}.{i}.");

    private static void Add(Dictionary<string, Tensor> into, string prefix, IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var (k, v) in state)
        {
            into.Add(prefix + k, v);
        }
    }

    private static bool TrySplit(string key, string prefix, int count, out int index, out string rest)
    {
        index = -1;
        rest = string.Empty;
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        int dot = key.IndexOf('.', prefix.Length);
        if (dot < 0 || !int.TryParse(key.AsSpan(prefix.Length, dot - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            return false;
        }

        if (index >= count)
        {
            throw new FormatException($"tensor \"{key}\" belongs to {prefix.TrimEnd('.')} {index}, but the checkpoint lists only {count}");
        }

        rest = key[(dot + 1)..];
        return true;
    }

    /// <summary>A parsed checkpoint.</summary>
    internal sealed class Contents
    {
        public string ModelType { get; set; } = string.Empty;

        public List<string> OptimizerKinds { get; set; } = [];

        public List<string> SchedulerKinds { get; set; } = [];

        public Dictionary<string, Tensor> Model { get; } = [];

        public List<Dictionary<string, Tensor>> Optimizers { get; } = [];

        public List<Dictionary<string, Tensor>> Schedulers { get; } = [];

        public Dictionary<string, Tensor> Objective { get; } = [];

        public TrainerState State { get; set; } = new();

        public TrainingHistory History { get; set; } = new("train_loss", MetricMode.Min);
    }
}
