using System.Numerics;
using System.Numerics.Tensors;

namespace Vae.Core.Kernels;

/// <summary>y = log x.</summary>
internal readonly struct LogOp : IUnaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, y);
}

/// <summary>y = √x.</summary>
internal readonly struct SqrtOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);
}

/// <summary>y = 1/√x (exact division, not an estimate).</summary>
internal readonly struct RsqrtOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.ReciprocalSqrt(x, y);
}

/// <summary>y = x².</summary>
internal readonly struct SquareOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, x, y);
}

/// <summary>y = |x|.</summary>
internal readonly struct AbsOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, y);
}

/// <summary>y = 1/x.</summary>
internal readonly struct ReciprocalOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Reciprocal(x, y);
}

/// <summary>y = sin x.</summary>
internal readonly struct SinOp : IUnaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sin(x, y);
}

/// <summary>y = cos x.</summary>
internal readonly struct CosOp : IUnaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Cos(x, y);
}

/// <summary>y = ⌊x⌋.</summary>
internal readonly struct FloorOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Floor(x, y);
}

/// <summary>y = x rounded to the nearest integer, ties to even (as PyTorch).</summary>
internal readonly struct RoundOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Round(x, y);
}

/// <summary>y = eˣ (own lanes: float results are correctly rounded, exp(0) = 1).</summary>
internal readonly struct ExpOp : IUnaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes.Map(x, y, default(ExpLane<T>));
}

/// <summary>y = log(1 + x), accurate for small |x| (TensorPrimitives.LogP1 is log(x + 1)).</summary>
internal readonly struct Log1pOp : IUnaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes.Map(x, y, default(Log1pLane<T>));
}

/// <summary>y = eˣ − 1, accurate for small |x| (TensorPrimitives.ExpM1 is exp(x) − 1).</summary>
internal readonly struct Expm1Op : IUnaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes.Map(x, y, default(Expm1Lane<T>));
}

/// <summary>y = sign(x) ∈ {−1, 0, 1}; NaN stays NaN.</summary>
internal readonly struct SignOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes.Map(x, y, default(SignLane<T>));
}

/// <summary>y = 1 where x is NaN, else 0.</summary>
internal readonly struct IsNaNOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes.Map(x, y, default(IsNaNLane<T>));
}

/// <summary>y = 1 where x is finite, else 0.</summary>
internal readonly struct IsFiniteOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes.Map(x, y, default(IsFiniteLane<T>));
}
