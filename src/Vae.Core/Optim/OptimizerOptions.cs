namespace Vae.Core.Optim;

/// <summary>
/// Hyper-parameters of one parameter group of an optimizer (learning rate plus the optimizer's own, e.g.
/// <see cref="AdamOptions"/>). Options are records: derive per-group variants with <c>with</c>, e.g.
/// <c>defaults with { LearningRate = 1e-4 }</c>. A <see cref="ParamGroup{TOptions}"/> keeps its own copy, which may be
/// changed between steps (schedulers change <see cref="LearningRate"/>).
/// </summary>
public abstract record OptimizerOptions
{
    /// <summary>Learning rate (PyTorch name <c>lr</c>); must be ≥ 0.</summary>
    public double LearningRate { get; set; }

    /// <summary>Names of the hyper-parameters (PyTorch spelling: <c>lr</c>, <c>betas.0</c>, <c>weight_decay</c>, …), as used in state dicts.</summary>
    public IReadOnlyList<string> GetHyperParameterNames() => ["lr", .. HyperParameterNames];

    /// <summary>The value of a hyper-parameter by its PyTorch name (booleans as 0 or 1).</summary>
    public double GetHyperParameter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "lr")
        {
            return LearningRate;
        }

        return TryGetHyperParameter(name, out double v) ? v : throw Unknown(name);
    }

    /// <summary>Sets a hyper-parameter by its PyTorch name (booleans: non-zero is true).</summary>
    public void SetHyperParameter(string name, double value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "lr")
        {
            LearningRate = value;
        }
        else if (!TrySetHyperParameter(name, value))
        {
            throw Unknown(name);
        }
    }

    /// <summary>
    /// Checks the values (PyTorch's rules, e.g. lr ≥ 0, 0 ≤ beta &lt; 1) and throws <see cref="ArgumentException"/>
    /// naming the offending one. Called when a group is created, on every step and after loading state.
    /// </summary>
    public virtual void Validate()
    {
        if (!(LearningRate >= 0))
        {
            throw new ArgumentException($"Invalid learning rate: {LearningRate} (must be >= 0).");
        }
    }

    /// <summary>Names of the hyper-parameters other than <c>lr</c>, PyTorch spelling.</summary>
    protected abstract IReadOnlyList<string> HyperParameterNames { get; }

    /// <summary>Reads a hyper-parameter other than <c>lr</c>; false if the name is unknown.</summary>
    protected abstract bool TryGetHyperParameter(string name, out double value);

    /// <summary>Writes a hyper-parameter other than <c>lr</c>; false if the name is unknown.</summary>
    protected abstract bool TrySetHyperParameter(string name, double value);

    /// <summary>Throws unless <paramref name="value"/> ≥ 0.</summary>
    private protected static void CheckNonNegative(double value, string what)
    {
        if (!(value >= 0))
        {
            throw new ArgumentException($"Invalid {what} value: {value} (must be >= 0).");
        }
    }

    /// <summary>Throws unless 0 ≤ <paramref name="beta"/> &lt; 1.</summary>
    private protected static void CheckBeta(double beta, int index)
    {
        if (!(beta >= 0 && beta < 1))
        {
            throw new ArgumentException($"Invalid beta parameter at index {index}: {beta} (must be in [0, 1)).");
        }
    }

    internal OptimizerOptions Copy() => this with { };

    private ArgumentException Unknown(string name) =>
        new($"{GetType().Name} has no hyper-parameter \"{name}\"; known: {string.Join(", ", GetHyperParameterNames())}.", nameof(name));
}
