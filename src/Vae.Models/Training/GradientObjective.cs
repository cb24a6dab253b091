using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;

namespace Vae.Models.Training;

/// <summary>
/// The usual objective of a model trained by one optimizer on one loss (VAE, AE, CVAE, IWAE, HVAE): each step clears
/// the gradients, computes the loss, back-propagates, optionally clips the gradient norm, and steps the optimizer.
/// </summary>
/// <remarks>
/// <para>
/// Example (a VAE whose <c>Loss</c> returns total, reconstruction and KL):
/// <code>
/// var objective = new GradientObjective(vae, new Adam(vae.Parameters(), lr: 1e-3),
///     (batch, g) => { var l = vae.Loss(batch[0], g); return new LossOutput(l.Total, l.ToMetrics()); });
/// </code>
/// </para>
/// <para>
/// When the loss is NaN or infinite the step is skipped (no backward pass, no update), so the model keeps its last
/// finite parameters; the returned <c>loss</c> metric is the non-finite value, which makes the <see cref="Trainer"/>'s
/// guard stop the run. Likewise, with clipping, a non-finite gradient norm skips the update (reported as
/// <c>grad_norm</c>).
/// </para>
/// </remarks>
public sealed class GradientObjective : ITrainingObjective
{
    private readonly Func<Batch, Generator, LossOutput> _loss;
    private readonly Optimizer[] _optimizers;

    /// <summary>Creates the objective.</summary>
    /// <param name="model">The model (everything checkpointed; must contain every parameter of <paramref name="optimizer"/>).</param>
    /// <param name="optimizer">The optimizer updating the model.</param>
    /// <param name="loss">
    /// Computes a batch's loss with gradient recording on; all randomness must come from the generator it is given.
    /// </param>
    /// <param name="clipGradNorm">When set, the total 2-norm of the gradients is clipped to this value (&gt; 0) before each step.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipGradNorm"/> is not a positive finite number.</exception>
    public GradientObjective(Module model, Optimizer optimizer, Func<Batch, Generator, LossOutput> loss, double? clipGradNorm = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (clipGradNorm is double c && !(c > 0 && double.IsFinite(c)))
        {
            throw new ArgumentOutOfRangeException(nameof(clipGradNorm), $"GradientObjective: clipGradNorm must be a positive finite number, got {c}.");
        }

        Model = model;
        Optimizer = optimizer;
        ClipGradNorm = clipGradNorm;
        _loss = loss;
        _optimizers = [optimizer];
    }

    /// <inheritdoc />
    public Module Model { get; }

    /// <summary>The optimizer updating <see cref="Model"/>.</summary>
    public Optimizer Optimizer { get; }

    /// <inheritdoc />
    public IReadOnlyList<Optimizer> Optimizers => _optimizers;

    /// <summary>Learning-rate schedules of <see cref="Optimizer"/>, stepped by the trainer once per epoch (none by default).</summary>
    public IReadOnlyList<EpochScheduler> Schedulers { get; init; } = [];

    /// <summary>The gradient-norm clipping threshold, or null for no clipping.</summary>
    public double? ClipGradNorm { get; }

    /// <summary>
    /// One optimisation step. Returns the loss function's metrics with <c>loss</c> set to the total and, with clipping,
    /// <c>grad_norm</c> (the norm before clipping).
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="generator">Randomness of the step, passed to the loss function.</param>
    public IReadOnlyDictionary<string, double> TrainStep(Batch batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(generator);
        Optimizer.ZeroGrad();
        var output = Compute(batch, generator);
        var metrics = Metrics(output, out double total);
        if (!double.IsFinite(total))
        {
            return metrics;
        }

        output.Total.Backward();
        if (ClipGradNorm is double max)
        {
            double norm = ClipGrad.Norm(Model.Parameters(), max);
            metrics["grad_norm"] = norm;
            if (!double.IsFinite(norm))
            {
                Optimizer.ZeroGrad();
                return metrics;
            }
        }

        Optimizer.Step();
        return metrics;
    }

    /// <summary>Computes the loss function's metrics on <paramref name="batch"/> without recording gradients.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="generator">Randomness of the evaluation, passed to the loss function.</param>
    public IReadOnlyDictionary<string, double> EvaluateBatch(Batch batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(generator);
        using (Autograd.NoGrad())
        {
            return Metrics(Compute(batch, generator), out _);
        }
    }

    private LossOutput Compute(Batch batch, Generator generator)
    {
        var output = _loss(batch, generator)
            ?? throw new InvalidOperationException("GradientObjective: the loss function returned null.");
        if (output.Total is null || output.Total.Numel != 1)
        {
            throw new InvalidOperationException(
                $"GradientObjective: the loss must be a tensor with one element, got {(output.Total is null ? "null" : $"shape {output.Total.Shape}")}.");
        }

        return output;
    }

    private static Dictionary<string, double> Metrics(LossOutput output, out double total)
    {
        total = output.Total.Item();
        var metrics = new Dictionary<string, double>();
        if (output.Metrics is not null)
        {
            foreach (var (name, value) in output.Metrics)
            {
                metrics[name] = value;
            }
        }

        metrics["loss"] = total;
        return metrics;
    }
}
