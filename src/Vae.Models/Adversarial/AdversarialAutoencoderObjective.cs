using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;
using Vae.Models.Training;

namespace Vae.Models;

/// <summary>
/// Trains an <see cref="AdversarialAutoencoder"/> under a <see cref="Trainer"/>. Each step runs three phases on the
/// batch, each with its own optimizer:
/// <list type="number">
/// <item><b>Reconstruction</b>: encoder and decoder minimise <see cref="AdversarialAutoencoder.ReconstructionLoss"/>.</item>
/// <item><b>Discriminator</b>: the discriminator minimises <see cref="AdversarialAutoencoder.DiscriminatorLoss"/>
/// (prior samples real, codes fake) — skipped while its running loss is below
/// <see cref="AdversarialTrainingOptions.DiscriminatorSkipThreshold"/>.</item>
/// <item><b>Generator</b>: the encoder minimises <see cref="AdversarialAutoencoder.GeneratorLoss"/> (fool the
/// discriminator) — every <see cref="AdversarialTrainingOptions.GeneratorInterval"/>-th step.</item>
/// </list>
/// The label-incorporating variant reads the classes from batch tensor <see cref="AdversarialTrainingOptions.LabelIndex"/>.
/// </summary>
/// <remarks>
/// <para>
/// Step metrics: <c>loss</c> (the reconstruction loss; NaN when any phase's loss is not finite, which stops the
/// trainer's guard), <c>recon</c>, <c>disc_loss</c>, <c>disc_real</c>, <c>disc_fake</c>, <c>disc_accuracy</c>,
/// <c>disc_updated</c> (1 when the discriminator was stepped, 0 when skipped), <c>gen_loss</c> (on steps with a
/// generator phase). Validation reports <c>loss</c>, <c>recon</c>, <c>disc_loss</c>, <c>disc_accuracy</c>,
/// <c>gen_loss</c>.
/// </para>
/// <para>
/// The objective's own state — the running discriminator loss of the skip rule, the step counter of the warm-up and
/// the generator interval, and the count of skipped discriminator updates — is saved in checkpoints through
/// <see cref="StateDict"/>, so a resumed run makes the same skip decisions as an uninterrupted one.
/// </para>
/// </remarks>
public sealed class AdversarialAutoencoderObjective : ITrainingObjective
{
    private const string RunningKey = "running_disc_loss";
    private const string StepsKey = "steps";
    private const string SkippedKey = "skipped_disc_steps";

    private readonly AdversarialAutoencoder _model;
    private readonly Optimizer[] _optimizers;

    /// <summary>Creates the objective from three optimizers.</summary>
    /// <param name="model">The model.</param>
    /// <param name="reconstruction">Updates the encoder and decoder in the reconstruction phase.</param>
    /// <param name="discriminator">Updates the discriminator.</param>
    /// <param name="generator">Updates the encoder in the generator phase.</param>
    /// <param name="options">Phase settings (defaults when null).</param>
    /// <exception cref="ArgumentException">Two of the optimizers are the same object.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public AdversarialAutoencoderObjective(
        AdversarialAutoencoder model, Optimizer reconstruction, Optimizer discriminator, Optimizer generator,
        AdversarialTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(reconstruction);
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentNullException.ThrowIfNull(generator);
        if (ReferenceEquals(reconstruction, discriminator) || ReferenceEquals(reconstruction, generator) || ReferenceEquals(discriminator, generator))
        {
            throw new ArgumentException("AdversarialAutoencoderObjective: the three phases need three distinct optimizers.");
        }

        options ??= new AdversarialTrainingOptions();
        options.Validate();
        _model = model;
        Options = options;
        ReconstructionOptimizer = reconstruction;
        DiscriminatorOptimizer = discriminator;
        GeneratorOptimizer = generator;
        _optimizers = [reconstruction, discriminator, generator];
    }

    /// <summary>
    /// Creates the objective with Adam optimizers: reconstruction over encoder and decoder, discriminator over the
    /// discriminator, generator over the encoder (the seed's setup). The default rates are those of the MNIST sample
    /// (2-D codes, batch 100, all three rates decayed by 0.8 per epoch), where a regularisation phase faster than the
    /// reconstruction phase keeps the codes from spreading beyond the prior.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="reconstructionLr">Learning rate of the reconstruction phase.</param>
    /// <param name="discriminatorLr">Learning rate of the discriminator.</param>
    /// <param name="generatorLr">Learning rate of the generator phase.</param>
    /// <param name="beta1">Adam's β1 for the two adversarial optimizers (0.5 is the usual GAN choice; the reconstruction optimizer uses 0.9).</param>
    /// <param name="decayPerEpoch">
    /// When below 1, every learning rate is multiplied by this after each epoch (one <see cref="ExponentialLR"/> per
    /// optimizer in <see cref="Schedulers"/>), which calms the adversarial game down as training goes on; in (0, 1].
    /// </param>
    /// <param name="options">Phase settings (defaults when null).</param>
    /// <returns>The objective.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decayPerEpoch"/> is not in (0, 1].</exception>
    public static AdversarialAutoencoderObjective WithAdam(
        AdversarialAutoencoder model, double reconstructionLr = 1e-3, double discriminatorLr = 2e-3, double generatorLr = 2e-3,
        double beta1 = 0.5, double decayPerEpoch = 1.0, AdversarialTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(decayPerEpoch > 0 && decayPerEpoch <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decayPerEpoch), decayPerEpoch, "AdversarialAutoencoderObjective: decayPerEpoch must be in (0, 1].");
        }

        var reconstruction = new Adam([.. model.Encoder.Parameters(), .. model.Decoder.Parameters()], lr: reconstructionLr);
        var discriminator = new Adam(model.Discriminator.Parameters(), lr: discriminatorLr, beta1: beta1);
        var generator = new Adam(model.Encoder.Parameters(), lr: generatorLr, beta1: beta1);
        return new AdversarialAutoencoderObjective(model, reconstruction, discriminator, generator, options)
        {
            Schedulers = decayPerEpoch == 1.0
                ? []
                : [new ExponentialLR(reconstruction, decayPerEpoch), new ExponentialLR(discriminator, decayPerEpoch), new ExponentialLR(generator, decayPerEpoch)],
        };
    }

    /// <inheritdoc />
    public Module Model => _model;

    /// <summary>The model being trained.</summary>
    public AdversarialAutoencoder Autoencoder => _model;

    /// <summary>Phase settings.</summary>
    public AdversarialTrainingOptions Options { get; }

    /// <summary>The reconstruction phase's optimizer (encoder and decoder).</summary>
    public Optimizer ReconstructionOptimizer { get; }

    /// <summary>The discriminator's optimizer.</summary>
    public Optimizer DiscriminatorOptimizer { get; }

    /// <summary>The generator phase's optimizer (encoder).</summary>
    public Optimizer GeneratorOptimizer { get; }

    /// <summary>The optimizers in order: reconstruction, discriminator, generator.</summary>
    public IReadOnlyList<Optimizer> Optimizers => _optimizers;

    /// <summary>Learning-rate schedules of the optimizers, stepped by the trainer once per epoch (none by default).</summary>
    public IReadOnlyList<EpochScheduler> Schedulers { get; init; } = [];

    /// <summary>The running discriminator loss of the skip rule (NaN before the first step).</summary>
    public double RunningDiscriminatorLoss { get; private set; } = double.NaN;

    /// <summary>Training steps taken by this objective (resumed runs included).</summary>
    public long Steps { get; private set; }

    /// <summary>Steps on which the discriminator's update was skipped.</summary>
    public long SkippedDiscriminatorSteps { get; private set; }

    /// <summary>Whether the next step will skip the discriminator's update under the skip rule.</summary>
    public bool WillSkipDiscriminator =>
        Options.DiscriminatorSkipThreshold is double t && Steps >= Options.WarmupSteps && RunningDiscriminatorLoss < t;

    /// <summary>Runs the three phases on one batch (see the class remarks for the metrics).</summary>
    /// <param name="batch">Inputs at <see cref="AdversarialTrainingOptions.InputIndex"/> and, for the label-incorporating variant, classes at <see cref="AdversarialTrainingOptions.LabelIndex"/>.</param>
    /// <param name="generator">Source of the prior samples and the reparameterisation noise.</param>
    public IReadOnlyDictionary<string, double> TrainStep(Batch batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(generator);
        var (x, labels) = Inputs(batch);
        var metrics = new Dictionary<string, double>();

        // (1) Reconstruction: encoder + decoder.
        ReconstructionOptimizer.ZeroGrad();
        var recon = _model.ReconstructionLoss(x, generator);
        double r = recon.Item();
        metrics["recon"] = r;
        if (!double.IsFinite(r))
        {
            metrics["loss"] = r;
            return metrics;
        }

        recon.Backward();
        ReconstructionOptimizer.Step();
        bool finite = true;

        // (2) Discriminator: prior samples real, codes fake.
        bool skip = WillSkipDiscriminator;
        DiscriminatorTerms terms;
        if (skip)
        {
            using (Autograd.NoGrad())
            {
                terms = _model.DiscriminatorLoss(x, labels, generator);
            }

            SkippedDiscriminatorSteps++;
        }
        else
        {
            DiscriminatorOptimizer.ZeroGrad();
            terms = _model.DiscriminatorLoss(x, labels, generator);
        }

        double d = terms.Total.Item();
        if (double.IsFinite(d))
        {
            if (!skip)
            {
                terms.Total.Backward();
                DiscriminatorOptimizer.Step();
            }

            double m = Options.RunningLossMomentum;
            RunningDiscriminatorLoss = double.IsNaN(RunningDiscriminatorLoss) ? d : (m * RunningDiscriminatorLoss) + ((1 - m) * d);
        }
        else
        {
            finite = false;
        }

        metrics["disc_loss"] = d;
        metrics["disc_real"] = terms.RealLoss;
        metrics["disc_fake"] = terms.FakeLoss;
        metrics["disc_accuracy"] = terms.Accuracy;
        metrics["disc_updated"] = skip || !finite ? 0 : 1;

        // (3) Generator: the encoder learns to fool the discriminator.
        if (finite && Steps % Options.GeneratorInterval == 0)
        {
            GeneratorOptimizer.ZeroGrad();
            var gen = _model.GeneratorLoss(x, labels, generator);
            double gl = gen.Item();
            metrics["gen_loss"] = gl;
            if (double.IsFinite(gl))
            {
                gen.Backward();
                GeneratorOptimizer.Step();
            }
            else
            {
                finite = false;
            }
        }

        Steps++;
        metrics["loss"] = finite ? r : double.NaN;
        return metrics;
    }

    /// <summary>Evaluates the three losses on a batch without recording gradients or changing any state.</summary>
    /// <param name="batch">As for <see cref="TrainStep"/>.</param>
    /// <param name="generator">Source of the prior samples and the reparameterisation noise.</param>
    public IReadOnlyDictionary<string, double> EvaluateBatch(Batch batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(generator);
        var (x, labels) = Inputs(batch);
        using (Autograd.NoGrad())
        {
            double r = _model.ReconstructionLoss(x, generator).Item();
            var terms = _model.DiscriminatorLoss(x, labels, generator);
            double gl = _model.GeneratorLoss(x, labels, generator).Item();
            return new Dictionary<string, double>
            {
                ["loss"] = r,
                ["recon"] = r,
                ["disc_loss"] = terms.Total.Item(),
                ["disc_accuracy"] = terms.Accuracy,
                ["gen_loss"] = gl,
            };
        }
    }

    /// <summary>The skip rule's running loss, the step counter and the skipped-update count, as float64 scalars.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict() => new Dictionary<string, Tensor>
    {
        [RunningKey] = Tensor.Scalar(RunningDiscriminatorLoss, DType.Float64),
        [StepsKey] = Tensor.Scalar(Steps, DType.Float64),
        [SkippedKey] = Tensor.Scalar(SkippedDiscriminatorSteps, DType.Float64),
    };

    /// <summary>Restores what <see cref="StateDict"/> returned.</summary>
    /// <param name="stateDict">Exactly the entries <c>running_disc_loss</c>, <c>steps</c> and <c>skipped_disc_steps</c>, each with one element.</param>
    /// <exception cref="ArgumentException">An entry is missing, unexpected, not a single value, or a count is not a non-negative integer.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        string[] keys = [RunningKey, StepsKey, SkippedKey];
        var unexpected = stateDict.Keys.Except(keys).ToList();
        var missing = keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        if (unexpected.Count > 0 || missing.Count > 0)
        {
            throw new ArgumentException(
                $"AdversarialAutoencoderObjective: state dict does not fit (missing: [{string.Join(", ", missing)}], unexpected: [{string.Join(", ", unexpected)}]).",
                nameof(stateDict));
        }

        double running = Single(stateDict, RunningKey);
        double steps = Single(stateDict, StepsKey);
        double skipped = Single(stateDict, SkippedKey);
        if (!IsCount(steps) || !IsCount(skipped))
        {
            throw new ArgumentException($"AdversarialAutoencoderObjective: '{StepsKey}' ({steps}) and '{SkippedKey}' ({skipped}) must be non-negative integers.", nameof(stateDict));
        }

        RunningDiscriminatorLoss = running;
        Steps = (long)steps;
        SkippedDiscriminatorSteps = (long)skipped;

        static bool IsCount(double v) => v >= 0 && v == Math.Floor(v) && v < 9e15;
    }

    private static double Single(IReadOnlyDictionary<string, Tensor> stateDict, string key)
    {
        var t = stateDict[key];
        return t.Numel == 1
            ? t.Item()
            : throw new ArgumentException($"AdversarialAutoencoderObjective: state '{key}' must hold one value, got shape {t.Shape}.", nameof(stateDict));
    }

    private (Tensor X, Tensor? Labels) Inputs(Batch batch)
    {
        int needed = Math.Max(Options.InputIndex, _model.IncorporatesLabels ? Options.LabelIndex : 0) + 1;
        if (batch.Count < needed)
        {
            throw new ArgumentException(
                $"AdversarialAutoencoderObjective: the batch has {batch.Count} tensor(s), but inputs are at index {Options.InputIndex}" +
                (_model.IncorporatesLabels ? $" and labels at index {Options.LabelIndex}" : string.Empty) + ".",
                nameof(batch));
        }

        return (batch[Options.InputIndex], _model.IncorporatesLabels ? batch[Options.LabelIndex] : null);
    }
}
