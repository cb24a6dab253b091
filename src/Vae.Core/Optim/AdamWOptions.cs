namespace Vae.Core.Optim;

/// <summary>
/// Hyper-parameters of <see cref="AdamW"/> (PyTorch's <c>torch.optim.AdamW</c>): lr 1e-3, betas (0.9, 0.999), eps 1e-8,
/// weight decay 0.01, decoupled: parameters are multiplied by 1 − lr·weight_decay each step.
/// </summary>
public sealed record AdamWOptions : AdamFamilyOptions
{
    /// <summary>Creates options with PyTorch's AdamW defaults.</summary>
    public AdamWOptions() => WeightDecay = 0.01;
}
