namespace Vae.Core.Optim;

/// <summary>Hyper-parameters of <see cref="Sgd"/> (PyTorch's <c>torch.optim.SGD</c>).</summary>
public sealed record SgdOptions : OptimizerOptions
{
    private static readonly string[] Names = ["momentum", "dampening", "weight_decay", "nesterov", "maximize"];

    /// <summary>Creates options with the default learning rate 1e-3 and no momentum.</summary>
    public SgdOptions() => LearningRate = 1e-3;

    /// <summary>Momentum factor (<c>momentum</c>, ≥ 0; 0 disables the momentum buffer).</summary>
    public double Momentum { get; set; }

    /// <summary>Dampening for momentum (<c>dampening</c>).</summary>
    public double Dampening { get; set; }

    /// <summary>L2 penalty added to the gradient (<c>weight_decay</c>, ≥ 0).</summary>
    public double WeightDecay { get; set; }

    /// <summary>Use Nesterov momentum (<c>nesterov</c>; needs momentum &gt; 0 and dampening 0).</summary>
    public bool Nesterov { get; set; }

    /// <summary>Maximize the objective instead of minimizing it (<c>maximize</c>).</summary>
    public bool Maximize { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        CheckNonNegative(Momentum, "momentum");
        CheckNonNegative(WeightDecay, "weight_decay");
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
        {
            throw new ArgumentException($"Nesterov momentum requires a momentum > 0 and zero dampening (momentum={Momentum}, dampening={Dampening}).");
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> HyperParameterNames => Names;

    /// <inheritdoc />
    protected override bool TryGetHyperParameter(string name, out double value)
    {
        switch (name)
        {
            case "momentum": value = Momentum; return true;
            case "dampening": value = Dampening; return true;
            case "weight_decay": value = WeightDecay; return true;
            case "nesterov": value = Nesterov ? 1 : 0; return true;
            case "maximize": value = Maximize ? 1 : 0; return true;
            default: value = 0; return false;
        }
    }

    /// <inheritdoc />
    protected override bool TrySetHyperParameter(string name, double value)
    {
        switch (name)
        {
            case "momentum": Momentum = value; return true;
            case "dampening": Dampening = value; return true;
            case "weight_decay": WeightDecay = value; return true;
            case "nesterov": Nesterov = value != 0; return true;
            case "maximize": Maximize = value != 0; return true;
            default: return false;
        }
    }
}
