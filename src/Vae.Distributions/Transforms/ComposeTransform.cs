using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// The composition y = fₙ(…f₂(f₁(x))) of shape-preserving transforms (applied first to last). Its event rank is the
/// largest of the parts'; each part's log-determinant is summed over the extra rightmost dimensions so that all
/// parts contribute one value per event.
/// </summary>
public sealed class ComposeTransform : Transform
{
    /// <summary>Composes <paramref name="parts"/>, the first applied first.</summary>
    /// <param name="parts">The transforms (may be empty: the identity).</param>
    public ComposeTransform(params IReadOnlyList<Transform> parts)
        : base(MaxEventDims(parts))
    {
        Parts = [.. parts];
        int sign = 1;
        foreach (var p in Parts)
        {
            sign *= p.Sign;
        }

        Sign = sign;
    }

    /// <summary>The transforms, in the order they are applied.</summary>
    public IReadOnlyList<Transform> Parts { get; }

    /// <inheritdoc />
    public override bool IsBijective => Parts.All(static p => p.IsBijective);

    /// <inheritdoc />
    public override int Sign { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x)
    {
        foreach (var p in Parts)
        {
            x = p.Forward(x);
        }

        return x;
    }

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y)
    {
        for (int i = Parts.Count - 1; i >= 0; i--)
        {
            y = Parts[i].Inverse(y);
        }

        return y;
    }

    /// <summary>Σᵢ log|det Jᵢ| at the intermediate values (recomputed from x; the last part uses the given y).</summary>
    /// <param name="x">Inputs of shape <c>[..., event]</c>.</param>
    /// <param name="y">The composition's outputs.</param>
    /// <returns>Log-determinants of shape <c>[...]</c> (without the <see cref="Transform.EventDims"/> rightmost dims).</returns>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (Parts.Count == 0)
        {
            return ContinuousParams.SumRightmost(x.ZerosLike(), EventDims);
        }

        Tensor? total = null;
        var cur = x;
        for (int i = 0; i < Parts.Count; i++)
        {
            var next = i == Parts.Count - 1 ? y : Parts[i].Forward(cur);
            total = Accumulate(total, Parts[i], Parts[i].LogAbsDetJacobian(cur, next));
            cur = next;
        }

        return total!;
    }

    /// <summary>Forward pass and summed log-determinant in one sweep (each part's own fused path is used).</summary>
    /// <param name="x">Inputs of shape <c>[..., event]</c>.</param>
    public override (Tensor Y, Tensor LogAbsDet) ForwardWithLogAbsDet(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (Parts.Count == 0)
        {
            return (x, ContinuousParams.SumRightmost(x.ZerosLike(), EventDims));
        }

        Tensor? total = null;
        foreach (var p in Parts)
        {
            var (y, ld) = p.ForwardWithLogAbsDet(x);
            total = Accumulate(total, p, ld);
            x = y;
        }

        return (x, total!);
    }

    /// <inheritdoc />
    public override Shape ForwardShape(Shape shape)
    {
        foreach (var p in Parts)
        {
            shape = p.ForwardShape(shape);
        }

        return shape;
    }

    /// <inheritdoc />
    public override Shape InverseShape(Shape shape)
    {
        for (int i = Parts.Count - 1; i >= 0; i--)
        {
            shape = Parts[i].InverseShape(shape);
        }

        return shape;
    }

    /// <inheritdoc />
    public override string ToString() => $"Compose({string.Join(", ", Parts)})";

    private Tensor Accumulate(Tensor? total, Transform part, Tensor ld)
    {
        ld = ContinuousParams.SumRightmost(ld, EventDims - part.EventDims);
        return total is null ? ld : total + ld;
    }

    private static int MaxEventDims(IReadOnlyList<Transform> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        int e = 0;
        foreach (var p in parts)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parts));
            e = Math.Max(e, p.EventDims);
        }

        return e;
    }
}
