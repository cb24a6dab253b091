namespace Vae.Core.Optim;

/// <summary>
/// The hyper-parameters shared by <see cref="AdamOptions"/> and <see cref="AdamWOptions"/> (betas, eps, weight decay,
/// AMSGrad, maximize) with PyTorch's names; the two differ in how <see cref="WeightDecay"/> is applied and in its default.
/// </summary>
public abstract record AdamFamilyOptions : OptimizerOptions
{
    private static readonly string[] Names = ["betas.0", "betas.1", "eps", "weight_decay", "amsgrad", "maximize"];

    /// <summary>Sets the learning rate default of 1e-3.</summary>
    protected AdamFamilyOptions() => LearningRate = 1e-3;

    /// <summary>Decay rate of the first-moment average (<c>betas.0</c>, in [0, 1)).</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Decay rate of the second-moment average (<c>betas.1</c>, in [0, 1)).</summary>
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Term added to the denominator for numerical stability (<c>eps</c>, ≥ 0).</summary>
    public double Eps { get; set; } = 1e-8;

    /// <summary>Weight decay (<c>weight_decay</c>, ≥ 0): an L2 penalty added to the gradient for Adam, decoupled decay (parameters × (1 − lr·weight_decay)) for AdamW.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Use the AMSGrad variant, which normalises by the running maximum of the second moment (<c>amsgrad</c>).</summary>
    public bool Amsgrad { get; set; }

    /// <summary>Maximize the objective instead of minimizing it (<c>maximize</c>).</summary>
    public bool Maximize { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        CheckNonNegative(Eps, "epsilon");
        CheckBeta(Beta1, 0);
        CheckBeta(Beta2, 1);
        CheckNonNegative(WeightDecay, "weight_decay");
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> HyperParameterNames => Names;

    /// <inheritdoc />
    protected override bool TryGetHyperParameter(string name, out double value)
    {
        switch (name)
        {
            case "betas.0": value = Beta1; return true;
            case "betas.1": value = Beta2; return true;
            case "eps": value = Eps; return true;
            case "weight_decay": value = WeightDecay; return true;
            case "amsgrad": value = Amsgrad ? 1 : 0; return true;
            case "maximize": value = Maximize ? 1 : 0; return true;
            default: value = 0; return false;
        }
    }

    /// <inheritdoc />
    protected override bool TrySetHyperParameter(string name, double value)
    {
        switch (name)
        {
            case "betas.0": Beta1 = value; return true;
            case "betas.1": Beta2 = value; return true;
            case "eps": Eps = value; return true;
            case "weight_decay": WeightDecay = value; return true;
            case "amsgrad": Amsgrad = value != 0; return true;
            case "maximize": Maximize = value != 0; return true;
            default: return false;
        }
    }
}
