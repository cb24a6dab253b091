namespace Vae.Core.Optim;

/// <summary>
/// A set of parameters an optimizer updates with the same hyper-parameters. Create groups as
/// <see cref="ParamGroup{TOptions}"/>; this base exposes what every optimizer and scheduler shares.
/// </summary>
public abstract class ParamGroup
{
    private readonly Tensor[] _parameters;

    private protected ParamGroup(IEnumerable<Tensor> parameters, OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        _parameters = [.. parameters];
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i] ?? throw new ArgumentException($"Parameter {i} of the group is null.", nameof(parameters));
            if (!p.IsLeaf)
            {
                throw new ArgumentException(
                    $"Parameter {i} (shape {p.Shape}) was produced by '{p.GradFnName}': optimizers update leaves only (use a Parameter or a Detach()ed tensor).",
                    nameof(parameters));
            }
        }

        Options = options.Copy();
        Options.Validate();
    }

    /// <summary>The parameters (leaf tensors, updated in place), in order.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The group's learning rate (schedulers change it between steps).</summary>
    public double LearningRate
    {
        get => Options.LearningRate;
        set => Options.LearningRate = value;
    }

    /// <summary>
    /// The learning rate a scheduler started from (PyTorch's <c>initial_lr</c>): set by the first scheduler attached
    /// to the optimizer, null before.
    /// </summary>
    public double? InitialLearningRate { get; set; }

    /// <summary>The group's hyper-parameters (a private copy; changes take effect at the next step).</summary>
    public OptimizerOptions Options { get; }

    internal Tensor[] ParameterArray => _parameters;
}
