namespace Vae.Core.Optim;

/// <summary>
/// Adamax (Adam with the infinity norm) — PyTorch 1.13's <c>torch.optim.Adamax</c>: g ← ∇ + λ·p;
/// m ← β1·m + (1−β1)·g; u ← max(β2·u, |g| + eps); p ← p − (lr / (1 − β1ᵗ))·m / u.
/// State per parameter: <c>step</c>, <c>exp_avg</c>, <c>exp_inf</c>.
/// </summary>
public sealed class Adamax : Optimizer<AdamaxOptions>
{
    private static readonly string[] BufferNames = ["exp_avg", "exp_inf"];

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">Leaf tensors to optimise (typically <c>module.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Infinity-norm decay.</param>
    /// <param name="eps">Stabiliser added to |g|.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="maximize">Maximize the objective.</param>
    public Adamax(
        IEnumerable<Tensor> parameters, double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool maximize = false)
        : this(parameters, new AdamaxOptions
        {
            LearningRate = lr,
            Beta1 = beta1,
            Beta2 = beta2,
            Eps = eps,
            WeightDecay = weightDecay,
            Maximize = maximize,
        })
    {
    }

    /// <summary>Creates the optimizer with one group using <paramref name="options"/>.</summary>
    public Adamax(IEnumerable<Tensor> parameters, AdamaxOptions options)
        : this([new ParamGroup<AdamaxOptions>(parameters, options)])
    {
    }

    /// <summary>Creates the optimizer over several groups, each with its own options.</summary>
    public Adamax(IEnumerable<ParamGroup<AdamaxOptions>> paramGroups)
        : base(paramGroups)
    {
    }

    /// <inheritdoc />
    protected override IReadOnlyCollection<string> StateBufferNames => BufferNames;

    /// <inheritdoc />
    public override void Step()
    {
        var groups = ParamGroups;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var o = groups[gi].Options;
            o.Validate();
            foreach (var p in groups[gi].ParameterArray)
            {
                if (GetGrad(p) is not Tensor grad)
                {
                    continue;
                }

                var state = GetState(p);
                state.Step++;
                var expAvg = state.GetOrAddBuffer("exp_avg", p);
                var expInf = state.GetOrAddBuffer("exp_inf", p);
                double clr = o.LearningRate / (1 - Math.Pow(o.Beta1, state.Step));
                if (p.DType == DType.Float32)
                {
                    OptimKernels.Adamax(p.Span<float>(), grad.Span<float>(), expAvg.Span<float>(), expInf.Span<float>(),
                        o.Beta1, o.Beta2, o.Eps, o.WeightDecay, clr, o.Maximize);
                }
                else
                {
                    OptimKernels.Adamax(p.Span<double>(), grad.Span<double>(), expAvg.Span<double>(), expInf.Span<double>(),
                        o.Beta1, o.Beta2, o.Eps, o.WeightDecay, clr, o.Maximize);
                }
            }
        }
    }
}
