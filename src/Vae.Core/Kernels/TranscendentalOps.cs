using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vae.Core.Kernels;

/// <summary>
/// Accurate exp, log1p, expm1, tanh and sigmoid on scalars and on <see cref="Vector{T}"/> / <see cref="Vector512{T}"/>
/// lanes, generic over float and double. Every function handles ±0, ±∞ and NaN per IEEE 754.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Exp: float lanes are widened to double, exponentiated and narrowed, so results are (nearly always) correctly
/// rounded and <c>exp(0) = 1</c> exactly (the runtime's float vector exp is ~1 ulp off, e.g. exp(0) = 1.0000001).
/// The composite functions below use the faster <see cref="ExpNative{T}(Vector{T})"/>: their formulas absorb its error.</item>
/// <item>Log1p (Goldberg): with w = 1 + x, <c>log1p(x) = log(w)·x/(w − 1)</c>; the factor cancels the rounding of w.</item>
/// <item>Expm1 (Kahan): with u = exp(x), <c>expm1(x) = (u − 1)·x/log(u)</c>; the factor cancels the rounding of u.</item>
/// <item>Tanh: <c>tanh|x| = −m/(m + 2)</c> with m = expm1(−2|x|) ∈ (−1, 0], sign copied from x; no overflow, full
/// relative accuracy near 0 (the runtime's vector tanh loses it there, e.g. tanh(0) = −6e−8 in float).</item>
/// </list>
/// </remarks>
internal static class LaneMath
{
    public static T Exp<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            return Vector.Exp(x.As<T, double>()).As<double, T>();
        }

        Vector.Widen(x.As<T, float>(), out var lo, out var hi);
        return Vector.Narrow(Vector.Exp(lo), Vector.Exp(hi)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp<T>(Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            return Vector512.Exp(x.As<T, double>()).As<double, T>();
        }

        var (lo, hi) = Vector512.Widen(x.As<T, float>());
        return Vector512.Narrow(Vector512.Exp(lo), Vector512.Exp(hi)).As<float, T>();
    }

    /// <summary>The runtime's vector exp in the lane type (≤ ~1 ulp in float): for inner uses whose formulas absorb that error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> ExpNative<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double)
            ? Vector.Exp(x.As<T, double>()).As<double, T>()
            : Vector.Exp(x.As<T, float>()).As<float, T>();

    /// <inheritdoc cref="ExpNative{T}(Vector{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExpNative<T>(Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double)
            ? Vector512.Exp(x.As<T, double>()).As<double, T>()
            : Vector512.Exp(x.As<T, float>()).As<float, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double)
            ? Vector.Log(x.As<T, double>()).As<double, T>()
            : Vector.Log(x.As<T, float>()).As<float, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log<T>(Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double)
            ? Vector512.Log(x.As<T, double>()).As<double, T>()
            : Vector512.Log(x.As<T, float>()).As<float, T>();

    public static T Log1p<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T w = T.One + x;
        T t = w - T.One;
        if (w == T.One)
        {
            return x;
        }

        T l = T.Log(w);
        return t == x ? l : l * (x / t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log1p<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var one = Vector<T>.One;
        var w = one + x;
        var t = w - one;
        var l = Log(w);
        var r = Vector.ConditionalSelect(Vector.Equals(t, x), l, l * (x / t));
        return Vector.ConditionalSelect(Vector.Equals(w, one), x, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log1p<T>(Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var one = Vector512<T>.One;
        var w = one + x;
        var t = w - one;
        var l = Log(w);
        var r = Vector512.ConditionalSelect(Vector512.Equals(t, x), l, l * (x / t));
        return Vector512.ConditionalSelect(Vector512.Equals(w, one), x, r);
    }

    public static T Expm1<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = T.Exp(x);
        if (u == T.One)
        {
            return x;
        }

        T t = u - T.One;
        if (t == -T.One || T.IsPositiveInfinity(u))
        {
            return t;
        }

        return t * (x / T.Log(u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Expm1<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var one = Vector<T>.One;
        var u = ExpNative(x);
        var t = u - one;
        var r = t * (x / Log(u));
        r = Vector.ConditionalSelect(Vector.Equals(t, -one) | Vector.Equals(u, new Vector<T>(T.PositiveInfinity)), t, r);
        return Vector.ConditionalSelect(Vector.Equals(u, one), x, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Expm1<T>(Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var one = Vector512<T>.One;
        var u = ExpNative(x);
        var t = u - one;
        var r = t * (x / Log(u));
        r = Vector512.ConditionalSelect(Vector512.Equals(t, -one) | Vector512.Equals(u, Vector512.Create(T.PositiveInfinity)), t, r);
        return Vector512.ConditionalSelect(Vector512.Equals(u, one), x, r);
    }

    public static T Tanh<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = Expm1(-(T.Abs(x) + T.Abs(x)));
        return T.CopySign(-m / (m + T.One + T.One), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Tanh<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Vector.Abs(x);
        var m = Expm1(-(a + a));
        var r = -m / (m + new Vector<T>(T.One + T.One));
        return r | (x & new Vector<T>(T.NegativeZero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Tanh<T>(Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Vector512.Abs(x);
        var m = Expm1(-(a + a));
        var r = -m / (m + Vector512.Create(T.One + T.One));
        return r | (x & Vector512.Create(T.NegativeZero));
    }

    /// <summary>1/(1 + e^{−x}) without overflow: e^{−|x|} is formed, never e^{|x|}.</summary>
    public static T Sigmoid<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T e = T.Exp(-T.Abs(x));
        T p = T.One / (T.One + e);
        return x >= T.Zero ? p : e * p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Sigmoid<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = ExpNative(-Vector.Abs(x));
        var p = Vector<T>.One / (Vector<T>.One + e);
        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<T>.Zero), p, e * p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sigmoid<T>(Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = ExpNative(-Vector512.Abs(x));
        var p = Vector512<T>.One / (Vector512<T>.One + e);
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<T>.Zero), p, e * p);
    }

    /// <summary>log(1 + e^x) = max(x, 0) + log1p(e^{−|x|}): no overflow, full relative accuracy for very negative x.</summary>
    public static T Softplus<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T> => T.Max(x, T.Zero) + Log1p(T.Exp(-T.Abs(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Softplus<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => Vector.Max(x, Vector<T>.Zero) + Log1p(ExpNative(-Vector.Abs(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Softplus<T>(Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => Vector512.Max(x, Vector512<T>.Zero) + Log1p(ExpNative(-Vector512.Abs(x)));
}

/// <summary>y = eˣ (see <see cref="LaneMath"/> for float accuracy).</summary>
internal readonly struct ExpLane<T> : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool Expensive => true;

    public T Invoke(T x) => LaneMath.Exp(x);

    public Vector<T> Invoke(Vector<T> x) => LaneMath.Exp(x);

    public Vector512<T> Invoke(Vector512<T> x) => LaneMath.Exp(x);
}

/// <summary>y = log(1 + x), accurate for small |x|.</summary>
internal readonly struct Log1pLane<T> : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool Expensive => true;

    public T Invoke(T x) => LaneMath.Log1p(x);

    public Vector<T> Invoke(Vector<T> x) => LaneMath.Log1p(x);

    public Vector512<T> Invoke(Vector512<T> x) => LaneMath.Log1p(x);
}

/// <summary>y = eˣ − 1, accurate for small |x|.</summary>
internal readonly struct Expm1Lane<T> : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool Expensive => true;

    public T Invoke(T x) => LaneMath.Expm1(x);

    public Vector<T> Invoke(Vector<T> x) => LaneMath.Expm1(x);

    public Vector512<T> Invoke(Vector512<T> x) => LaneMath.Expm1(x);
}

/// <summary>y = tanh(x).</summary>
internal readonly struct TanhLane<T> : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool Expensive => true;

    public T Invoke(T x) => LaneMath.Tanh(x);

    public Vector<T> Invoke(Vector<T> x) => LaneMath.Tanh(x);

    public Vector512<T> Invoke(Vector512<T> x) => LaneMath.Tanh(x);
}

/// <summary>
/// y = softplus(βx)/β, or x where βx &gt; threshold (PyTorch's reversion to the identity). The division by β is a
/// multiplication by 1/β (exact for β = 1 and powers of two; within an ulp otherwise).
/// </summary>
internal readonly struct SoftplusLane<T>(T beta, T threshold) : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _invBeta = T.One / beta;

    public T Invoke(T x)
    {
        T z = x * beta;
        return z > threshold ? x : LaneMath.Softplus(z) * _invBeta;
    }

    public Vector<T> Invoke(Vector<T> x)
    {
        var z = x * new Vector<T>(beta);
        return Vector.ConditionalSelect(Vector.GreaterThan(z, new Vector<T>(threshold)), x, LaneMath.Softplus(z) * new Vector<T>(_invBeta));
    }

    public Vector512<T> Invoke(Vector512<T> x)
    {
        var z = x * Vector512.Create(beta);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512.Create(threshold)), x, LaneMath.Softplus(z) * Vector512.Create(_invBeta));
    }
}

/// <summary>y = log σ(x) = min(x, 0) − log1p(e^{−|x|}).</summary>
internal readonly struct LogSigmoidLane<T> : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool Expensive => true;

    public T Invoke(T x) => T.Min(x, T.Zero) - LaneMath.Log1p(T.Exp(-T.Abs(x)));

    public Vector<T> Invoke(Vector<T> x) =>
        Vector.Min(x, Vector<T>.Zero) - LaneMath.Log1p(LaneMath.ExpNative(-Vector.Abs(x)));

    public Vector512<T> Invoke(Vector512<T> x) =>
        Vector512.Min(x, Vector512<T>.Zero) - LaneMath.Log1p(LaneMath.ExpNative(-Vector512.Abs(x)));
}

/// <summary>Softplus backward: d = g where βx &gt; threshold, else g·σ(βx).</summary>
internal readonly struct SoftplusBackwardLane<T>(T beta, T threshold) : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T g, T x)
    {
        T z = x * beta;
        return z > threshold ? g : g * LaneMath.Sigmoid(z);
    }

    public Vector<T> Invoke(Vector<T> g, Vector<T> x)
    {
        var z = x * new Vector<T>(beta);
        return Vector.ConditionalSelect(Vector.GreaterThan(z, new Vector<T>(threshold)), g, g * LaneMath.Sigmoid(z));
    }

    public Vector512<T> Invoke(Vector512<T> g, Vector512<T> x)
    {
        var z = x * Vector512.Create(beta);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512.Create(threshold)), g, g * LaneMath.Sigmoid(z));
    }
}
