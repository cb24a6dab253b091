namespace Vae.Core.Optim;

/// <summary>Hyper-parameters of <see cref="RmsProp"/> (PyTorch's <c>torch.optim.RMSprop</c>).</summary>
public sealed record RmsPropOptions : OptimizerOptions
{
    private static readonly string[] Names = ["alpha", "eps", "weight_decay", "momentum", "centered", "maximize"];

    /// <summary>Creates options with PyTorch's defaults (lr 1e-2, alpha 0.99, eps 1e-8).</summary>
    public RmsPropOptions() => LearningRate = 1e-2;

    /// <summary>Smoothing constant of the squared-gradient average (<c>alpha</c>, ≥ 0).</summary>
    public double Alpha { get; set; } = 0.99;

    /// <summary>Term added to the denominator for numerical stability (<c>eps</c>, ≥ 0).</summary>
    public double Eps { get; set; } = 1e-8;

    /// <summary>L2 penalty added to the gradient (<c>weight_decay</c>, ≥ 0).</summary>
    public double WeightDecay { get; set; }

    /// <summary>Momentum factor (<c>momentum</c>, ≥ 0).</summary>
    public double Momentum { get; set; }

    /// <summary>Normalise by an estimate of the gradient's variance instead of its second moment (<c>centered</c>).</summary>
    public bool Centered { get; set; }

    /// <summary>Maximize the objective instead of minimizing it (<c>maximize</c>).</summary>
    public bool Maximize { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        CheckNonNegative(Eps, "epsilon");
        CheckNonNegative(Momentum, "momentum");
        CheckNonNegative(WeightDecay, "weight_decay");
        CheckNonNegative(Alpha, "alpha");
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> HyperParameterNames => Names;

    /// <inheritdoc />
    protected override bool TryGetHyperParameter(string name, out double value)
    {
        switch (name)
        {
            case "alpha": value = Alpha; return true;
            case "eps": value = Eps; return true;
            case "weight_decay": value = WeightDecay; return true;
            case "momentum": value = Momentum; return true;
            case "centered": value = Centered ? 1 : 0; return true;
            case "maximize": value = Maximize ? 1 : 0; return true;
            default: value = 0; return false;
        }
    }

    /// <inheritdoc />
    protected override bool TrySetHyperParameter(string name, double value)
    {
        switch (name)
        {
            case "alpha": Alpha = value; return true;
            case "eps": Eps = value; return true;
            case "weight_decay": WeightDecay = value; return true;
            case "momentum": Momentum = value; return true;
            case "centered": Centered = value != 0; return true;
            case "maximize": Maximize = value != 0; return true;
            default: return false;
        }
    }
}
