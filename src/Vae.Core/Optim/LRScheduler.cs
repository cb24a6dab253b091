namespace Vae.Core.Optim;

/// <summary>
/// Base class of epoch-based learning-rate schedules (PyTorch 1.13's <c>_LRScheduler</c>, chainable form). Create
/// the scheduler after the optimizer and call <see cref="Step"/> once per epoch, after that epoch's optimizer steps.
/// Creating it records each group's <see cref="ParamGroup.InitialLearningRate"/> (if not set yet) as its base
/// learning rate and leaves the learning rates unchanged (epoch 0).
/// </summary>
public abstract class LRScheduler
{
    private readonly double[] _baseLrs;
    private double[] _lastLrs;

    /// <summary>Attaches the scheduler to <paramref name="optimizer"/>.</summary>
    protected LRScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups;
        _baseLrs = new double[groups.Count];
        _lastLrs = new double[groups.Count];
        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].InitialLearningRate ??= groups[i].LearningRate;
            _baseLrs[i] = groups[i].InitialLearningRate!.Value;
            _lastLrs[i] = groups[i].LearningRate;
        }
    }

    /// <summary>The optimizer whose learning rates are scheduled.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Number of <see cref="Step"/> calls so far (PyTorch's <c>last_epoch</c>; 0 after construction).</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Each group's initial learning rate.</summary>
    public IReadOnlyList<double> BaseLearningRates => _baseLrs;

    /// <summary>Each group's learning rate as set by the last <see cref="Step"/> (PyTorch's <c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> LastLearningRates => _lastLrs;

    /// <summary>Advances one epoch and sets every group's learning rate.</summary>
    public void Step()
    {
        LastEpoch++;
        var groups = Optimizer.ParamGroups;
        if (groups.Count != _baseLrs.Length)
        {
            throw new InvalidOperationException(
                $"{GetType().Name}: the optimizer has {groups.Count} parameter groups but the scheduler was created with {_baseLrs.Length}.");
        }

        var next = new double[groups.Count];
        for (int i = 0; i < next.Length; i++)
        {
            next[i] = ComputeLearningRate(i, groups[i].LearningRate);
        }

        for (int i = 0; i < next.Length; i++)
        {
            groups[i].LearningRate = next[i];
        }

        _lastLrs = next;
    }

    /// <summary>
    /// A snapshot of the scheduler's state: <c>last_epoch</c>, <c>base_lrs</c> and <c>last_lr</c> (1-D, one entry per
    /// group) and the schedule's own settings, as float64 tensors.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var d = new OrderedDictionary<string, Tensor>
        {
            ["last_epoch"] = StateTensors.Scalar(LastEpoch),
            ["base_lrs"] = StateTensors.Vector(_baseLrs),
            ["last_lr"] = StateTensors.Vector(_lastLrs),
        };
        SaveSettings(d);
        return d;
    }

    /// <summary>
    /// Restores a state produced by <see cref="StateDict"/> of the same kind of scheduler (settings included).
    /// The optimizer's learning rates are not touched: restore them with the optimizer's own state dict.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var problems = new List<string>();
        int lastEpoch = StateTensors.ReadInt(stateDict, "last_epoch", problems);
        var baseLrs = StateTensors.ReadVector(stateDict, "base_lrs", _baseLrs.Length, problems);
        var lastLrs = StateTensors.ReadVector(stateDict, "last_lr", _lastLrs.Length, problems);
        var known = new List<string> { "last_epoch", "base_lrs", "last_lr" };
        var apply = LoadSettings(stateDict, known, problems);
        StateTensors.CheckUnexpected(stateDict, known, problems);
        StateTensors.ThrowIfAny(GetType().Name, problems);

        LastEpoch = lastEpoch;
        baseLrs.CopyTo(_baseLrs, 0);
        _lastLrs = lastLrs;
        apply();
    }

    /// <summary>
    /// The learning rate of group <paramref name="groupIndex"/> for epoch <see cref="LastEpoch"/> (already
    /// incremented), given its current learning rate (chainable form) and <see cref="BaseLearningRates"/>.
    /// </summary>
    protected abstract double ComputeLearningRate(int groupIndex, double currentLearningRate);

    /// <summary>Adds the schedule's settings (PyTorch names) to a state dict.</summary>
    protected abstract void SaveSettings(IDictionary<string, Tensor> stateDict);

    /// <summary>
    /// Reads the schedule's settings from <paramref name="stateDict"/>, adding their keys to <paramref name="knownKeys"/>
    /// and any problem to <paramref name="problems"/>; returns the action that applies them (run only when the whole
    /// dict is valid).
    /// </summary>
    protected abstract Action LoadSettings(IReadOnlyDictionary<string, Tensor> stateDict, ICollection<string> knownKeys, List<string> problems);
}
