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

    /// <summary>The gradient a backward pass last stored in <see cref="Grad"/> (engine-owned storage, reusable).</summary>
    private Tensor? _engineGrad;

    /// <summary>
    /// Sets <see cref="Grad"/> to null, remembering engine-created gradient storage so that the next backward pass
    /// writes into it instead of allocating (what ZeroGrad does).
    /// </summary>
    internal void ClearGrad()
    {
        if (Grad is not null && !ReferenceEquals(Grad, _engineGrad))
        {
            _engineGrad = null;
        }

        Grad = null;
    }

    /// <summary>
    /// Accumulates a gradient computed without createGraph into <see cref="Grad"/>: in place into an existing
    /// gradient, into the storage <see cref="ClearGrad"/> kept, or by adopting <paramref name="g"/> (which must not
    /// share storage with another leaf's gradient) as the new gradient, detached from any <see cref="TensorScope"/>.
    /// </summary>
    internal void AccumulateGradNoGraph(Tensor g)
    {
        if (Grad is { } existing)
        {
            if (existing.RequiresGrad || existing.Shape != g.Shape || existing.DType != g.DType)
            {
                using (Autograd.NoGrad())
                {
                    Grad = TensorScope.Persist(existing + g);
                }

                _engineGrad = null;
                return;
            }

            existing.AddInPlace(g);
            return;
        }

        if (_engineGrad is { IsReleased: false } reuse && reuse.Shape == g.Shape && reuse.DType == g.DType && !reuse.RequiresGrad)
        {
            reuse.CopyFrom(g);
            Grad = reuse;
            return;
        }

        Grad = _engineGrad = TensorScope.Persist(g);
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor (fluent form for leaves).</summary>
    public Tensor SetRequiresGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }
}
