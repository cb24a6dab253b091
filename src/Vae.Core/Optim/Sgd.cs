namespace Vae.Core.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay — PyTorch
/// 1.13's <c>torch.optim.SGD</c>: g ← ∇ (negated when maximizing) + λ·p; with momentum μ, b ← g on the first step
/// and b ← μ·b + (1 − dampening)·g afterwards, g ← g + μ·b (Nesterov) or g ← b; p ← p − lr·g.
/// State per parameter: <c>momentum_buffer</c> (only with momentum).
/// </summary>
public sealed class Sgd : Optimizer<SgdOptions>
{
    private static readonly string[] BufferNames = ["momentum_buffer"];

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">Leaf tensors to optimise (typically <c>module.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum factor (0 disables momentum).</param>
    /// <param name="dampening">Dampening for momentum.</param>
    /// <param name="weightDecay">L2 penalty.</param>
    /// <param name="nesterov">Use Nesterov momentum.</param>
    /// <param name="maximize">Maximize the objective.</param>
    public Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(parameters, new SgdOptions
        {
            LearningRate = lr,
            Momentum = momentum,
            Dampening = dampening,
            WeightDecay = weightDecay,
            Nesterov = nesterov,
            Maximize = maximize,
        })
    {
    }

    /// <summary>Creates the optimizer with one group using <paramref name="options"/>.</summary>
    public Sgd(IEnumerable<Tensor> parameters, SgdOptions options)
        : this([new ParamGroup<SgdOptions>(parameters, options)])
    {
    }

    /// <summary>Creates the optimizer over several groups, each with its own options.</summary>
    public Sgd(IEnumerable<ParamGroup<SgdOptions>> paramGroups)
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
            var group = groups[gi];
            var o = group.Options;
            o.Validate();
            foreach (var p in group.ParameterArray)
            {
                if (GetGrad(p) is not Tensor grad)
                {
                    continue;
                }

                var state = GetState(p);
                state.Step++;
                Tensor? buffer = null;
                bool init = false;
                if (o.Momentum != 0 && !state.TryGetBuffer("momentum_buffer", out buffer))
                {
                    buffer = state.GetOrAddBuffer("momentum_buffer", p);
                    init = true;
                }

                if (p.DType == DType.Float32)
                {
                    OptimKernels.Sgd(p.Span<float>(), grad.Span<float>(), buffer is null ? default : buffer.Span<float>(),
                        o.LearningRate, o.WeightDecay, o.Momentum, o.Dampening, o.Nesterov, o.Maximize, init);
                }
                else
                {
                    OptimKernels.Sgd(p.Span<double>(), grad.Span<double>(), buffer is null ? default : buffer.Span<double>(),
                        o.LearningRate, o.WeightDecay, o.Momentum, o.Dampening, o.Nesterov, o.Maximize, init);
                }
            }
        }
    }
}
