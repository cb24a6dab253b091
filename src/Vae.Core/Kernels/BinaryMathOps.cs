using System.Numerics;
using System.Numerics.Tensors;

namespace Vae.Core.Kernels;

/// <summary>d = xʸ with the IEEE pow special cases (pow(x, 0) = 1, pow(−8, ⅓) = NaN).</summary>
internal readonly struct PowOp : IBinaryOp
{
    public static bool Expensive => true;

    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
}

/// <summary>d = max(x, y); NaN propagates, +0 &gt; −0.</summary>
internal readonly struct MaximumOp : IBinaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(y, x, d);
}

/// <summary>d = min(x, y); NaN propagates, −0 &lt; +0.</summary>
internal readonly struct MinimumOp : IBinaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(x, y, d);

    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(x, y, d);

    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(y, x, d);
}

/// <summary>y = min(max(x, lo), hi) with either bound optional; NaN stays NaN; lo &gt; hi gives hi (as PyTorch).</summary>
internal static class ClampOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y, double? lo, double? hi)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (lo is double min)
        {
            TensorPrimitives.Max(x, T.CreateTruncating(min), y);
            x = y;
        }

        if (hi is double max)
        {
            TensorPrimitives.Min(x, T.CreateTruncating(max), y);
        }
    }
}
