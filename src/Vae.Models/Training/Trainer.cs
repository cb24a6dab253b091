using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;

namespace Vae.Models.Training;

/// <summary>
/// Trains an <see cref="ITrainingObjective"/> over epochs of a <see cref="DataLoader"/>: validation after every epoch,
/// learning-rate schedules, early stopping on a monitored metric, atomic checkpoints (<c>last</c>, <c>best</c>) that
/// resume bit-exactly, a NaN/infinity guard, a history written as CSV and JSON, progress reports and cooperative
/// cancellation. The library prints nothing: observe a run through <see cref="Progress"/>, <see cref="StepCompleted"/>
/// and <see cref="EpochCompleted"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Generator discipline.</b> The generator passed to <c>Fit</c>/<c>Resume</c> is the run generator. At the start of
/// each epoch the trainer forks an epoch generator from it, which is the one every <see cref="ITrainingObjective.TrainStep"/>
/// of the epoch receives; the training loader then draws its permutation (and transform randomness) from its own
/// generator, which may be the run generator itself. Validation passes each start from a fresh generator seeded with
/// <see cref="TrainerOptions.ValidationSeed"/>. Checkpoints store the run and loader generators as of the start of the
/// epoch plus the epoch generator's current state, so a run resumed from any checkpoint — an epoch boundary or a
/// cancellation mid-epoch, where the finished batches of the epoch are replayed without training — continues with
/// exactly the same bits as an uninterrupted run with the same seed. Randomness drawn from other generators (or from
/// the run generators inside event handlers) is not covered.
/// </para>
/// <para>
/// Typical use:
/// <code>
/// var trainer = new Trainer(objective, new TrainerOptions { Epochs = 20, OutputDirectory = "runs/vae", EarlyStoppingPatience = 3 });
/// trainer.Progress = new Progress&lt;TrainingProgress&gt;(p => Console.Write($"\r{p.Epoch}/{p.Epochs} {p.Metrics["loss"]:F3}"));
/// var history = trainer.Fit(trainLoader, validationLoader, new Generator(42));
/// // later, after an interruption:
/// history = new Trainer(objective2, options).Resume("runs/vae/last.safetensors", trainLoader2, validationLoader2, new Generator(42));
/// </code>
/// </para>
/// </remarks>
public sealed partial class Trainer
{
    /// <summary>File name of the rolling checkpoint in <see cref="TrainerOptions.OutputDirectory"/>.</summary>
    public const string LastCheckpointFileName = "last.safetensors";

    /// <summary>File name of the checkpoint of the best epoch in <see cref="TrainerOptions.OutputDirectory"/>.</summary>
    public const string BestCheckpointFileName = "best.safetensors";

    /// <summary>Creates a trainer.</summary>
    /// <param name="objective">What to train.</param>
    /// <param name="options">Settings (defaults when null).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">
    /// The objective is incomplete: an optimizer updates a tensor that is not a parameter of its model (it would not be
    /// checkpointed), an optimizer appears twice, or a scheduler drives an optimizer the objective does not list.
    /// </exception>
    public Trainer(ITrainingObjective objective, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        options ??= new TrainerOptions();
        options.Validate();
        CheckObjective(objective);
        Objective = objective;
        Options = options;
    }

    /// <summary>Raised after each reported training step (see <see cref="TrainerOptions.ProgressInterval"/>), on the training thread.</summary>
    public event EventHandler<TrainingProgress>? StepCompleted;

    /// <summary>Raised after each epoch (after validation, scheduling and the history files, before the epoch's checkpoints), on the training thread.</summary>
    public event EventHandler<EpochRecord>? EpochCompleted;

    /// <summary>What is trained.</summary>
    public ITrainingObjective Objective { get; }

    /// <summary>The settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Receives a <see cref="TrainingProgress"/> after each reported training step (null: no reports).</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>The history of the current or last run (null before the first run).</summary>
    public TrainingHistory? History { get; private set; }

    /// <summary>The last checkpoint written, or resumed from, by this trainer (null when none).</summary>
    public string? LastCheckpointPath { get; private set; }

    /// <summary>
    /// Trains from the current state of the model and optimizers for <see cref="TrainerOptions.Epochs"/> epochs
    /// (a fresh history and epoch counter).
    /// </summary>
    /// <param name="train">Training batches; an epoch is one enumeration.</param>
    /// <param name="validation">Validation batches evaluated after every epoch, or null.</param>
    /// <param name="generator">The run generator (see the remarks of <see cref="Trainer"/>).</param>
    /// <param name="cancellationToken">Stops training cleanly after the current step and writes a checkpoint (the history's <see cref="TrainingHistory.StopReason"/> is then <see cref="TrainingStopReason.Cancelled"/>).</param>
    /// <returns>The history (also in <see cref="History"/>).</returns>
    /// <exception cref="ArgumentException">A loader yields no batches.</exception>
    /// <exception cref="TrainingDivergedException">A loss or parameter became NaN or infinite (see <see cref="TrainerOptions.ParameterCheckInterval"/>).</exception>
    /// <exception cref="InvalidOperationException">A step returned no <c>loss</c> metric, or a monitored metric does not exist.</exception>
    public TrainingHistory Fit(DataLoader train, DataLoader? validation, Generator generator, CancellationToken cancellationToken = default)
    {
        var data = Prepare(train, validation, generator);
        var state = new TrainerState();
        var history = new TrainingHistory(data.Monitor, Options.MonitorMode);
        LastCheckpointPath = null;
        _lastCheckpointEpoch = 0;
        return Run(data, state, history, cancellationToken);
    }

    /// <summary>
    /// Trains on datasets with loaders built from <see cref="TrainerOptions.BatchSize"/> and
    /// <see cref="TrainerOptions.Shuffle"/> (the training loader shuffles with <paramref name="generator"/>; validation is
    /// not shuffled).
    /// </summary>
    /// <param name="train">Training examples.</param>
    /// <param name="validation">Validation examples, or null.</param>
    /// <param name="generator">The run generator.</param>
    /// <param name="cancellationToken">Stops training cleanly after the current step (see the other overload).</param>
    /// <returns>The history.</returns>
    public TrainingHistory Fit(TensorDataset train, TensorDataset? validation, Generator generator, CancellationToken cancellationToken = default)
    {
        var (trainLoader, validationLoader) = Loaders(train, validation, generator);
        return Fit(trainLoader, validationLoader, generator, cancellationToken);
    }

    /// <summary>
    /// Restores model, optimizers, schedulers, objective state, generators, epoch counter, early-stopping state and
    /// history from a checkpoint written by a trainer, and continues until <see cref="TrainerOptions.Epochs"/> epochs are
    /// done. With the same data, objective construction and options, the result is bit-identical to a run that was never
    /// interrupted.
    /// </summary>
    /// <param name="checkpointPath">A checkpoint (<c>last.safetensors</c>, <c>best.safetensors</c>, …).</param>
    /// <param name="train">Training batches, as in the interrupted run.</param>
    /// <param name="validation">Validation batches, or null, as in the interrupted run.</param>
    /// <param name="generator">The run generator (its state is replaced by the checkpoint's).</param>
    /// <param name="cancellationToken">Stops training cleanly after the current step.</param>
    /// <returns>The history, continuing the checkpoint's.</returns>
    /// <exception cref="FileNotFoundException">The checkpoint does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid training checkpoint.</exception>
    /// <exception cref="ArgumentException">
    /// The checkpoint does not fit: another architecture (the message lists missing and unexpected keys and shape
    /// mismatches), other optimizer or scheduler types, another monitored metric, loaders whose generators are shared
    /// differently, or (for a mid-epoch checkpoint) different training data. Nothing is changed then.
    /// </exception>
    public TrainingHistory Resume(string checkpointPath, DataLoader train, DataLoader? validation, Generator generator, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        var data = Prepare(train, validation, generator);
        var c = TrainingCheckpoint.Read(checkpointPath);
        CheckResumable(c, data, checkpointPath);
        TrainingCheckpoint.Apply(c, Objective, checkpointPath);
        RestoreGenerators(c.State, data);
        c.History.StopReason = TrainingStopReason.None;
        LastCheckpointPath = checkpointPath;
        _lastCheckpointEpoch = c.State.Epoch;
        return Run(data, c.State, c.History, cancellationToken);
    }

    /// <summary>Resumes training on datasets (loaders built as by the dataset overload of <c>Fit</c>).</summary>
    /// <param name="checkpointPath">A checkpoint.</param>
    /// <param name="train">Training examples.</param>
    /// <param name="validation">Validation examples, or null.</param>
    /// <param name="generator">The run generator.</param>
    /// <param name="cancellationToken">Stops training cleanly after the current step.</param>
    /// <returns>The history.</returns>
    public TrainingHistory Resume(string checkpointPath, TensorDataset train, TensorDataset? validation, Generator generator, CancellationToken cancellationToken = default)
    {
        var (trainLoader, validationLoader) = Loaders(train, validation, generator);
        return Resume(checkpointPath, trainLoader, validationLoader, generator, cancellationToken);
    }

    /// <summary>
    /// Loads only the model weights of a training checkpoint (e.g. <c>best.safetensors</c>) into
    /// <paramref name="model"/>, for evaluation or inference.
    /// </summary>
    /// <param name="checkpointPath">A checkpoint written by a trainer.</param>
    /// <param name="model">A model of the same architecture.</param>
    /// <exception cref="FileNotFoundException">The checkpoint does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid training checkpoint.</exception>
    /// <exception cref="ArgumentException">The architecture differs (the message lists the mismatched keys and shapes).</exception>
    public static void LoadModel(string checkpointPath, Module model)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        ArgumentNullException.ThrowIfNull(model);
        TrainingCheckpoint.LoadModel(checkpointPath, model);
    }

    /// <summary>Reads the history stored in a training checkpoint.</summary>
    /// <param name="checkpointPath">A checkpoint written by a trainer.</param>
    /// <returns>The history up to the checkpoint.</returns>
    public static TrainingHistory ReadHistory(string checkpointPath) => TrainingCheckpoint.Read(checkpointPath).History;

    private static void CheckObjective(ITrainingObjective objective)
    {
        var model = objective.Model ?? throw new ArgumentException("The objective's Model is null.", nameof(objective));
        var optimizers = objective.Optimizers ?? throw new ArgumentException("The objective's Optimizers is null.", nameof(objective));
        var schedulers = objective.Schedulers ?? throw new ArgumentException("The objective's Schedulers is null.", nameof(objective));
        var parameters = new HashSet<Tensor>(model.Parameters(), ReferenceEqualityComparer.Instance);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < optimizers.Count; i++)
        {
            var o = optimizers[i] ?? throw new ArgumentException($"Optimizer {i} of the objective is null.", nameof(objective));
            if (!seen.Add(o))
            {
                throw new ArgumentException($"Optimizer {i} ({o.GetType().Name}) is listed twice by the objective.", nameof(objective));
            }

            foreach (var group in o.ParamGroups)
            {
                foreach (var p in group.Parameters)
                {
                    if (!parameters.Contains(p))
                    {
                        throw new ArgumentException(
                            $"Optimizer {i} ({o.GetType().Name}) updates a tensor of shape {p.Shape} that is not a parameter of the objective's model ({model.GetType().Name}), so checkpoints would not save it. Register it in the model.",
                            nameof(objective));
                    }
                }
            }
        }

        for (int i = 0; i < schedulers.Count; i++)
        {
            var s = schedulers[i] ?? throw new ArgumentException($"Scheduler {i} of the objective is null.", nameof(objective));
            if (!seen.Contains(s.Optimizer))
            {
                throw new ArgumentException(
                    $"Scheduler {i} ({s.Kind}) drives an optimizer ({s.Optimizer.GetType().Name}) that is not in the objective's Optimizers.", nameof(objective));
            }
        }
    }

    private (DataLoader Train, DataLoader? Validation) Loaders(TensorDataset train, TensorDataset? validation, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(generator);
        var trainLoader = new DataLoader(train, Options.BatchSize, Options.Shuffle, Options.Shuffle ? generator : null);
        var validationLoader = validation is null ? null : new DataLoader(validation, Options.BatchSize);
        return (trainLoader, validationLoader);
    }
}
