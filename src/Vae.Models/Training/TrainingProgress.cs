namespace Vae.Models.Training;

/// <summary>A snapshot of a running training, reported after training steps (see <see cref="Trainer.Progress"/>).</summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Epochs">Total number of epochs of the run.</param>
/// <param name="Step">Steps done in the current epoch, 1-based.</param>
/// <param name="StepsPerEpoch">Steps (batches) per epoch.</param>
/// <param name="GlobalStep">Steps since the start of training (resumed runs included).</param>
/// <param name="Metrics">Running means of the training metrics over the epoch so far (weighted by batch size).</param>
/// <param name="StepMetrics">The metrics of the last step alone.</param>
/// <param name="Elapsed">Wall-clock time since this Fit/Resume call started.</param>
/// <param name="Eta">Estimated time until the last epoch ends, from the mean step time of this call (validation included).</param>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    int Step,
    int StepsPerEpoch,
    long GlobalStep,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> StepMetrics,
    TimeSpan Elapsed,
    TimeSpan Eta)
{
    /// <summary>Fraction of the whole run done, in [0, 1].</summary>
    public double Fraction => Epochs * (double)StepsPerEpoch == 0 ? 1 : Math.Clamp((((Epoch - 1) * (double)StepsPerEpoch) + Step) / (Epochs * (double)StepsPerEpoch), 0, 1);
}
