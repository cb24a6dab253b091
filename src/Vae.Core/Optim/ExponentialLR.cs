namespace Vae.Core.Optim;

/// <summary>Multiplies each group's learning rate by <see cref="Gamma"/> every epoch (PyTorch's <c>ExponentialLR</c>).</summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">Optimizer whose learning rates are scheduled.</param>
    /// <param name="gamma">Multiplicative decay factor per epoch.</param>
    public ExponentialLR(Optimizer optimizer, double gamma)
        : base(optimizer)
    {
        Gamma = gamma;
    }

    /// <summary>Multiplicative decay factor per epoch.</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc />
    protected override double ComputeLearningRate(int groupIndex, double currentLearningRate) =>
        LastEpoch == 0 ? currentLearningRate : currentLearningRate * Gamma;

    /// <inheritdoc />
    protected override void SaveSettings(IDictionary<string, Tensor> stateDict) => stateDict["gamma"] = StateTensors.Scalar(Gamma);

    /// <inheritdoc />
    protected override Action LoadSettings(IReadOnlyDictionary<string, Tensor> stateDict, ICollection<string> knownKeys, List<string> problems)
    {
        knownKeys.Add("gamma");
        double gamma = StateTensors.ReadScalar(stateDict, "gamma", problems);
        return () => Gamma = gamma;
    }
}
