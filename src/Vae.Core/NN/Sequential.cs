using System.Collections;
using System.Globalization;

namespace Vae.Core.NN;

/// <summary>
/// A chain of tensor-to-tensor modules applied in order. Children are named <c>"0"</c>, <c>"1"</c>, … (so parameters
/// are <c>0.weight</c>, <c>2.bias</c>, … as in PyTorch) unless added with an explicit name.
/// </summary>
/// <example>
/// <code>
/// var mlp = new Sequential(new Linear(784, 400, g), new Dropout(0.2, g), new Linear(400, 20, g));
/// var y = mlp.Forward(x);
/// </code>
/// </example>
public sealed class Sequential : Module<Tensor, Tensor>, IReadOnlyList<Module<Tensor, Tensor>>
{
    private readonly List<Module<Tensor, Tensor>> _layers = [];

    /// <summary>Creates the chain from <paramref name="modules"/>, named "0", "1", … in order.</summary>
    public Sequential(params Module<Tensor, Tensor>[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            Add(m);
        }
    }

    /// <summary>Number of modules in the chain.</summary>
    public int Count => _layers.Count;

    /// <summary>The module at position <paramref name="index"/> (negative counts from the end).</summary>
    public Module<Tensor, Tensor> this[int index]
    {
        get
        {
            int i = index < 0 ? index + _layers.Count : index;
            if (i < 0 || i >= _layers.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is out of range for a Sequential of {_layers.Count} modules.");
            }

            return _layers[i];
        }
    }

    /// <summary>Appends <paramref name="module"/>, named by its position ("0", "1", …).</summary>
    /// <returns>This chain, for fluent building.</returns>
    public Sequential Add(Module<Tensor, Tensor> module) => Add(_layers.Count.ToString(CultureInfo.InvariantCulture), module);

    /// <summary>Appends <paramref name="module"/> under an explicit <paramref name="name"/> (unique, no dots).</summary>
    /// <returns>This chain, for fluent building.</returns>
    public Sequential Add(string name, Module<Tensor, Tensor> module)
    {
        RegisterModule(name, module);
        _layers.Add(module);
        return this;
    }

    /// <summary>Applies the modules in order.</summary>
    /// <param name="input">Input of the first module (any shape it accepts).</param>
    /// <returns>Output of the last module (the input itself when the chain is empty).</returns>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }

    /// <inheritdoc />
    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() => _layers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
