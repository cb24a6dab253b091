using System.Globalization;

namespace Vae.Models.Training;

/// <summary>
/// Thrown by <see cref="Trainer"/> when a training step produced a non-finite loss or parameter. Training stops at
/// once; no checkpoint is written from the diverged model, so <see cref="LastCheckpointPath"/> (if any) still holds the
/// last good state. The model's parameters in memory may be non-finite: reload them from the checkpoint.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public TrainingDivergedException()
        : this("Training diverged.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
        Metric = string.Empty;
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Metric = string.Empty;
    }

    /// <summary>Creates the exception describing where training diverged.</summary>
    /// <param name="epoch">Epoch (1-based) of the failing step.</param>
    /// <param name="step">Step within the epoch (1-based).</param>
    /// <param name="metric">What became non-finite: <c>loss</c>, or <c>parameter encoder.0.weight</c>.</param>
    /// <param name="value">The non-finite value.</param>
    /// <param name="lastCheckpointPath">The last good checkpoint, or null when none exists.</param>
    /// <param name="lastCheckpointEpoch">Completed epochs in that checkpoint.</param>
    public TrainingDivergedException(int epoch, int step, string metric, double value, string? lastCheckpointPath, int lastCheckpointEpoch)
        : base(Describe(epoch, step, metric, value, lastCheckpointPath, lastCheckpointEpoch))
    {
        Epoch = epoch;
        Step = step;
        Metric = metric;
        Value = value;
        LastCheckpointPath = lastCheckpointPath;
        LastCheckpointEpoch = lastCheckpointEpoch;
    }

    /// <summary>Epoch (1-based) in which training diverged.</summary>
    public int Epoch { get; }

    /// <summary>Step within <see cref="Epoch"/> (1-based) after which the non-finite value appeared.</summary>
    public int Step { get; }

    /// <summary>What became non-finite: <c>loss</c>, or <c>parameter {name}</c>.</summary>
    public string Metric { get; }

    /// <summary>The non-finite value (NaN or ±infinity).</summary>
    public double Value { get; }

    /// <summary>The last checkpoint written (or resumed from) before the divergence, or null.</summary>
    public string? LastCheckpointPath { get; }

    /// <summary>Number of completed epochs in <see cref="LastCheckpointPath"/>.</summary>
    public int LastCheckpointEpoch { get; }

    private static string Describe(int epoch, int step, string metric, double value, string? path, int checkpointEpoch) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"Training diverged at epoch {epoch}, step {step}: {metric} is {value}. ") +
        (path is null
            ? "No checkpoint had been written."
            : string.Create(CultureInfo.InvariantCulture, $"The last good checkpoint is '{path}' ({checkpointEpoch} completed epochs); it was not overwritten."));
}
