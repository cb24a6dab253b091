namespace Vae.Core.Optim;

/// <summary>
/// The Adam family (<see cref="Adam"/>, <see cref="AdamW"/>): the shared state (<c>step</c>, <c>exp_avg</c>,
/// <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c> with AMSGrad) and step, which queues every parameter's fused update and
/// runs them as one batch split over the cores. The members differ only in how weight decay is applied.
/// </summary>
/// <typeparam name="TOptions">The family member's hyper-parameters.</typeparam>
public abstract class AdamFamilyOptimizer<TOptions> : Optimizer<TOptions>
    where TOptions : AdamFamilyOptions
{
    private static readonly string[] BufferNames = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];

    private readonly UpdateBatch<AdamUpdate> _batch = new();

    /// <summary>Creates the optimizer over several groups, each with its own options.</summary>
    /// <param name="paramGroups">The parameter groups.</param>
    private protected AdamFamilyOptimizer(IEnumerable<ParamGroup<TOptions>> paramGroups)
        : base(paramGroups)
    {
    }

    /// <inheritdoc />
    protected override IReadOnlyCollection<string> StateBufferNames => BufferNames;

    /// <summary>True for decoupled weight decay (AdamW: p ← p·(1 − lr·λ)), false for an L2 term in the gradient (Adam).</summary>
    private protected abstract bool DecoupledWeightDecay { get; }

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
                        AdamUpdate.Add(
                            _batch, GetState(p), p, grad, o.LearningRate, o.Beta1, o.Beta2, o.Eps, o.WeightDecay, o.Amsgrad, o.Maximize,
                            DecoupledWeightDecay);
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
