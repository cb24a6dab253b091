using Vae.Core;
using Vae.Core.Optim;

namespace Vae.Models.Training;

/// <summary>
/// A learning-rate schedule the <see cref="Trainer"/> steps once per epoch and saves in checkpoints: either an
/// epoch-based <see cref="LRScheduler"/> (<see cref="StepLR"/>, <see cref="ExponentialLR"/>, …) or a
/// <see cref="ReduceLROnPlateau"/> fed with a metric of the epoch. Both convert implicitly, so
/// <c>Schedulers = [stepLr, plateau]</c> works.
/// </summary>
public sealed class EpochScheduler
{
    private readonly LRScheduler? _schedule;
    private readonly ReduceLROnPlateau? _plateau;

    private EpochScheduler(LRScheduler? schedule, ReduceLROnPlateau? plateau, string? metric)
    {
        _schedule = schedule;
        _plateau = plateau;
        Metric = metric;
    }

    /// <summary>The optimizer whose learning rates are scheduled.</summary>
    public Optimizer Optimizer => _schedule?.Optimizer ?? _plateau!.Optimizer;

    /// <summary>
    /// For a plateau schedule, the epoch metric it watches (a name of <see cref="EpochRecord.ToDictionary"/>, e.g.
    /// <c>val_loss</c>); null means the trainer's monitored metric. Null for other schedules.
    /// </summary>
    public string? Metric { get; }

    /// <summary>The wrapped scheduler's type name (<c>StepLR</c>, <c>ReduceLROnPlateau</c>, …), stored in checkpoints.</summary>
    public string Kind => _schedule?.GetType().Name ?? nameof(ReduceLROnPlateau);

    /// <summary>Wraps an epoch-based schedule.</summary>
    /// <param name="scheduler">The schedule.</param>
    public static EpochScheduler From(LRScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        return new EpochScheduler(scheduler, null, null);
    }

    /// <summary>Wraps a plateau schedule stepped with an epoch metric.</summary>
    /// <param name="scheduler">The schedule (its mode must match the metric's direction).</param>
    /// <param name="metric">The metric to feed it (e.g. <c>val_loss</c>); null for the trainer's monitored metric.</param>
    public static EpochScheduler OnPlateau(ReduceLROnPlateau scheduler, string? metric = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        if (metric is not null && metric.Length == 0)
        {
            throw new ArgumentException("EpochScheduler.OnPlateau: the metric name must not be empty (pass null for the trainer's monitored metric).", nameof(metric));
        }

        return new EpochScheduler(null, scheduler, metric);
    }

    /// <summary>Wraps an epoch-based schedule (same as <see cref="From"/>).</summary>
    /// <param name="scheduler">The schedule.</param>
    public static implicit operator EpochScheduler(LRScheduler scheduler) => From(scheduler);

    /// <summary>Wraps a plateau schedule watching the trainer's monitored metric (same as <see cref="OnPlateau"/>).</summary>
    /// <param name="scheduler">The schedule.</param>
    public static implicit operator EpochScheduler(ReduceLROnPlateau scheduler) => OnPlateau(scheduler);

    /// <summary>Advances one epoch; a plateau schedule reads its metric from <paramref name="record"/>.</summary>
    internal void Step(EpochRecord record, string monitor)
    {
        if (_schedule is not null)
        {
            _schedule.Step();
            return;
        }

        string name = Metric ?? monitor;
        if (!record.TryGetMetric(name, out double value))
        {
            throw new InvalidOperationException(
                $"ReduceLROnPlateau watches the metric '{name}', which epoch {record.Epoch} does not have (it has {string.Join(", ", record.ToDictionary().Keys)}).");
        }

        _plateau!.Step(value);
    }

    internal IReadOnlyDictionary<string, Tensor> StateDict() => _schedule?.StateDict() ?? _plateau!.StateDict();

    internal void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        if (_schedule is not null)
        {
            _schedule.LoadStateDict(stateDict);
        }
        else
        {
            _plateau!.LoadStateDict(stateDict);
        }
    }
}
