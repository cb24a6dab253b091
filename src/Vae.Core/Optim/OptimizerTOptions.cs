namespace Vae.Core.Optim;

/// <summary>
/// Base class of optimizers whose groups carry hyper-parameters of type <typeparamref name="TOptions"/>.
/// </summary>
/// <typeparam name="TOptions">The optimizer's options record.</typeparam>
public abstract class Optimizer<TOptions> : Optimizer
    where TOptions : OptimizerOptions
{
    private readonly List<ParamGroup<TOptions>> _typedGroups = [];

    /// <summary>Creates the optimizer over <paramref name="paramGroups"/> (at least one parameter in total; no parameter twice).</summary>
    protected Optimizer(IEnumerable<ParamGroup<TOptions>> paramGroups)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        int count = 0;
        foreach (var g in paramGroups)
        {
            AddParamGroup(g);
            count += g.Parameters.Count;
        }

        if (count == 0)
        {
            throw new ArgumentException($"{GetType().Name} got an empty parameter list.", nameof(paramGroups));
        }
    }

    /// <summary>The parameter groups with their typed options.</summary>
    public new IReadOnlyList<ParamGroup<TOptions>> ParamGroups => _typedGroups;

    /// <summary>Adds a group (e.g. layers unfrozen during fine-tuning); its parameters must not already be optimised.</summary>
    public void AddParamGroup(ParamGroup<TOptions> group)
    {
        AddGroupCore(group);
        _typedGroups.Add(group);
    }
}
