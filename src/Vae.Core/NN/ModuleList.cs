using System.Collections;
using System.Globalization;

namespace Vae.Core.NN;

/// <summary>
/// An indexable list of child modules named <c>"0"</c>, <c>"1"</c>, … (PyTorch's <c>nn.ModuleList</c>), for
/// stacks you iterate yourself, e.g. a sequence of flow layers. Has no forward of its own.
/// </summary>
/// <typeparam name="TModule">Element type (e.g. <c>Module&lt;Tensor, Tensor&gt;</c> or a concrete layer type).</typeparam>
public sealed class ModuleList<TModule> : Module, IReadOnlyList<TModule>
    where TModule : Module
{
    private readonly List<TModule> _items = [];

    /// <summary>Creates the list from <paramref name="modules"/>, named "0", "1", … in order.</summary>
    public ModuleList(params TModule[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            Add(m);
        }
    }

    /// <summary>Number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>The module at position <paramref name="index"/>.</summary>
    public TModule this[int index] => _items[index];

    /// <summary>Appends <paramref name="module"/>, named by its position.</summary>
    /// <returns>This list, for fluent building.</returns>
    public ModuleList<TModule> Add(TModule module)
    {
        RegisterModule(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    /// <inheritdoc />
    public IEnumerator<TModule> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
