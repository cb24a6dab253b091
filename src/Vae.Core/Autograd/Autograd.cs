namespace Vae.Core;

/// <summary>
/// Grad mode and functional gradients. <c>using (Autograd.NoGrad()) { ... }</c> disables recording on the current
/// thread; <see cref="Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, bool, bool, bool?)"/>
/// returns gradients without touching <see cref="Tensor.Grad"/>, optionally differentiable themselves.
/// </summary>
public static class Autograd
{
    [ThreadStatic]
    private static bool _disabled;

    /// <summary>Whether operations on the current thread are recorded for differentiation.</summary>
    public static bool IsGradEnabled => !_disabled;

    /// <summary>Disables gradient recording on this thread until the returned scope is disposed.</summary>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Enables gradient recording on this thread until the returned scope is disposed.</summary>
    public static GradModeScope EnableGrad() => new(enabled: true);

    /// <summary>
    /// Gradients of <paramref name="outputs"/> w.r.t. <paramref name="inputs"/> (leaves or intermediate tensors).
    /// </summary>
    /// <param name="outputs">Tensors to differentiate; each must be a scalar unless its entry in <paramref name="gradOutputs"/> is given.</param>
    /// <param name="inputs">Tensors to differentiate with respect to; each must require grad.</param>
    /// <param name="gradOutputs">Vector for the vector-Jacobian product, one per output, each of its output's shape (null entries mean 1 for scalars).</param>
    /// <param name="createGraph">Record the backward computation so the returned gradients can be differentiated again.</param>
    /// <param name="allowUnused">Return null for inputs the outputs do not depend on instead of throwing.</param>
    /// <param name="retainGraph">Keep the graph for another backward pass; defaults to <paramref name="createGraph"/>.</param>
    /// <returns>One gradient per input, of the input's shape (null only when unused and <paramref name="allowUnused"/>).</returns>
    public static Tensor?[] Grad(
        IReadOnlyList<Tensor> outputs,
        IReadOnlyList<Tensor> inputs,
        IReadOnlyList<Tensor?>? gradOutputs = null,
        bool createGraph = false,
        bool allowUnused = false,
        bool? retainGraph = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].RequiresGrad)
            {
                throw new ArgumentException($"Input {i} (shape {inputs[i].Shape}) does not require grad.", nameof(inputs));
            }
        }

        var targets = new HashSet<Tensor>(inputs, ReferenceEqualityComparer.Instance);
        var grads = Engine.Run(outputs, gradOutputs, targets, createGraph, retainGraph ?? createGraph);
        var result = new Tensor?[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            if (grads.TryGetValue(inputs[i], out var g))
            {
                result[i] = g;
            }
            else if (allowUnused)
            {
                result[i] = null;
            }
            else
            {
                throw new InvalidOperationException(
                    $"Input {i} (shape {inputs[i].Shape}) was not used to compute the outputs. Pass allowUnused: true to get null instead.");
            }
        }

        return result;
    }

    /// <summary>Gradient of one scalar <paramref name="output"/> w.r.t. one <paramref name="input"/>.</summary>
    public static Tensor Grad(Tensor output, Tensor input, bool createGraph = false) =>
        Grad([output], [input], null, createGraph)[0]!;

    /// <summary>A scope that sets grad mode and restores the previous mode on dispose.</summary>
    public readonly struct GradModeScope : IDisposable
    {
        private readonly bool _previousDisabled;

        internal GradModeScope(bool enabled)
        {
            _previousDisabled = _disabled;
            _disabled = !enabled;
        }

        /// <summary>Restores the previous grad mode.</summary>
        public void Dispose() => _disabled = _previousDisabled;
    }
}
