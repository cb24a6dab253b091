namespace Vae.Core.Optim;

/// <summary>
/// RMSprop — PyTorch 1.13's <c>torch.optim.RMSprop</c>: g ← ∇ + λ·p; s ← α·s + (1−α)·g²; centred:
/// a ← α·a + (1−α)·g and avg = √(s − a²) + eps, else avg = √s + eps; with momentum μ &gt; 0: b ← μ·b + g/avg and
/// p ← p − lr·b, else p ← p − lr·g/avg. State per parameter: <c>step</c>, <c>square_avg</c>,
/// <c>grad_avg</c> (centred), <c>momentum_buffer</c> (momentum).
/// </summary>
public sealed class RmsProp : Optimizer<RmsPropOptions>
{
    private static readonly string[] BufferNames = ["square_avg", "grad_avg", "momentum_buffer"];

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">Leaf tensors to optimise (typically <c>module.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="alpha">Smoothing constant.</param>
    /// <param name="eps">Denominator stabiliser.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="centered">Normalise by the estimated variance.</param>
    /// <param name="maximize">Maximize the objective.</param>
    public RmsProp(
        IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : this(parameters, new RmsPropOptions
        {
            LearningRate = lr,
            Alpha = alpha,
            Eps = eps,
            WeightDecay = weightDecay,
            Momentum = momentum,
            Centered = centered,
            Maximize = maximize,
        })
    {
    }

    /// <summary>Creates the optimizer with one group using <paramref name="options"/>.</summary>
    public RmsProp(IEnumerable<Tensor> parameters, RmsPropOptions options)
        : this([new ParamGroup<RmsPropOptions>(parameters, options)])
    {
    }

    /// <summary>Creates the optimizer over several groups, each with its own options.</summary>
    public RmsProp(IEnumerable<ParamGroup<RmsPropOptions>> paramGroups)
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
                var sq = state.GetOrAddBuffer("square_avg", p);
                var ga = o.Centered ? state.GetOrAddBuffer("grad_avg", p) : null;
                var mb = o.Momentum > 0 ? state.GetOrAddBuffer("momentum_buffer", p) : null;
                if (p.DType == DType.Float32)
                {
                    OptimKernels.RmsProp(p.Span<float>(), grad.Span<float>(), sq.Span<float>(),
                        ga is null ? default : ga.Span<float>(), mb is null ? default : mb.Span<float>(),
                        o.LearningRate, o.Alpha, o.Eps, o.WeightDecay, o.Momentum, o.Centered, o.Maximize);
                }
                else
                {
                    OptimKernels.RmsProp(p.Span<double>(), grad.Span<double>(), sq.Span<double>(),
                        ga is null ? default : ga.Span<double>(), mb is null ? default : mb.Span<double>(),
                        o.LearningRate, o.Alpha, o.Eps, o.WeightDecay, o.Momentum, o.Centered, o.Maximize);
                }
            }
        }
    }
}
