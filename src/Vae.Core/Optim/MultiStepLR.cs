namespace Vae.Core.Optim;

/// <summary>
/// Multiplies each group's learning rate by <see cref="Gamma"/> when the epoch reaches a milestone (PyTorch's
/// <c>MultiStepLR</c>); a milestone listed k times multiplies by γᵏ.
/// </summary>
public sealed class MultiStepLR : LRScheduler
{
    private int[] _milestones;

    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">Optimizer whose learning rates are scheduled.</param>
    /// <param name="milestones">Epochs at which to decay (non-decreasing; repeats allowed).</param>
    /// <param name="gamma">Multiplicative decay factor.</param>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = [.. milestones];
        Array.Sort(_milestones);
        Gamma = gamma;
    }

    /// <summary>The milestones, sorted (repeats kept).</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <summary>Multiplicative decay factor.</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc />
    protected override double ComputeLearningRate(int groupIndex, double currentLearningRate)
    {
        int count = 0;
        foreach (int m in _milestones)
        {
            count += m == LastEpoch ? 1 : 0;
        }

        return count == 0 ? currentLearningRate : currentLearningRate * Math.Pow(Gamma, count);
    }

    /// <inheritdoc />
    protected override void SaveSettings(IDictionary<string, Tensor> stateDict)
    {
        stateDict["milestones"] = StateTensors.Vector(Array.ConvertAll(_milestones, m => (double)m));
        stateDict["gamma"] = StateTensors.Scalar(Gamma);
    }

    /// <inheritdoc />
    protected override Action LoadSettings(IReadOnlyDictionary<string, Tensor> stateDict, ICollection<string> knownKeys, List<string> problems)
    {
        knownKeys.Add("milestones");
        knownKeys.Add("gamma");
        var ms = StateTensors.ReadVector(stateDict, "milestones", null, problems);
        double gamma = StateTensors.ReadScalar(stateDict, "gamma", problems);
        var milestones = new int[ms.Length];
        for (int i = 0; i < ms.Length; i++)
        {
            if (ms[i] != Math.Floor(ms[i]))
            {
                problems.Add($"\"milestones\" must hold integers, got {ms[i]}");
                break;
            }

            milestones[i] = (int)ms[i];
        }

        Array.Sort(milestones);
        return () => (_milestones, Gamma) = (milestones, gamma);
    }
}
