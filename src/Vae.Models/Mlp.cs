using Vae.Core;
using Vae.Core.NN;

namespace Vae.Models;

/// <summary>
/// A multilayer perceptron: Linear layers with an <see cref="Models.Activation"/> between them (none after the last).
/// Parameters are named <c>layers.0.weight</c>, <c>layers.0.bias</c>, <c>layers.1.weight</c>, ….
/// </summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> _layers;

    /// <summary>Creates the network.</summary>
    /// <param name="sizes">Layer widths from input to output, at least two entries (e.g. 784, 400, 40).</param>
    /// <param name="activation">Nonlinearity after every layer but the last.</param>
    /// <param name="generator">Random source for the initial weights.</param>
    /// <param name="activateLast">Also apply the nonlinearity after the last layer.</param>
    public Mlp(IReadOnlyList<int> sizes, Activation activation, Generator generator, bool activateLast = false)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2)
        {
            throw new ArgumentException($"Mlp needs at least an input and an output size, got [{string.Join(", ", sizes)}].", nameof(sizes));
        }

        Sizes = [.. sizes];
        Activation = activation;
        ActivateLast = activateLast;
        _layers = RegisterModule("layers", new ModuleList<Linear>());
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            _layers.Add(new Linear(sizes[i], sizes[i + 1], generator));
        }
    }

    /// <summary>Layer widths from input to output.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>Hidden nonlinearity.</summary>
    public Activation Activation { get; }

    /// <summary>Whether the output is passed through the nonlinearity too.</summary>
    public bool ActivateLast { get; }

    /// <summary>Applies the network.</summary>
    /// <param name="input">[*, Sizes[0]].</param>
    /// <returns>[*, Sizes[^1]].</returns>
    public override Tensor Forward(Tensor input)
    {
        var h = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            h = _layers[i].Forward(h);
            if (i + 1 < _layers.Count || ActivateLast)
            {
                h = Activation.Apply(h);
            }
        }

        return h;
    }
}
