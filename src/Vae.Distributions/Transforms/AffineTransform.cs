using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// y = loc + scale·x (elementwise, with broadcasting). With <c>eventDims = 0</c> the log-determinant is
/// log|scale| per element; with <c>eventDims = k</c> it is summed over the k rightmost dimensions (a diagonal
/// linear map on each event).
/// </summary>
public sealed class AffineTransform : Transform
{
    private readonly bool _scalarParams;

    /// <summary>Creates y = loc + scale·x with tensor parameters.</summary>
    /// <param name="loc">Shifts, broadcastable with the inputs; same dtype as the inputs.</param>
    /// <param name="scale">Non-zero scales, broadcastable with the inputs; same dtype as <paramref name="loc"/>.</param>
    /// <param name="eventDims">Number of rightmost dimensions forming one event.</param>
    /// <exception cref="ArgumentException">The dtypes differ or a scale is 0.</exception>
    public AffineTransform(Tensor loc, Tensor scale, int eventDims = 0)
        : base(eventDims)
    {
        ContinuousParams.SameDType(nameof(AffineTransform), ("loc", loc), ("scale", scale));
        int zero = ContinuousParams.FindFirst(scale, static v => v == 0);
        if (zero >= 0)
        {
            throw new ArgumentException($"AffineTransform: scale {scale.Shape} has a zero entry (flat index {zero}); the map would not be invertible.", nameof(scale));
        }

        Loc = loc;
        Scale = scale;
        Sign = ContinuousParams.FindFirst(scale, static v => !(v > 0)) < 0 ? 1
            : ContinuousParams.FindFirst(scale, static v => !(v < 0)) < 0 ? -1 : 0;
    }

    /// <summary>Creates y = loc + scale·x with scalar parameters (usable with inputs of either dtype).</summary>
    /// <param name="loc">Shift.</param>
    /// <param name="scale">Non-zero scale.</param>
    /// <param name="eventDims">Number of rightmost dimensions forming one event.</param>
    public AffineTransform(double loc, double scale, int eventDims = 0)
        : this(Tensor.Scalar(loc, DType.Float64), Tensor.Scalar(scale, DType.Float64), eventDims)
    {
        _scalarParams = true;
    }

    /// <summary>Shifts (any shape broadcastable with the inputs).</summary>
    public Tensor Loc { get; }

    /// <summary>Scales (any shape broadcastable with the inputs).</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override int Sign { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Match(Loc, x) + (Match(Scale, x) * x);
    }

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        return (y - Match(Loc, y)) / Match(Scale, y);
    }

    /// <summary>log|scale| broadcast to the output's shape, summed over the <see cref="Transform.EventDims"/> rightmost dimensions.</summary>
    /// <param name="x">Inputs of shape <c>[..., event]</c>.</param>
    /// <param name="y">Outputs; their (broadcast) shape sets the result's shape.</param>
    /// <returns>Log-determinants of shape <c>[...]</c>.</returns>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var shape = Shape.Broadcast(x.Shape, y.Shape);
        var ld = Match(Scale, x).Abs().Log().Expand(Shape.Broadcast(shape, Scale.Shape));
        return ContinuousParams.SumRightmost(ld, EventDims);
    }

    private Tensor Match(Tensor p, Tensor x) => _scalarParams && p.DType != x.DType ? p.To(x.DType) : p;
}
