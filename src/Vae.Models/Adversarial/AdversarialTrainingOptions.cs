using System.Globalization;

namespace Vae.Models;

/// <summary>Settings of an <see cref="AdversarialAutoencoderObjective"/>'s phases. All have defaults; <see cref="Validate"/> checks them.</summary>
public sealed record AdversarialTrainingOptions
{
    /// <summary>
    /// Skip the discriminator's update while its running loss (see <see cref="RunningLossMomentum"/>) is below this
    /// value, so that a discriminator that already wins easily does not overpower the encoder (the ml-playground seed's
    /// swiss-roll script updates it only while its loss exceeds 0.3). Null (the default) never skips. The loss is
    /// still computed on every step (without gradient when skipped), so the running loss keeps tracking it and the
    /// discriminator resumes learning once the encoder catches up. The loss is the mean binary cross-entropy over
    /// real and fake inputs (ln 2 ≈ 0.693 for a discriminator that cannot tell them apart).
    /// </summary>
    public double? DiscriminatorSkipThreshold { get; init; }

    /// <summary>
    /// Weight of the old value in the running discriminator loss, an exponential moving average updated after every
    /// step: running ← m·running + (1 − m)·loss (the first step sets it to the loss). In [0, 1); 0 uses the last
    /// step's loss alone, as the seed does. Default 0.9.
    /// </summary>
    public double RunningLossMomentum { get; init; } = 0.9;

    /// <summary>The discriminator is never skipped during the first this many steps (≥ 0; the seed uses 50 epochs).</summary>
    public long WarmupSteps { get; init; }

    /// <summary>Run the generator (encoder-fooling) phase on every this many steps (≥ 1; the seed's <c>skip_rate_G</c>). Default 1.</summary>
    public int GeneratorInterval { get; init; } = 1;

    /// <summary>Position of the inputs x in each batch (default 0).</summary>
    public int InputIndex { get; init; }

    /// <summary>Position of the class labels in each batch, read by the label-incorporating variant only (default 1).</summary>
    public int LabelIndex { get; init; } = 1;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message names it).</exception>
    public void Validate()
    {
        if (DiscriminatorSkipThreshold is double t && !double.IsFinite(t))
        {
            throw Bad(nameof(DiscriminatorSkipThreshold), t, "must be finite (or null to never skip)");
        }

        if (!(RunningLossMomentum >= 0 && RunningLossMomentum < 1))
        {
            throw Bad(nameof(RunningLossMomentum), RunningLossMomentum, "must be in [0, 1)");
        }

        if (WarmupSteps < 0)
        {
            throw Bad(nameof(WarmupSteps), WarmupSteps, "must be ≥ 0");
        }

        if (GeneratorInterval < 1)
        {
            throw Bad(nameof(GeneratorInterval), GeneratorInterval, "must be ≥ 1");
        }

        if (InputIndex < 0)
        {
            throw Bad(nameof(InputIndex), InputIndex, "must be ≥ 0");
        }

        if (LabelIndex < 0)
        {
            throw Bad(nameof(LabelIndex), LabelIndex, "must be ≥ 0");
        }
    }

    private static ArgumentOutOfRangeException Bad(string name, object value, string what) =>
        new(name, value, string.Create(CultureInfo.InvariantCulture, $"AdversarialTrainingOptions.{name} {what}, got {value}."));
}
