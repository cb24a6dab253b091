namespace Vae.Core.Optim;

/// <summary>
/// Multiplies each group's learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> epochs (PyTorch's
/// <c>StepLR</c>): lr = base·γ^⌊epoch / stepSize⌋ when nothing else changes the learning rate.
/// </summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">Optimizer whose learning rates are scheduled.</param>
    /// <param name="stepSize">Period in epochs (≥ 1).</param>
    /// <param name="gamma">Multiplicative decay factor.</param>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Period of the decay in epochs.</summary>
    public int StepSize { get; private set; }

    /// <summary>Multiplicative decay factor.</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc />
    protected override double ComputeLearningRate(int groupIndex, double currentLearningRate) =>
        LastEpoch == 0 || LastEpoch % StepSize != 0 ? currentLearningRate : currentLearningRate * Gamma;

    /// <inheritdoc />
    protected override void SaveSettings(IDictionary<string, Tensor> stateDict)
    {
        stateDict["step_size"] = StateTensors.Scalar(StepSize);
        stateDict["gamma"] = StateTensors.Scalar(Gamma);
    }

    /// <inheritdoc />
    protected override Action LoadSettings(IReadOnlyDictionary<string, Tensor> stateDict, ICollection<string> knownKeys, List<string> problems)
    {
        knownKeys.Add("step_size");
        knownKeys.Add("gamma");
        int stepSize = StateTensors.ReadInt(stateDict, "step_size", problems);
        double gamma = StateTensors.ReadScalar(stateDict, "gamma", problems);
        if (stepSize < 1 && stateDict.ContainsKey("step_size"))
        {
            problems.Add($"\"step_size\" must be >= 1, got {stepSize}");
        }

        return () => (StepSize, Gamma) = (stepSize, gamma);
    }
}
