using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;

namespace Vae.Models.Training;

/// <summary>
/// What a <see cref="Trainer"/> trains: a model, the optimizers (and schedulers) that update it, and how one batch is
/// trained on and evaluated. The trainer owns the loop (epochs, validation, checkpoints, early stopping, the NaN guard,
/// progress); the objective owns the mathematics of a step. A single-loss model (VAE, AE, CVAE, IWAE, HVAE) uses the
/// ready-made <see cref="GradientObjective"/>; models with several optimizers or phases (adversarial autoencoders:
/// reconstruction, then discriminator, then generator steps) implement this interface themselves.
/// </summary>
/// <remarks>
/// <para>
/// For checkpoints to resume bit-exactly, everything that changes during training must be reachable from here:
/// parameters and buffers through <see cref="Model"/> (every parameter an optimizer updates must belong to it),
/// optimizer and scheduler state through <see cref="Optimizers"/> and <see cref="Schedulers"/>, and any state of the
/// objective itself (a phase counter, a running loss used to decide whether to skip a discriminator update) through
/// <see cref="StateDict"/> / <see cref="LoadStateDict"/>. All randomness of a step must come from the generator passed
/// to <see cref="TrainStep"/> (or from the <see cref="DataLoader"/>'s own generator).
/// </para>
/// </remarks>
public interface ITrainingObjective
{
    /// <summary>
    /// The module holding everything to checkpoint (the whole model with all submodules: encoder, decoder,
    /// discriminator, learnable prior, …). Saved under the <c>model.</c> prefix of a checkpoint.
    /// </summary>
    Module Model { get; }

    /// <summary>The optimizers the objective steps, in a fixed order (saved as <c>optimizer.{i}.</c>).</summary>
    IReadOnlyList<Optimizer> Optimizers { get; }

    /// <summary>
    /// Learning-rate schedules stepped by the trainer once per epoch, after validation (saved as
    /// <c>scheduler.{i}.</c>). Empty by default.
    /// </summary>
    IReadOnlyList<EpochScheduler> Schedulers => [];

    /// <summary>
    /// Trains on one batch: clears gradients, computes the loss(es), back-propagates and steps the optimizer(s), in
    /// whatever order and number of phases the model needs. Called with <see cref="Model"/> in training mode.
    /// </summary>
    /// <param name="batch">The batch (tensors of shape <c>[batch.Size, ...]</c>).</param>
    /// <param name="generator">The source of all randomness of the step (sampling, dropout, noise).</param>
    /// <returns>
    /// Metrics of the step, averaged over the batch; must contain <c>"loss"</c> (the value the NaN guard watches).
    /// The trainer averages each metric over an epoch weighted by batch size.
    /// </returns>
    IReadOnlyDictionary<string, double> TrainStep(Batch batch, Generator generator);

    /// <summary>
    /// Evaluates one validation batch without recording gradients or changing any state. Called with
    /// <see cref="Model"/> in evaluation mode.
    /// </summary>
    /// <param name="batch">The batch (tensors of shape <c>[batch.Size, ...]</c>).</param>
    /// <param name="generator">The source of all randomness of the evaluation.</param>
    /// <returns>Metrics averaged over the batch (typically the same names as <see cref="TrainStep"/> returns).</returns>
    IReadOnlyDictionary<string, double> EvaluateBatch(Batch batch, Generator generator);

    /// <summary>
    /// State of the objective itself that a resumed run needs (not the model's or optimizers'), as named tensors
    /// (saved as <c>objective.{name}</c>). Empty by default.
    /// </summary>
    IReadOnlyDictionary<string, Tensor> StateDict() => new Dictionary<string, Tensor>();

    /// <summary>
    /// Restores what <see cref="StateDict"/> returned. Throw <see cref="ArgumentException"/> naming the problem when the
    /// dict does not fit. The default accepts only an empty dict.
    /// </summary>
    /// <param name="stateDict">Named tensors as produced by <see cref="StateDict"/>.</param>
    void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (stateDict.Count > 0)
        {
            throw new ArgumentException(
                $"{GetType().Name} keeps no state of its own, but the state dict has {stateDict.Count} entries ({string.Join(", ", stateDict.Keys.Take(5))}).",
                nameof(stateDict));
        }
    }
}
