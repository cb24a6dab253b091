namespace Vae.Core.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay — PyTorch 1.13's <c>torch.optim.AdamW</c>:
/// p ← p·(1 − lr·λ) first, then the Adam update without an L2 term. State as <see cref="Adam"/>.
/// </summary>
public sealed class AdamW : Optimizer<AdamWOptions>
{
    private static readonly string[] BufferNames = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];

    private readonly UpdateBatch<AdamUpdate> _batch = new();

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
    protected override IReadOnlyCollection<string> StateBufferNames => BufferNames;

    /// <inheritdoc />
    public override void Step()
    {
        // Every update is queued and run as one batch; parameters queued before an error are still updated.
        try
        {
            var groups = ParamGroups;
            for (int gi = 0; gi < groups.Count; gi++)
            {
                var o = groups[gi].Options;
                o.Validate();
                foreach (var p in groups[gi].ParameterArray)
                {
                    if (GetGrad(p) is Tensor grad)
                    {
                        AdamUpdate.Add(_batch, GetState(p), p, grad, o.LearningRate, o.Beta1, o.Beta2, o.Eps, o.WeightDecay, o.Amsgrad, o.Maximize, decoupled: true);
                    }
                }
            }
        }
        finally
        {
            _batch.Run();
        }
    }
}
