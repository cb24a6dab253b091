namespace Vae.Models.Training;

/// <summary>Why a run ended.</summary>
public enum TrainingStopReason
{
    /// <summary>Training has not ended yet (or has not started).</summary>
    None,

    /// <summary>All <see cref="TrainerOptions.Epochs"/> epochs ran.</summary>
    Completed,

    /// <summary>The monitored metric did not improve for <see cref="TrainerOptions.EarlyStoppingPatience"/> epochs.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; training stopped after a step and wrote a checkpoint.</summary>
    Cancelled,
}
