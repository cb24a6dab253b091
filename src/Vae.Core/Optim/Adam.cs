namespace Vae.Core.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba) with optional L2 weight decay and AMSGrad — PyTorch 1.13's <c>torch.optim.Adam</c>:
/// g ← ∇ + λ·p; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; (AMSGrad: v̂ ← max(v̂, v));
/// p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps). State per parameter: <c>step</c>, <c>exp_avg</c>,
/// <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c> (AMSGrad only).
/// </summary>
public sealed class Adam : AdamFamilyOptimizer<AdamOptions>
{
    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">Leaf tensors to optimise (typically <c>module.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="eps">Denominator stabiliser.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="amsgrad">Use AMSGrad.</param>
    /// <param name="maximize">Maximize the objective.</param>
    public Adam(
        IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(parameters, new AdamOptions
        {
            LearningRate = lr,
            Beta1 = beta1,
            Beta2 = beta2,
            Eps = eps,
            WeightDecay = weightDecay,
            Amsgrad = amsgrad,
            Maximize = maximize,
        })
    {
    }

    /// <summary>Creates the optimizer with one group using <paramref name="options"/>.</summary>
    public Adam(IEnumerable<Tensor> parameters, AdamOptions options)
        : this([new ParamGroup<AdamOptions>(parameters, options)])
    {
    }

    /// <summary>Creates the optimizer over several groups, each with its own options.</summary>
    public Adam(IEnumerable<ParamGroup<AdamOptions>> paramGroups)
        : base(paramGroups)
    {
    }

    /// <inheritdoc />
    private protected override bool DecoupledWeightDecay => false;
}
