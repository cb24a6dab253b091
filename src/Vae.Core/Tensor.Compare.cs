using Vae.Core.Kernels;

namespace Vae.Core;

// Comparisons (non-differentiable; 1 where the relation holds, else 0, in the operands' dtype; any relation with
// NaN is false except Ne) and selection ops (Maximum, Minimum, Where, MaskedFill), all with NumPy broadcasting.
public partial class Tensor
{
    /// <summary>1 where this &gt; <paramref name="other"/>, else 0. Not differentiable.</summary>
    /// <param name="other">A tensor whose shape broadcasts with this one's; same dtype.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    public Tensor Gt(Tensor other) => Elementwise.Binary<GtOp>(this, other, "Gt");

    /// <summary>1 where this ≥ <paramref name="other"/>, else 0. Not differentiable.</summary>
    /// <param name="other">A tensor whose shape broadcasts with this one's; same dtype.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    public Tensor Ge(Tensor other) => Elementwise.Binary<GeOp>(this, other, "Ge");

    /// <summary>1 where this &lt; <paramref name="other"/>, else 0. Not differentiable.</summary>
    /// <param name="other">A tensor whose shape broadcasts with this one's; same dtype.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    public Tensor Lt(Tensor other) => Elementwise.Binary<LtOp>(this, other, "Lt");

    /// <summary>1 where this ≤ <paramref name="other"/>, else 0. Not differentiable.</summary>
    /// <param name="other">A tensor whose shape broadcasts with this one's; same dtype.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    public Tensor Le(Tensor other) => Elementwise.Binary<LeOp>(this, other, "Le");

    /// <summary>1 where this = <paramref name="other"/>, else 0 (NaN equals nothing). Not differentiable.</summary>
    /// <param name="other">A tensor whose shape broadcasts with this one's; same dtype.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    public Tensor Eq(Tensor other) => Elementwise.Binary<EqOp>(this, other, "Eq");

    /// <summary>1 where this ≠ <paramref name="other"/> (or either is NaN), else 0. Not differentiable.</summary>
    /// <param name="other">A tensor whose shape broadcasts with this one's; same dtype.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    public Tensor Ne(Tensor other) => Elementwise.Binary<NeOp>(this, other, "Ne");

    /// <summary>1 where this &gt; <paramref name="value"/>, else 0 (value converted to this dtype). Not differentiable.</summary>
    public Tensor Gt(double value) => Elementwise.BinaryScalar<GtOp>(this, value);

    /// <summary>1 where this ≥ <paramref name="value"/>, else 0 (value converted to this dtype). Not differentiable.</summary>
    public Tensor Ge(double value) => Elementwise.BinaryScalar<GeOp>(this, value);

    /// <summary>1 where this &lt; <paramref name="value"/>, else 0 (value converted to this dtype). Not differentiable.</summary>
    public Tensor Lt(double value) => Elementwise.BinaryScalar<LtOp>(this, value);

    /// <summary>1 where this ≤ <paramref name="value"/>, else 0 (value converted to this dtype). Not differentiable.</summary>
    public Tensor Le(double value) => Elementwise.BinaryScalar<LeOp>(this, value);

    /// <summary>1 where this = <paramref name="value"/>, else 0 (value converted to this dtype). Not differentiable.</summary>
    public Tensor Eq(double value) => Elementwise.BinaryScalar<EqOp>(this, value);

    /// <summary>1 where this ≠ <paramref name="value"/> (or is NaN), else 0 (value converted to this dtype). Not differentiable.</summary>
    public Tensor Ne(double value) => Elementwise.BinaryScalar<NeOp>(this, value);

    /// <summary>1 where the element is NaN, else 0. Not differentiable.</summary>
    public Tensor IsNaN() => Elementwise.Unary<IsNaNOp>(this);

    /// <summary>1 where the element is finite (not ±∞, not NaN), else 0. Not differentiable.</summary>
    public Tensor IsFinite() => Elementwise.Unary<IsFiniteOp>(this);

    /// <summary>
    /// True when every element satisfies <c>|a − b| ≤ atol + rtol·|b|</c> (b = <paramref name="other"/>) after
    /// broadcasting; equal infinities are close, NaN is close to nothing (PyTorch's <c>allclose</c>). The
    /// comparison is made in float64, so the dtypes may differ.
    /// </summary>
    /// <param name="other">A tensor whose shape broadcasts with this one's.</param>
    /// <param name="rtol">Relative tolerance (≥ 0).</param>
    /// <param name="atol">Absolute tolerance (≥ 0).</param>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or a tolerance is negative or NaN.</exception>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!(rtol >= 0) || !(atol >= 0))
        {
            throw new ArgumentException($"AllClose: tolerances must be non-negative (rtol {rtol}, atol {atol}).");
        }

        Shape shape;
        try
        {
            shape = Shape.Broadcast(Shape, other.Shape);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"AllClose: {e.Message}", e);
        }

        var a = (Shape == shape ? this : Elementwise.BroadcastTo(this, shape)).ToDoubleArray();
        var b = (other.Shape == shape ? other : Elementwise.BroadcastTo(other, shape)).ToDoubleArray();
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i])
            {
                continue;
            }

            // An infinity is close only to itself (the tolerance would be infinite too); NaN to nothing.
            if (!double.IsFinite(a[i]) || !double.IsFinite(b[i]) || !(Math.Abs(a[i] - b[i]) <= atol + (rtol * Math.Abs(b[i]))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Elementwise maximum with broadcasting; NaN propagates. Gradient: g goes to the larger input; where the
    /// inputs are equal each receives g/2 (as in PyTorch).
    /// </summary>
    /// <param name="other">A tensor whose shape broadcasts with this one's; same dtype.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    public Tensor Maximum(Tensor other)
    {
        var y = Elementwise.Binary<MaximumOp>(this, other, "Maximum");
        if (ShouldRecord(this, other))
        {
            y.SetGradFn("Maximum", [this, other], static (g, n) =>
            {
                Tensor a = n.Inputs[0], b = n.Inputs[1];
                return [
                    n.NeedsGrad[0] ? g * Elementwise.Binary<MaxWeightOp>(a, b, "Maximum") : null,
                    n.NeedsGrad[1] ? g * Elementwise.Binary<MaxWeightOp>(b, a, "Maximum") : null];
            });
        }

        return y;
    }

    /// <summary>
    /// Elementwise minimum with broadcasting; NaN propagates. Gradient: g goes to the smaller input; where the
    /// inputs are equal each receives g/2 (as in PyTorch).
    /// </summary>
    /// <param name="other">A tensor whose shape broadcasts with this one's; same dtype.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    public Tensor Minimum(Tensor other)
    {
        var y = Elementwise.Binary<MinimumOp>(this, other, "Minimum");
        if (ShouldRecord(this, other))
        {
            y.SetGradFn("Minimum", [this, other], static (g, n) =>
            {
                Tensor a = n.Inputs[0], b = n.Inputs[1];
                return [
                    n.NeedsGrad[0] ? g * Elementwise.Binary<MaxWeightOp>(b, a, "Minimum") : null,
                    n.NeedsGrad[1] ? g * Elementwise.Binary<MaxWeightOp>(a, b, "Minimum") : null];
            });
        }

        return y;
    }

    /// <summary>
    /// Picks <paramref name="a"/> where <paramref name="condition"/> is nonzero (NaN counts as nonzero) and
    /// <paramref name="b"/> elsewhere, with broadcasting among all three. Gradient: g flows to a where the
    /// condition holds and to b elsewhere; the condition gets none.
    /// </summary>
    /// <param name="condition">Any tensor (usually a 0/1 mask from a comparison); any dtype; broadcasts with a and b.</param>
    /// <param name="a">Values taken where the condition holds; broadcasts with the others.</param>
    /// <param name="b">Values taken elsewhere; broadcasts with the others; same dtype as <paramref name="a"/>.</param>
    /// <returns>A tensor of the broadcast shape of all three, in the dtype of a and b.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast together, or a and b differ in dtype.</exception>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckSameDType(a, b, "Where");
        Shape shape;
        try
        {
            shape = Shape.Broadcast(Shape.Broadcast(condition.Shape, a.Shape), b.Shape);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException(
                $"Where: shapes {condition.Shape} (condition), {a.Shape} (a) and {b.Shape} (b) cannot be broadcast together.");
        }

        // A condition of another dtype is reduced to 0/1 in its own dtype first, so tiny nonzero values stay nonzero.
        var c = condition.DType == a.DType ? condition : condition.Ne(0.0).To(a.DType);
        var y = Empty(shape, a.DType);
        var cv = c.Shape == shape ? c : Elementwise.BroadcastTo(c, shape);
        var av = a.Shape == shape ? a : Elementwise.BroadcastTo(a, shape);
        var bv = b.Shape == shape ? b : Elementwise.BroadcastTo(b, shape);
        if (a.DType == DType.Float32)
        {
            Lanes.Map(cv.Span<float>(), av.Span<float>(), bv.Span<float>(), y.Span<float>(), default(WhereLane<float>));
        }
        else
        {
            Lanes.Map(cv.Span<double>(), av.Span<double>(), bv.Span<double>(), y.Span<double>(), default(WhereLane<double>));
        }

        if (ShouldRecord(a, b))
        {
            y.SetGradFn("Where", [a, b], (g, n) =>
            {
                var zero = Scalar(0, g.DType);
                return [n.NeedsGrad[0] ? Where(c, g, zero) : null, n.NeedsGrad[1] ? Where(c, zero, g) : null];
            });
        }

        return y;
    }

    /// <summary>
    /// A copy with <paramref name="value"/> where <paramref name="mask"/> is nonzero. Gradient: g where the mask is
    /// zero, else 0.
    /// </summary>
    /// <param name="mask">Any tensor (usually a 0/1 comparison result) whose shape broadcasts to this tensor's shape.</param>
    /// <param name="value">The fill value (converted to this dtype).</param>
    /// <returns>A tensor of this tensor's shape.</returns>
    /// <exception cref="ArgumentException">The mask's shape does not broadcast to this tensor's shape.</exception>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (!mask.Shape.CanBroadcastTo(Shape))
        {
            throw new ArgumentException($"MaskedFill: mask shape {mask.Shape} does not broadcast to tensor shape {Shape}.", nameof(mask));
        }

        return Where(mask, Scalar(value, DType), this);
    }
}
