namespace Vae.Core.Optim;

/// <summary>
/// Base class of optimizers: parameter groups with their own hyper-parameters, per-parameter state, and a state
/// dict for checkpoints. Usage per training step: <c>optimizer.ZeroGrad(); loss.Backward(); optimizer.Step();</c>.
/// Parameters whose <see cref="Tensor.Grad"/> is null at a step are skipped (their state does not advance).
/// Derive new optimizers from <see cref="Optimizer{TOptions}"/>.
/// </summary>
public abstract partial class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly Dictionary<Tensor, ParameterState> _state = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Tensor> _allParameters = new(ReferenceEqualityComparer.Instance);

    private protected Optimizer()
    {
    }

    /// <summary>The parameter groups, in order (the learning rate of each is <see cref="ParamGroup.LearningRate"/>).</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>
    /// Names of the per-parameter buffers this optimizer keeps (PyTorch names, e.g. <c>exp_avg</c>); used to
    /// validate state dicts.
    /// </summary>
    protected abstract IReadOnlyCollection<string> StateBufferNames { get; }

    /// <summary>Performs one update of every parameter that has a gradient, in place.</summary>
    public abstract void Step();

    /// <summary>
    /// Clears the gradient (<see cref="Tensor.Grad"/> = null) of every parameter of every group. Gradients that a
    /// backward pass created are released, and inside a <see cref="TensorScope"/> their storage serves the next
    /// backward pass (no allocation per step): clone a gradient to keep its values across steps.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var group in _groups)
        {
            foreach (var p in group.ParameterArray)
            {
                p.ClearGrad();
            }
        }
    }

    /// <summary>The state of <paramref name="parameter"/>, created (step 0, no buffers) on first use.</summary>
    protected ParameterState GetState(Tensor parameter)
    {
        if (!_state.TryGetValue(parameter, out var s))
        {
            s = new ParameterState();
            _state.Add(parameter, s);
        }

        return s;
    }

    /// <summary>
    /// The gradient of <paramref name="parameter"/>, or null when it has none (the parameter is then skipped).
    /// Throws if the gradient's shape or dtype differs from the parameter's.
    /// </summary>
    protected static Tensor? GetGrad(Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var g = parameter.Grad;
        if (g is not null && (g.Shape != parameter.Shape || g.DType != parameter.DType))
        {
            throw new InvalidOperationException(
                $"The gradient ({g.DType.Name()} {g.Shape}) does not match its parameter ({parameter.DType.Name()} {parameter.Shape}).");
        }

        return g;
    }

    private protected void AddGroupCore(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in group.ParameterArray)
        {
            if (_allParameters.Contains(p) || !seen.Add(p))
            {
                throw new ArgumentException(
                    $"A parameter of shape {p.Shape} appears more than once (in one group or in several groups); each parameter may be optimised once.",
                    nameof(group));
            }
        }

        _allParameters.UnionWith(group.ParameterArray);
        _groups.Add(group);
    }
}
