namespace Vae.Models.Training;

/// <summary>
/// The trainer's own resumable state, besides model/optimizer/scheduler state and the history. Generator states follow
/// the per-epoch discipline of <see cref="Trainer"/>: <see cref="Run"/> and <see cref="TrainLoader"/> are the states at
/// the start of epoch <see cref="Epoch"/> + 1, before its epoch generator is forked and its permutation drawn.
/// </summary>
internal sealed class TrainerState
{
    /// <summary>Completed epochs.</summary>
    public int Epoch { get; set; }

    /// <summary>Steps done in epoch <see cref="Epoch"/> + 1 (0 at an epoch boundary).</summary>
    public int StepInEpoch { get; set; }

    /// <summary>Steps since the start of training.</summary>
    public long GlobalStep { get; set; }

    /// <summary>Seconds already spent in the partial epoch.</summary>
    public double EpochSeconds { get; set; }

    /// <summary>Consecutive epochs without improvement of the monitored metric.</summary>
    public int BadEpochs { get; set; }

    /// <summary>Steps per epoch and training examples of the data the state was produced with.</summary>
    public int StepsPerEpoch { get; set; }

    /// <summary>Number of training examples.</summary>
    public int TrainExamples { get; set; }

    /// <summary>Running training metric sums of the partial epoch.</summary>
    public MetricAccumulator Running { get; } = new();

    /// <summary>The run generator at the start of epoch <see cref="Epoch"/> + 1.</summary>
    public ulong[] Run { get; set; } = [];

    /// <summary>The training loader's own generator at the start of epoch <see cref="Epoch"/> + 1 (null unless <see cref="TrainLoaderSharing"/> is "own").</summary>
    public ulong[]? TrainLoader { get; set; }

    /// <summary>The validation loader's own generator when the state was saved (null unless <see cref="ValidationLoaderSharing"/> is "own").</summary>
    public ulong[]? ValidationLoader { get; set; }

    /// <summary>The epoch generator after <see cref="StepInEpoch"/> steps (mid-epoch states only).</summary>
    public ulong[]? EpochGenerator { get; set; }

    /// <summary>Which generator the training loader uses: "none", "run" (the run generator itself) or "own".</summary>
    public string TrainLoaderSharing { get; set; } = "none";

    /// <summary>Which generator the validation loader uses: "none", "run", "train" (the training loader's) or "own".</summary>
    public string ValidationLoaderSharing { get; set; } = "none";
}
