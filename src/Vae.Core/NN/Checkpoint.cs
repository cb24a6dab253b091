using System.Globalization;
using Vae.Core.Optim;
using Vae.Core.Serialization;

namespace Vae.Core.NN;

/// <summary>
/// A full training state in one safetensors file: model state, optimizer state, scheduler state, generator states,
/// epoch and step counters and free-form string metadata. Saving is atomic (an existing file is replaced only once
/// the new one is complete), and restoring into freshly built objects continues training bit-identically.
/// </summary>
/// <remarks>
/// <para>
/// File layout: tensors <c>model.&lt;name&gt;</c> (the model's <see cref="Module.StateDict"/>, PyTorch names),
/// <c>optimizer.&lt;key&gt;</c> (<see cref="Optimizer.StateDict"/>), <c>scheduler.&lt;key&gt;</c> (the scheduler's
/// <c>StateDict</c>) and <c>generator.&lt;name&gt;</c> (a generator's 6 state words, stored losslessly as 12 float64
/// values: low and high 32 bits of each word); metadata <c>checkpoint.format</c>, <c>checkpoint.epoch</c>,
/// <c>checkpoint.step</c> plus the user's <see cref="Metadata"/> (keys must not start with <c>checkpoint.</c>).
/// </para>
/// <para>
/// Typical use:
/// <code>
/// var ckpt = Checkpoint.Capture(model, optimizer, generator, epoch, step);
/// ckpt.SetScheduler(scheduler);
/// ckpt.Save("run/last.safetensors");
/// // … later, in a new process with freshly constructed objects:
/// var loaded = Checkpoint.Load("run/last.safetensors");
/// loaded.Restore(model, optimizer, generator);
/// loaded.RestoreScheduler(scheduler);
/// </code>
/// A <see cref="Data.DataLoader"/> that shuffles draws each epoch's order from its generator when the epoch starts, so a
/// checkpoint taken between epochs (with that generator) resumes the same sequence of batches.
/// </para>
/// </remarks>
public sealed class Checkpoint
{
    /// <summary>The name under which <see cref="Capture"/> and <see cref="Restore"/> store the single generator.</summary>
    public const string DefaultGeneratorName = "default";

    private const string FormatKey = "checkpoint.format";
    private const string FormatValue = "vae-net-checkpoint/1";
    private const string EpochKey = "checkpoint.epoch";
    private const string StepKey = "checkpoint.step";
    private const string ReservedPrefix = "checkpoint.";
    private const string ModelPrefix = "model.";
    private const string OptimizerPrefix = "optimizer.";
    private const string SchedulerPrefix = "scheduler.";
    private const string GeneratorPrefix = "generator.";
    private const int GeneratorWords = GeneratorStateTensor.Words;

    /// <summary>The model's state (parameters and persistent buffers by dotted name).</summary>
    public IReadOnlyDictionary<string, Tensor> ModelState { get; set; } = new Dictionary<string, Tensor>();

    /// <summary>The optimizer's state, or null when none was captured.</summary>
    public IReadOnlyDictionary<string, Tensor>? OptimizerState { get; set; }

    /// <summary>The learning-rate scheduler's state, or null when none was captured.</summary>
    public IReadOnlyDictionary<string, Tensor>? SchedulerState { get; set; }

    /// <summary>Generator states (<see cref="Generator.GetState"/>) by name; <see cref="DefaultGeneratorName"/> for the one passed to <see cref="Capture"/>.</summary>
    public IDictionary<string, ulong[]> GeneratorStates { get; } = new SortedDictionary<string, ulong[]>(StringComparer.Ordinal);

    /// <summary>Epoch counter (e.g. the number of completed epochs).</summary>
    public long Epoch { get; set; }

    /// <summary>Step counter (e.g. the number of optimizer steps taken).</summary>
    public long Step { get; set; }

    /// <summary>Free-form string annotations (keys must not start with <c>checkpoint.</c>).</summary>
    public IDictionary<string, string> Metadata { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Snapshots the current training state (copies: later training does not change the checkpoint).
    /// </summary>
    /// <param name="model">The model whose state dict is captured.</param>
    /// <param name="optimizer">Optional optimizer.</param>
    /// <param name="generator">Optional generator, stored as <see cref="DefaultGeneratorName"/>.</param>
    /// <param name="epoch">Epoch counter to store.</param>
    /// <param name="step">Step counter to store.</param>
    /// <returns>The checkpoint; add a scheduler, more generators or metadata before saving.</returns>
    public static Checkpoint Capture(Module model, Optimizer? optimizer = null, Generator? generator = null, long epoch = 0, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = new Checkpoint
        {
            ModelState = model.StateDict(),
            OptimizerState = optimizer?.StateDict(),
            Epoch = epoch,
            Step = step,
        };
        if (generator is not null)
        {
            c.SetGenerator(DefaultGeneratorName, generator);
        }

        return c;
    }

    /// <summary>Captures the state of a learning-rate scheduler.</summary>
    /// <returns>This checkpoint.</returns>
    public Checkpoint SetScheduler(LRScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        SchedulerState = scheduler.StateDict();
        return this;
    }

    /// <summary>Captures the state of a plateau scheduler.</summary>
    /// <returns>This checkpoint.</returns>
    public Checkpoint SetScheduler(ReduceLROnPlateau scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        SchedulerState = scheduler.StateDict();
        return this;
    }

    /// <summary>Captures the state of <paramref name="generator"/> under <paramref name="name"/>.</summary>
    /// <returns>This checkpoint.</returns>
    public Checkpoint SetGenerator(string name, Generator generator)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(generator);
        GeneratorStates[name] = generator.GetState();
        return this;
    }

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> as one safetensors file, atomically (an existing file is left
    /// untouched if anything fails).
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ArgumentException">A metadata key is reserved, or a generator state is malformed.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Add(tensors, ModelPrefix, ModelState);
        Add(tensors, OptimizerPrefix, OptimizerState);
        Add(tensors, SchedulerPrefix, SchedulerState);
        foreach (var (name, state) in GeneratorStates)
        {
            if (state is null || state.Length != GeneratorWords)
            {
                throw new ArgumentException($"Checkpoint: generator state \"{name}\" must have {GeneratorWords} words.", nameof(GeneratorStates));
            }

            tensors.Add(GeneratorPrefix + name, GeneratorStateTensor.ToTensor(state));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Metadata)
        {
            if (key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Checkpoint: metadata key \"{key}\" is reserved (keys starting with \"{ReservedPrefix}\").", nameof(Metadata));
            }

            metadata.Add(key, value ?? throw new ArgumentException($"Checkpoint: metadata \"{key}\" is null.", nameof(Metadata)));
        }

        metadata.Add(FormatKey, FormatValue);
        metadata.Add(EpochKey, Epoch.ToString(CultureInfo.InvariantCulture));
        metadata.Add(StepKey, Step.ToString(CultureInfo.InvariantCulture));
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    /// <param name="path">The safetensors file.</param>
    /// <returns>The checkpoint; apply it with <see cref="Restore"/> and <see cref="RestoreScheduler(LRScheduler)"/>.</returns>
    /// <exception cref="InvalidDataException">
    /// The file is not valid safetensors, is not a checkpoint (a plain state dict: use <see cref="Module.Load"/>), or
    /// has malformed counters or generator states; the message names the file.
    /// </exception>
    public static Checkpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = SafeTensors.Load(path);
        var meta = file.Metadata;
        if (meta is null || !meta.TryGetValue(FormatKey, out var format))
        {
            throw new InvalidDataException(
                $"{path}: not a Vae.NET checkpoint (no \"{FormatKey}\" metadata); a plain state dict loads with Module.Load.");
        }

        if (format != FormatValue)
        {
            throw new InvalidDataException($"{path}: unsupported checkpoint format \"{format}\" (expected \"{FormatValue}\").");
        }

        var c = new Checkpoint { Epoch = ReadCounter(path, meta, EpochKey), Step = ReadCounter(path, meta, StepKey) };
        foreach (var (key, value) in meta)
        {
            if (!key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
            {
                c.Metadata.Add(key, value);
            }
        }

        var model = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Dictionary<string, Tensor>? optimizer = null, scheduler = null;
        foreach (var name in file.Names)
        {
            var t = file.Tensors[name];
            if (name.StartsWith(ModelPrefix, StringComparison.Ordinal))
            {
                model.Add(name[ModelPrefix.Length..], t);
            }
            else if (name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            {
                (optimizer ??= new(StringComparer.Ordinal)).Add(name[OptimizerPrefix.Length..], t);
            }
            else if (name.StartsWith(SchedulerPrefix, StringComparison.Ordinal))
            {
                (scheduler ??= new(StringComparer.Ordinal)).Add(name[SchedulerPrefix.Length..], t);
            }
            else if (name.StartsWith(GeneratorPrefix, StringComparison.Ordinal) && name.Length > GeneratorPrefix.Length)
            {
                c.GeneratorStates.Add(name[GeneratorPrefix.Length..], ReadGenerator(path, name, t));
            }
            else
            {
                throw new InvalidDataException($"{path}: unexpected tensor \"{name}\" in a checkpoint (expected model., optimizer., scheduler. or generator. names).");
            }
        }

        c.ModelState = model;
        c.OptimizerState = optimizer;
        c.SchedulerState = scheduler;
        return c;
    }

    /// <summary>
    /// Restores the model and, when given, the optimizer and the <see cref="DefaultGeneratorName"/> generator. All or
    /// nothing: everything is checked first, and if the optimizer's state turns out not to fit, the model is put back
    /// as it was.
    /// </summary>
    /// <param name="model">A model of the same architecture (its parameters and buffers are overwritten in place).</param>
    /// <param name="optimizer">Optional optimizer of the same type over the model's parameters (same groups and shapes).</param>
    /// <param name="generator">Optional generator to set to the stored state.</param>
    /// <param name="strict">Require the stored model names to match the model's state names exactly.</param>
    /// <exception cref="ArgumentException">Something does not fit or was not captured; the message lists the problems.</exception>
    public void Restore(Module model, Optimizer? optimizer = null, Generator? generator = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (optimizer is not null && OptimizerState is null)
        {
            throw new ArgumentException("Checkpoint.Restore: an optimizer was passed but the checkpoint holds no optimizer state.", nameof(optimizer));
        }

        ulong[]? generatorState = null;
        if (generator is not null && !GeneratorStates.TryGetValue(DefaultGeneratorName, out generatorState))
        {
            throw new ArgumentException(
                $"Checkpoint.Restore: a generator was passed but the checkpoint holds no \"{DefaultGeneratorName}\" generator state (it has: {string.Join(", ", GeneratorStates.Keys)}).",
                nameof(generator));
        }

        if (generatorState is not null && generatorState.Length != GeneratorWords)
        {
            throw new ArgumentException(
                $"Checkpoint.Restore: the \"{DefaultGeneratorName}\" generator state has {generatorState.Length} words, expected {GeneratorWords}.",
                nameof(generator));
        }

        var before = optimizer is null ? null : model.StateDict();
        model.LoadStateDict(ModelState, strict);
        if (optimizer is not null)
        {
            try
            {
                optimizer.LoadStateDict(OptimizerState!);
            }
            catch (ArgumentException)
            {
                model.LoadStateDict(before!, strict: false);
                throw;
            }
        }

        generator?.SetState(generatorState);
    }

    /// <summary>Restores a learning-rate scheduler of the same kind (its optimizer's rates come from the optimizer state).</summary>
    /// <exception cref="ArgumentException">No scheduler state was captured, or it does not fit.</exception>
    public void RestoreScheduler(LRScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.LoadStateDict(SchedulerState ?? throw NoScheduler());
    }

    /// <summary>Restores a plateau scheduler.</summary>
    /// <exception cref="ArgumentException">No scheduler state was captured, or it does not fit.</exception>
    public void RestoreScheduler(ReduceLROnPlateau scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.LoadStateDict(SchedulerState ?? throw NoScheduler());
    }

    /// <summary>Sets <paramref name="generator"/> to the state stored under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No generator state has that name.</exception>
    public void RestoreGenerator(string name, Generator generator)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(generator);
        if (!GeneratorStates.TryGetValue(name, out var state))
        {
            throw new ArgumentException(
                $"Checkpoint: no generator state named \"{name}\" (it has: {string.Join(", ", GeneratorStates.Keys)}).", nameof(name));
        }

        generator.SetState(state);
    }

    private static ArgumentException NoScheduler() =>
        new("Checkpoint.RestoreScheduler: the checkpoint holds no scheduler state.", "scheduler");

    private static void Add(Dictionary<string, Tensor> into, string prefix, IReadOnlyDictionary<string, Tensor>? state)
    {
        if (state is null)
        {
            return;
        }

        foreach (var (name, t) in state)
        {
            into.Add(prefix + name, t ?? throw new ArgumentException($"Checkpoint: state \"{prefix}{name}\" is null."));
        }
    }

    private static long ReadCounter(string path, IReadOnlyDictionary<string, string> meta, string key)
    {
        if (!meta.TryGetValue(key, out var text) || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            throw new InvalidDataException($"{path}: checkpoint metadata \"{key}\" is missing or not an integer.");
        }

        return value;
    }

    private static ulong[] ReadGenerator(string path, string name, Tensor t) =>
        GeneratorStateTensor.FromTensor(t, out var error) ?? throw new InvalidDataException($"{path}: generator state \"{name}\" {error}.");

}
