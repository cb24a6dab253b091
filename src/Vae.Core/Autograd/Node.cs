namespace Vae.Core;

/// <summary>
/// A backward rule: given the gradient of the loss w.r.t. the node's output, returns the gradients w.r.t. each
/// input (null where <see cref="Node.NeedsGrad"/> is false or the input is not differentiable). Rules are written
/// in Tensor operations, so with grad mode on they are recorded too and gradients of gradients work.
/// Returned gradients may have the broadcast (larger) shape; the engine sums them back to the input's shape.
/// </summary>
internal delegate Tensor?[] BackwardFunction(Tensor gradOutput, Node node);

/// <summary>One recorded operation of the define-by-run graph.</summary>
internal sealed class Node
{
    private BackwardFunction? _backward;

    public Node(string name, Tensor[] inputs, Tensor output, BackwardFunction backward)
    {
        Name = name;
        Inputs = inputs;
        Output = output;
        _backward = backward;
        NeedsGrad = new bool[inputs.Length];
    }

    /// <summary>Operation name, for error messages and printing.</summary>
    public string Name { get; }

    /// <summary>The operation's tensor inputs, in order.</summary>
    public Tensor[] Inputs { get; }

    /// <summary>The operation's result (for rules like exp' = exp).</summary>
    public Tensor Output { get; }

    /// <summary>Which inputs need a gradient in the current backward pass (set by the engine before each call).</summary>
    public bool[] NeedsGrad { get; }

    /// <summary>Whether the graph behind this node was freed by a backward pass without retainGraph.</summary>
    public bool IsReleased => _backward is null;

    public Tensor?[] Apply(Tensor gradOutput)
    {
        var fn = _backward ?? throw new InvalidOperationException(
            $"Trying to backward through the graph a second time (through '{Name}'): its saved values were freed by the " +
            "first backward pass. Pass retainGraph: true to the first Backward/Grad call if you need to differentiate twice.");
        return fn(gradOutput, this);
    }

    /// <summary>Frees the rule and the values its closure saved.</summary>
    public void Release() => _backward = null;
}
