using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Vae.Core.Kernels;

/// <summary>y = σ(x) (TensorPrimitives: no overflow for large |x|).</summary>
internal readonly struct SigmoidOp : IUnaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sigmoid(x, y);
}

/// <summary>y = max(x, 0); NaN propagates.</summary>
internal readonly struct ReluOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, y);
}

/// <summary>y = tanh(x), accurate near 0 (see <see cref="LaneMath"/>).</summary>
internal readonly struct TanhOp : IUnaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes.Map(x, y, default(TanhLane<T>));
}

/// <summary>y = log σ(x), stable.</summary>
internal readonly struct LogSigmoidOp : IUnaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes.Map(x, y, default(LogSigmoidLane<T>));
}

/// <summary>y = x where x &gt; 0, else slope·x (NaN stays NaN).</summary>
internal readonly struct LeakyReluLane<T>(T slope) : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => x > T.Zero ? x : x * slope;

    public Vector<T> Invoke(Vector<T> x) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, x * new Vector<T>(slope));

    public Vector512<T> Invoke(Vector512<T> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, x * Vector512.Create(slope));
}

/// <summary>LeakyRelu backward: d = g where x &gt; 0, else slope·g.</summary>
internal readonly struct LeakyReluBackwardLane<T>(T slope) : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T g, T x) => x > T.Zero ? g : g * slope;

    public Vector<T> Invoke(Vector<T> g, Vector<T> x) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), g, g * new Vector<T>(slope));

    public Vector512<T> Invoke(Vector512<T> g, Vector512<T> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), g, g * Vector512.Create(slope));
}

/// <summary>y = x where x &gt; 0, else α·expm1(x).</summary>
internal readonly struct EluLane<T>(T alpha) : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => x > T.Zero ? x : alpha * LaneMath.Expm1(x);

    public Vector<T> Invoke(Vector<T> x) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, new Vector<T>(alpha) * LaneMath.Expm1(x));

    public Vector512<T> Invoke(Vector512<T> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, Vector512.Create(alpha) * LaneMath.Expm1(x));
}

/// <summary>Relu backward from the output: d = g where y &gt; 0, else 0.</summary>
internal readonly struct ReluBackwardLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T g, T y) => y > T.Zero ? g : T.Zero;

    public Vector<T> Invoke(Vector<T> g, Vector<T> y) => Vector.GreaterThan(y, Vector<T>.Zero) & g;

    public Vector512<T> Invoke(Vector512<T> g, Vector512<T> y) => Vector512.GreaterThan(y, Vector512<T>.Zero) & g;
}

/// <summary>Sigmoid backward from the output: d = g·y·(1 − y).</summary>
internal readonly struct SigmoidBackwardLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T g, T y) => g * (y * (T.One - y));

    public Vector<T> Invoke(Vector<T> g, Vector<T> y) => g * (y * (Vector<T>.One - y));

    public Vector512<T> Invoke(Vector512<T> g, Vector512<T> y) => g * (y * (Vector512<T>.One - y));
}

/// <summary>Tanh backward from the output: d = g·(1 − y)(1 + y) (= g·(1 − y²) without cancellation near |y| = 1).</summary>
internal readonly struct TanhBackwardLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T g, T y) => g * ((T.One - y) * (T.One + y));

    public Vector<T> Invoke(Vector<T> g, Vector<T> y) => g * ((Vector<T>.One - y) * (Vector<T>.One + y));

    public Vector512<T> Invoke(Vector512<T> g, Vector512<T> y) => g * ((Vector512<T>.One - y) * (Vector512<T>.One + y));
}
