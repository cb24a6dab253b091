namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// Computes the gradient of this tensor w.r.t. every leaf that requires grad and accumulates it into their
    /// <see cref="Grad"/>.
    /// </summary>
    /// <param name="gradient">Gradient w.r.t. this tensor (same shape); may be omitted for scalars (then 1).</param>
    /// <param name="retainGraph">Keep the graph so another backward pass can run through it (default: <paramref name="createGraph"/>).</param>
    /// <param name="createGraph">Record the backward computation so the accumulated gradients are differentiable.</param>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false) =>
        Engine.Run([this], gradient is null ? null : [gradient], null, createGraph, retainGraph ?? createGraph);

    /// <summary>A tensor sharing this one's storage that is cut from the graph (a leaf that does not require grad).</summary>
    public Tensor Detach() => new(Data, Shape, DType);

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor (fluent form for leaves).</summary>
    public Tensor SetRequiresGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }
}
