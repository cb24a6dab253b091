using System.Diagnostics.CodeAnalysis;

namespace Vae.Core.Optim;

/// <summary>
/// An optimizer's per-parameter state: a step count and named buffers of the parameter's shape and dtype (PyTorch
/// names such as <c>exp_avg</c>, <c>momentum_buffer</c>). Created on the first step at which the parameter has a
/// gradient.
/// </summary>
public sealed class ParameterState
{
    private readonly OrderedDictionary<string, Tensor> _buffers = [];

    /// <summary>Number of steps that updated the parameter.</summary>
    public long Step { get; set; }

    /// <summary>The buffers by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Buffers => _buffers;

    /// <summary>Gets a buffer if it exists.</summary>
    public bool TryGetBuffer(string name, [MaybeNullWhen(false)] out Tensor buffer) => _buffers.TryGetValue(name, out buffer);

    /// <summary>Gets a buffer, creating it as zeros of <paramref name="parameter"/>'s shape and dtype if absent.</summary>
    public Tensor GetOrAddBuffer(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_buffers.TryGetValue(name, out var b))
        {
            b = TensorScope.Persist(parameter.ZerosLike());
            _buffers.Add(name, b);
        }

        return b;
    }

    /// <summary>Sets (or replaces) a buffer; it is used as is, not copied.</summary>
    public void SetBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(buffer);
        _buffers[name] = TensorScope.Persist(buffer);
    }
}
