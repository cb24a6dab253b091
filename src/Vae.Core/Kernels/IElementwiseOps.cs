using System.Numerics;

namespace Vae.Core.Kernels;

/// <summary>A vectorised elementwise function y = f(x) over spans (generic over float/double).</summary>
internal interface IUnaryOp
{
    /// <summary>Whether an element costs a transcendental function or more (split over threads at smaller sizes).</summary>
    static virtual bool Expensive => false;

    static abstract void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A vectorised elementwise function d = f(x, y) over spans, with scalar-operand forms for broadcasting.</summary>
internal interface IBinaryOp
{
    /// <summary>Whether an element costs a transcendental function or more (split over threads at smaller sizes).</summary>
    static virtual bool Expensive => false;

    static abstract void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>;

    static abstract void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>;

    static abstract void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
