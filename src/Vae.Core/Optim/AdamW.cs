namespace Vae.Core.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay — PyTorch 1.13's <c>torch.optim.AdamW</c>:
/// p ← p·(1 − lr·λ) first, then the Adam update without an L2 term. State as <see cref="Adam"/>.
/// </summary>
public sealed class AdamW : AdamFamilyOptimizer<AdamWOptions>
{
    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">Leaf tensors to optimise (typically <c>module.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="eps">Denominator stabiliser.</param>
    /// <param name="weightDecay">Decoupled weight decay coefficient.</param>
    /// <param name="amsgrad">Use AMSGrad.</param>
    /// <param name="maximize">Maximize the objective.</param>
    public AdamW(
        IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this(parameters, new AdamWOptions
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
    public AdamW(IEnumerable<Tensor> parameters, AdamWOptions options)
        : this([new ParamGroup<AdamWOptions>(parameters, options)])
    {
    }

    /// <summary>Creates the optimizer over several groups, each with its own options.</summary>
    public AdamW(IEnumerable<ParamGroup<AdamWOptions>> paramGroups)
        : base(paramGroups)
    {
    }

    /// <inheritdoc />
    private protected override bool DecoupledWeightDecay => true;
}
