using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// An invertible, differentiable map y = f(x) between tensors, with the log absolute determinant of its Jacobian,
/// for building distributions by change of variables (<see cref="TransformedDistribution"/>). A transform acts on
/// events of <see cref="EventDims"/> rightmost dimensions: elementwise transforms have <c>EventDims = 0</c> and a
/// log-determinant per element; a transform with <c>EventDims = 1</c> mixes the elements of each vector and returns
/// one log-determinant per vector. Designed for extension: learnable flows subclass it, keeping the maths for given
/// parameters here and parameter ownership in a module.
/// </summary>
public abstract class Transform
{
    /// <summary>Initialises a transform whose events span the <paramref name="eventDims"/> rightmost dimensions.</summary>
    /// <param name="eventDims">Number of rightmost dimensions forming one event (≥ 0).</param>
    protected Transform(int eventDims = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eventDims);
        EventDims = eventDims;
    }

    /// <summary>Number of rightmost dimensions that form one event; <see cref="LogAbsDetJacobian"/> sums over them.</summary>
    public int EventDims { get; }

    /// <summary>Whether the map is a bijection (so <see cref="Inverse"/> is exact). True unless overridden.</summary>
    public virtual bool IsBijective => true;

    /// <summary>For elementwise monotone maps: +1 if increasing, −1 if decreasing; 0 when unknown or not monotone.</summary>
    public virtual int Sign => 0;

    /// <summary>The inverse map as a transform (its forward is this transform's <see cref="Inverse"/>).</summary>
    public virtual Transform Inv => new InverseTransform(this);

    /// <summary>y = f(x).</summary>
    /// <param name="x">Inputs of shape <c>[..., event]</c> (event = the <see cref="EventDims"/> rightmost dims).</param>
    /// <returns>Outputs, of the shape given by <see cref="ForwardShape"/> (x's shape for shape-preserving transforms).</returns>
    public abstract Tensor Forward(Tensor x);

    /// <summary>x = f⁻¹(y).</summary>
    /// <param name="y">Outputs of shape <c>[..., event]</c>.</param>
    /// <returns>Inputs, of the shape given by <see cref="InverseShape"/>.</returns>
    public abstract Tensor Inverse(Tensor y);

    /// <summary>log |det ∂y/∂x| per event.</summary>
    /// <param name="x">Inputs of shape <c>[..., event]</c>.</param>
    /// <param name="y">The matching outputs f(x) (passed so implementations can reuse them).</param>
    /// <returns>Log-determinants of shape <c>[...]</c>: the (broadcast) input shape without its <see cref="EventDims"/> rightmost dimensions.</returns>
    public abstract Tensor LogAbsDetJacobian(Tensor x, Tensor y);

    /// <summary>
    /// y = f(x) together with log |det ∂y/∂x|. The default calls <see cref="Forward"/> then
    /// <see cref="LogAbsDetJacobian"/>; flows that get both in one pass override it.
    /// </summary>
    /// <param name="x">Inputs of shape <c>[..., event]</c>.</param>
    /// <returns>The outputs and log-determinants of shape <c>[...]</c>.</returns>
    public virtual (Tensor Y, Tensor LogAbsDet) ForwardWithLogAbsDet(Tensor x)
    {
        var y = Forward(x);
        return (y, LogAbsDetJacobian(x, y));
    }

    /// <summary>The output shape for an input shape (the identity unless overridden).</summary>
    public virtual Shape ForwardShape(Shape shape) => shape;

    /// <summary>The input shape for an output shape (the identity unless overridden).</summary>
    public virtual Shape InverseShape(Shape shape) => shape;

    /// <inheritdoc />
    public override string ToString() => GetType().Name;
}
