namespace Vae.Core.NN;

/// <summary>
/// A learnable tensor owned by a <see cref="Module"/>: a leaf that requires grad by default and is listed by
/// <see cref="Module.Parameters"/>, <see cref="Module.NamedParameters"/> and <see cref="Module.StateDict"/>.
/// Optimizers update its storage in place.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>
    /// Wraps <paramref name="data"/>'s storage (no copy) as a parameter. The parameter is always a leaf: if
    /// <paramref name="data"/> was produced by a recorded operation, the graph is not kept (like <c>Detach()</c>).
    /// </summary>
    /// <param name="data">Initial values (any shape); its storage is shared, so pass a fresh tensor or a <c>Clone()</c>.</param>
    /// <param name="requiresGrad">Whether gradients flow to the parameter (false for frozen parameters).</param>
    public Parameter(Tensor data, bool requiresGrad = true)
        : base(Validate(data).Data, data.Shape, data.DType)
    {
        RequiresGrad = requiresGrad;
        TensorScope.Persist(this);
    }

    /// <summary>Formats as <c>Parameter(float32 [3, 4], requiresGrad=True)</c>.</summary>
    public override string ToString() =>
        $"Parameter({DType.Name()} {Shape}, requiresGrad={(RequiresGrad ? "True" : "False")})";

    private static Tensor Validate(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data;
    }
}
