using System.Numerics;
using System.Runtime.Intrinsics;

namespace Vae.Core.Kernels;

// Comparison and selection kernels. Comparisons return 1 where the relation holds and 0 elsewhere (in the operands'
// dtype); every relation involving NaN is false except "not equal". A mask & 1.0 turns an all-ones lane into 1.

/// <summary>d = 1 where a is greater than b, else 0.</summary>
internal readonly struct GtLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T a, T b) => a > b ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> a, Vector<T> b) => Vector.GreaterThan(a, b) & Vector<T>.One;

    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThan(a, b) & Vector512<T>.One;
}

/// <summary>Broadcasting form of <see cref="GtLane{T}"/>.</summary>
internal readonly struct GtOp : IBinaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, GtLane<T>>(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, GtLane<T>>(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, GtLane<T>>(x, y, d);
}

/// <summary>d = 1 where a is greater than or equal to b, else 0.</summary>
internal readonly struct GeLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T a, T b) => a >= b ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> a, Vector<T> b) => Vector.GreaterThanOrEqual(a, b) & Vector<T>.One;

    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThanOrEqual(a, b) & Vector512<T>.One;
}

/// <summary>Broadcasting form of <see cref="GeLane{T}"/>.</summary>
internal readonly struct GeOp : IBinaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, GeLane<T>>(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, GeLane<T>>(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, GeLane<T>>(x, y, d);
}

/// <summary>d = 1 where a is less than b, else 0.</summary>
internal readonly struct LtLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T a, T b) => a < b ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> a, Vector<T> b) => Vector.LessThan(a, b) & Vector<T>.One;

    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => Vector512.LessThan(a, b) & Vector512<T>.One;
}

/// <summary>Broadcasting form of <see cref="LtLane{T}"/>.</summary>
internal readonly struct LtOp : IBinaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, LtLane<T>>(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, LtLane<T>>(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, LtLane<T>>(x, y, d);
}

/// <summary>d = 1 where a is less than or equal to b, else 0.</summary>
internal readonly struct LeLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T a, T b) => a <= b ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> a, Vector<T> b) => Vector.LessThanOrEqual(a, b) & Vector<T>.One;

    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => Vector512.LessThanOrEqual(a, b) & Vector512<T>.One;
}

/// <summary>Broadcasting form of <see cref="LeLane{T}"/>.</summary>
internal readonly struct LeOp : IBinaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, LeLane<T>>(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, LeLane<T>>(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, LeLane<T>>(x, y, d);
}

/// <summary>d = 1 where a equals b, else 0.</summary>
internal readonly struct EqLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T a, T b) => a == b ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> a, Vector<T> b) => Vector.Equals(a, b) & Vector<T>.One;

    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => Vector512.Equals(a, b) & Vector512<T>.One;
}

/// <summary>Broadcasting form of <see cref="EqLane{T}"/>.</summary>
internal readonly struct EqOp : IBinaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, EqLane<T>>(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, EqLane<T>>(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, EqLane<T>>(x, y, d);
}

/// <summary>d = 1 where a ≠ b (including where either is NaN), else 0.</summary>
internal readonly struct NeLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T a, T b) => a != b ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> a, Vector<T> b) => ~Vector.Equals(a, b) & Vector<T>.One;

    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => ~Vector512.Equals(a, b) & Vector512<T>.One;
}

/// <summary>Broadcasting form of <see cref="NeLane{T}"/>.</summary>
internal readonly struct NeOp : IBinaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, NeLane<T>>(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, NeLane<T>>(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, NeLane<T>>(x, y, d);
}

/// <summary>
/// Gradient weight of <c>a</c> in maximum(a, b): 1 where a &gt; b, ½ where a = b (the gradient is split between
/// tied inputs, as in PyTorch), else 0. With the operands swapped it is the weight of <c>b</c>.
/// </summary>
internal readonly struct MaxWeightLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static T Half => T.One / (T.One + T.One);

    public T Invoke(T a, T b) => a > b ? T.One : a == b ? Half : T.Zero;

    public Vector<T> Invoke(Vector<T> a, Vector<T> b) =>
        Vector.ConditionalSelect(Vector.GreaterThan(a, b), Vector<T>.One, Vector.Equals(a, b) & new Vector<T>(Half));

    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), Vector512<T>.One, Vector512.Equals(a, b) & Vector512.Create(Half));
}

/// <summary>Broadcasting form of <see cref="MaxWeightLane{T}"/>.</summary>
internal readonly struct MaxWeightOp : IBinaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, MaxWeightLane<T>>(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, MaxWeightLane<T>>(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => LaneBinary.Apply<T, MaxWeightLane<T>>(x, y, d);
}

/// <summary>y = 1 where x is NaN, else 0.</summary>
internal readonly struct IsNaNLane<T> : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => T.IsNaN(x) ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> x) => ~Vector.Equals(x, x) & Vector<T>.One;

    public Vector512<T> Invoke(Vector512<T> x) => ~Vector512.Equals(x, x) & Vector512<T>.One;
}

/// <summary>y = 1 where x is neither infinite nor NaN, else 0.</summary>
internal readonly struct IsFiniteLane<T> : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => T.IsFinite(x) ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> x) => Vector.LessThan(Vector.Abs(x), new Vector<T>(T.PositiveInfinity)) & Vector<T>.One;

    public Vector512<T> Invoke(Vector512<T> x) => Vector512.LessThan(Vector512.Abs(x), Vector512.Create(T.PositiveInfinity)) & Vector512<T>.One;
}

/// <summary>y = 1 where lo ≤ x ≤ hi, else 0 (0 for NaN): the gradient mask of Clamp.</summary>
internal readonly struct InRangeLane<T>(T lo, T hi) : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => x >= lo && x <= hi ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> x) =>
        Vector.GreaterThanOrEqual(x, new Vector<T>(lo)) & Vector.LessThanOrEqual(x, new Vector<T>(hi)) & Vector<T>.One;

    public Vector512<T> Invoke(Vector512<T> x) =>
        Vector512.GreaterThanOrEqual(x, Vector512.Create(lo)) & Vector512.LessThanOrEqual(x, Vector512.Create(hi)) & Vector512<T>.One;
}

/// <summary>y = −1, 0 or 1 by the sign of x (0 for ±0); NaN stays NaN.</summary>
internal readonly struct SignLane<T> : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.IsNaN(x) ? x : T.Zero;

    public Vector<T> Invoke(Vector<T> x)
    {
        var s = (Vector.GreaterThan(x, Vector<T>.Zero) & Vector<T>.One) - (Vector.LessThan(x, Vector<T>.Zero) & Vector<T>.One);
        return Vector.ConditionalSelect(Vector.Equals(x, x), s, x);
    }

    public Vector512<T> Invoke(Vector512<T> x)
    {
        var s = (Vector512.GreaterThan(x, Vector512<T>.Zero) & Vector512<T>.One) - (Vector512.LessThan(x, Vector512<T>.Zero) & Vector512<T>.One);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), s, x);
    }
}

/// <summary>d = a where the condition c is nonzero (NaN counts as nonzero), else b.</summary>
internal readonly struct WhereLane<T> : ILaneTernary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T c, T a, T b) => c != T.Zero ? a : b;

    public Vector<T> Invoke(Vector<T> c, Vector<T> a, Vector<T> b) => Vector.ConditionalSelect(Vector.Equals(c, Vector<T>.Zero), b, a);

    public Vector512<T> Invoke(Vector512<T> c, Vector512<T> a, Vector512<T> b) =>
        Vector512.ConditionalSelect(Vector512.Equals(c, Vector512<T>.Zero), b, a);
}

/// <summary>Clamp backward: d = g where lo ≤ x ≤ hi, else 0.</summary>
internal readonly struct ClampBackwardLane<T>(T lo, T hi) : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T g, T x) => x >= lo && x <= hi ? g : T.Zero;

    public Vector<T> Invoke(Vector<T> g, Vector<T> x) =>
        Vector.GreaterThanOrEqual(x, new Vector<T>(lo)) & Vector.LessThanOrEqual(x, new Vector<T>(hi)) & g;

    public Vector512<T> Invoke(Vector512<T> g, Vector512<T> x) =>
        Vector512.GreaterThanOrEqual(x, Vector512.Create(lo)) & Vector512.LessThanOrEqual(x, Vector512.Create(hi)) & g;
}
