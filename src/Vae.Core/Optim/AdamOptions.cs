namespace Vae.Core.Optim;

/// <summary>
/// Hyper-parameters of <see cref="Adam"/> (PyTorch's <c>torch.optim.Adam</c>): lr 1e-3, betas (0.9, 0.999), eps 1e-8,
/// weight decay 0 (an L2 penalty added to the gradient).
/// </summary>
public sealed record AdamOptions : AdamFamilyOptions;
