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

    /// <summary>The gradient a backward pass last stored in <see cref="Grad"/>; its storage is the engine's to recycle.</summary>
    private Tensor? _engineGrad;

    /// <summary>
    /// Sets <see cref="Grad"/> to null (what ZeroGrad does). A gradient that a backward pass created is released and,
    /// inside a <see cref="TensorScope"/>, its storage goes back to the pool for the next backward pass; using that
    /// tensor afterwards throws <see cref="ObjectDisposedException"/>. A gradient user code assigned is left alone.
    /// </summary>
    internal void ClearGrad()
    {
        if (Grad is { } g && ReferenceEquals(g, _engineGrad) && g.StorageOrNull is { } storage)
        {
            g.ReleaseStorage();
            if (TensorScope.Active is not null)
            {
                Memory.StoragePool.Return(storage);
            }
        }

        _engineGrad = null;
        Grad = null;
    }

    /// <summary>
    /// Accumulates a gradient computed without createGraph into <see cref="Grad"/>: in place into an existing
    /// gradient, or by adopting <paramref name="g"/> as the new gradient, detached from any <see cref="TensorScope"/>.
    /// <paramref name="g"/> must be engine-created storage that no other leaf's gradient or caller's tensor shares.
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

        Grad = _engineGrad = TensorScope.Persist(g);
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor (fluent form for leaves).</summary>
    public Tensor SetRequiresGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }
}
