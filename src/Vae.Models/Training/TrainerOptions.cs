using System.Globalization;

namespace Vae.Models.Training;

/// <summary>Settings of a <see cref="Trainer"/> run. All have defaults; <see cref="Validate"/> checks them.</summary>
public sealed record TrainerOptions
{
    /// <summary>Total number of epochs (≥ 1). A resumed run continues until this many epochs are done.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Batch size used when the trainer builds the data loaders itself (the <see cref="Vae.Core.Data.TensorDataset"/>
    /// overloads of <see cref="Trainer.Fit(Vae.Core.Data.TensorDataset, Vae.Core.Data.TensorDataset?, Vae.Core.Generator, CancellationToken)"/>); ≥ 1.
    /// </summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Whether the training loader the trainer builds shuffles every epoch (with the run's generator).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Folder for checkpoints (<c>last.safetensors</c>, <c>best.safetensors</c>, optionally
    /// <c>epoch-NNNN.safetensors</c>) and the history (<c>history.csv</c>, <c>history.json</c>); created if needed.
    /// Null (the default) writes nothing.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>
    /// Write <c>last.safetensors</c> every this many epochs (≥ 1). It is also written after the final epoch, when
    /// training stops early, and when it is cancelled.
    /// </summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>Also keep a copy of each periodic checkpoint as <c>epoch-NNNN.safetensors</c>.</summary>
    public bool KeepEpochCheckpoints { get; init; }

    /// <summary>Write <c>best.safetensors</c> whenever the monitored metric improves.</summary>
    public bool SaveBest { get; init; } = true;

    /// <summary>
    /// The metric watched by early stopping, <see cref="SaveBest"/> and plateau schedules, as a flat name of
    /// <see cref="EpochRecord.ToDictionary"/> (<c>val_loss</c>, <c>train_recon</c>, …). Null (the default) means
    /// <c>val_loss</c> when validation data is given, else <c>train_loss</c>.
    /// </summary>
    public string? Monitor { get; init; }

    /// <summary>Whether lower (default) or higher values of <see cref="Monitor"/> are better.</summary>
    public MetricMode MonitorMode { get; init; } = MetricMode.Min;

    /// <summary>
    /// Stop after this many consecutive epochs without improvement of <see cref="Monitor"/> (≥ 1); null (the default)
    /// disables early stopping.
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>
    /// Smallest change of <see cref="Monitor"/> that counts as an improvement (≥ 0, absolute): in min mode a value
    /// improves when it is below best − MinDelta.
    /// </summary>
    public double EarlyStoppingMinDelta { get; init; }

    /// <summary>
    /// Check the parameters for NaN/infinity every this many steps (≥ 1; default 1); the loss is checked after every
    /// step. A non-finite value stops training with <see cref="TrainingDivergedException"/>. Parameters are also always
    /// checked at the end of an epoch and before any checkpoint is written, so no checkpoint ever holds a diverged model.
    /// </summary>
    public int ParameterCheckInterval { get; init; } = 1;

    /// <summary>
    /// Seed of the generator each validation pass starts from: every epoch is evaluated with the same random numbers,
    /// so validation metrics of different epochs are directly comparable and do not disturb the training stream.
    /// </summary>
    public ulong ValidationSeed { get; init; } = 0x5EED_0F_7A11_DA7AUL;

    /// <summary>Report progress every this many steps (≥ 1; the last step of an epoch is always reported).</summary>
    public int ProgressInterval { get; init; } = 1;

    /// <summary>
    /// Whether each <see cref="ITrainingObjective.TrainStep"/> and validation batch runs inside a
    /// <see cref="Vae.Core.TensorScope"/> (default true): the step's tensors are released when it returns and their
    /// storage is reused by the next step, so training allocates almost nothing per step. Objectives must then not
    /// keep tensors of a step beyond it (keep numbers, or <see cref="Vae.Core.TensorScope.Persist{T}"/> them).
    /// </summary>
    public bool ReleaseTensorsEachStep { get; init; } = true;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message names it).</exception>
    public void Validate()
    {
        Positive(Epochs, nameof(Epochs));
        Positive(BatchSize, nameof(BatchSize));
        Positive(CheckpointEvery, nameof(CheckpointEvery));
        Positive(ParameterCheckInterval, nameof(ParameterCheckInterval));
        Positive(ProgressInterval, nameof(ProgressInterval));
        if (EarlyStoppingPatience is int p)
        {
            Positive(p, nameof(EarlyStoppingPatience));
        }

        if (!(EarlyStoppingMinDelta >= 0 && double.IsFinite(EarlyStoppingMinDelta)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, $"TrainerOptions.{nameof(EarlyStoppingMinDelta)} must be a finite number >= 0.");
        }

        if (!Enum.IsDefined(MonitorMode))
        {
            throw new ArgumentOutOfRangeException(nameof(MonitorMode), MonitorMode, $"TrainerOptions.{nameof(MonitorMode)} is not a defined value.");
        }

        if (Monitor is not null && Monitor.Length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Monitor), Monitor, $"TrainerOptions.{nameof(Monitor)} must not be empty (null selects the default).");
        }

        if (OutputDirectory is not null && OutputDirectory.Length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(OutputDirectory), OutputDirectory, $"TrainerOptions.{nameof(OutputDirectory)} must not be empty (null writes no files).");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(
                name, value, string.Create(CultureInfo.InvariantCulture, $"TrainerOptions.{name} must be at least 1, got {value}."));
        }
    }
}
