using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vae.Core.Kernels;

/// <summary>
/// A hand-vectorised elementwise function y = f(x): a scalar reference form and the same computation on
/// <see cref="Vector512{T}"/> (AVX-512) and <see cref="Vector{T}"/> (AVX2 / NEON) lanes. Parameters live in the
/// struct's fields, so the JIT specialises and inlines each op into the <see cref="Lanes"/> loops.
/// </summary>
internal interface ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether an element costs a transcendental function or more (split over threads at smaller sizes).</summary>
    static virtual bool Expensive => false;

    T Invoke(T x);

    Vector<T> Invoke(Vector<T> x);

    Vector512<T> Invoke(Vector512<T> x);
}

/// <summary>A hand-vectorised elementwise function d = f(a, b); see <see cref="ILaneUnary{T}"/>.</summary>
internal interface ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether an element costs a transcendental function or more (split over threads at smaller sizes).</summary>
    static virtual bool Expensive => false;

    T Invoke(T a, T b);

    Vector<T> Invoke(Vector<T> a, Vector<T> b);

    Vector512<T> Invoke(Vector512<T> a, Vector512<T> b);
}

/// <summary>A hand-vectorised elementwise function d = f(a, b, c); see <see cref="ILaneUnary{T}"/>.</summary>
internal interface ILaneTernary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether an element costs a transcendental function or more (split over threads at smaller sizes).</summary>
    static virtual bool Expensive => false;

    T Invoke(T a, T b, T c);

    Vector<T> Invoke(Vector<T> a, Vector<T> b, Vector<T> c);

    Vector512<T> Invoke(Vector512<T> a, Vector512<T> b, Vector512<T> c);
}

/// <summary>
/// Loop drivers for <see cref="ILaneUnary{T}"/>-style ops over equal-length spans. The widest accelerated vector
/// type is used for the whole span: the tail is padded into a stack buffer and run through the same vector code,
/// so every element's value is independent of the span length and of its position. Without SIMD hardware the
/// scalar reference form runs. Outputs may alias inputs exactly (in place), not partially.
/// </summary>
internal static partial class Lanes
{
    /// <summary>y[i] = op(x[i]) on the widest accelerated vectors.</summary>
    public static void Map<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneUnary<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Map512(x, y, op);
        }
        else if (Vector.IsHardwareAccelerated)
        {
            MapVector(x, y, op);
        }
        else
        {
            MapScalar(x, y, op);
        }
    }

    /// <summary>d[i] = op(a[i], b[i]) on the widest accelerated vectors.</summary>
    public static void Map<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneBinary<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Map512(a, b, d, op);
        }
        else if (Vector.IsHardwareAccelerated)
        {
            MapVector(a, b, d, op);
        }
        else
        {
            MapScalar(a, b, d, op);
        }
    }

    /// <summary>d[i] = op(a[i], b[i], c[i]) on the widest accelerated vectors.</summary>
    public static void Map<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneTernary<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Map512(a, b, c, d, op);
        }
        else if (Vector.IsHardwareAccelerated)
        {
            MapVector(a, b, c, d, op);
        }
        else
        {
            MapScalar(a, b, c, d, op);
        }
    }

    /// <summary>The <see cref="Vector512{T}"/> form of the unary <c>Map</c> (callable directly by tests).</summary>
    public static void Map512<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneUnary<T>
    {
        CheckLengths(x.Length, y.Length, y.Length);
        int n = y.Length;
        int w = Vector512<T>.Count;
        int i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        for (; i <= n - w; i += w)
        {
            op.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }

        if (i < n)
        {
            Span<T> bx = stackalloc T[w];
            Pad(x[i..], bx);
            op.Invoke(Vector512.LoadUnsafe(ref bx[0])).StoreUnsafe(ref bx[0]);
            bx[..(n - i)].CopyTo(y[i..]);
        }
    }

    /// <summary>The <see cref="Vector{T}"/> form of the unary <c>Map</c> (callable directly by tests).</summary>
    public static void MapVector<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneUnary<T>
    {
        CheckLengths(x.Length, y.Length, y.Length);
        int n = y.Length;
        int w = Vector<T>.Count;
        int i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        for (; i <= n - w; i += w)
        {
            op.Invoke(Vector.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }

        if (i < n)
        {
            Span<T> bx = stackalloc T[w];
            Pad(x[i..], bx);
            op.Invoke(Vector.LoadUnsafe(ref bx[0])).StoreUnsafe(ref bx[0]);
            bx[..(n - i)].CopyTo(y[i..]);
        }
    }

    /// <summary>The <see cref="Vector512{T}"/> form of the binary <c>Map</c>.</summary>
    public static void Map512<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneBinary<T>
    {
        CheckLengths(a.Length, b.Length, d.Length);
        int n = d.Length;
        int w = Vector512<T>.Count;
        int i = 0;
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T dr = ref MemoryMarshal.GetReference(d);
        for (; i <= n - w; i += w)
        {
            op.Invoke(Vector512.LoadUnsafe(ref ar, (nuint)i), Vector512.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }

        if (i < n)
        {
            Span<T> ba = stackalloc T[w];
            Span<T> bb = stackalloc T[w];
            Pad(a[i..], ba);
            Pad(b[i..], bb);
            op.Invoke(Vector512.LoadUnsafe(ref ba[0]), Vector512.LoadUnsafe(ref bb[0])).StoreUnsafe(ref ba[0]);
            ba[..(n - i)].CopyTo(d[i..]);
        }
    }

    /// <summary>The <see cref="Vector{T}"/> form of the binary <c>Map</c>.</summary>
    public static void MapVector<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneBinary<T>
    {
        CheckLengths(a.Length, b.Length, d.Length);
        int n = d.Length;
        int w = Vector<T>.Count;
        int i = 0;
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T dr = ref MemoryMarshal.GetReference(d);
        for (; i <= n - w; i += w)
        {
            op.Invoke(Vector.LoadUnsafe(ref ar, (nuint)i), Vector.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }

        if (i < n)
        {
            Span<T> ba = stackalloc T[w];
            Span<T> bb = stackalloc T[w];
            Pad(a[i..], ba);
            Pad(b[i..], bb);
            op.Invoke(Vector.LoadUnsafe(ref ba[0]), Vector.LoadUnsafe(ref bb[0])).StoreUnsafe(ref ba[0]);
            ba[..(n - i)].CopyTo(d[i..]);
        }
    }

    /// <summary>The <see cref="Vector512{T}"/> form of the ternary <c>Map</c>.</summary>
    public static void Map512<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneTernary<T>
    {
        CheckLengths(a.Length, b.Length, d.Length);
        CheckLengths(c.Length, c.Length, d.Length);
        int n = d.Length;
        int w = Vector512<T>.Count;
        int i = 0;
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T cr = ref MemoryMarshal.GetReference(c);
        ref T dr = ref MemoryMarshal.GetReference(d);
        for (; i <= n - w; i += w)
        {
            op.Invoke(Vector512.LoadUnsafe(ref ar, (nuint)i), Vector512.LoadUnsafe(ref br, (nuint)i), Vector512.LoadUnsafe(ref cr, (nuint)i))
                .StoreUnsafe(ref dr, (nuint)i);
        }

        if (i < n)
        {
            Span<T> ba = stackalloc T[w];
            Span<T> bb = stackalloc T[w];
            Span<T> bc = stackalloc T[w];
            Pad(a[i..], ba);
            Pad(b[i..], bb);
            Pad(c[i..], bc);
            op.Invoke(Vector512.LoadUnsafe(ref ba[0]), Vector512.LoadUnsafe(ref bb[0]), Vector512.LoadUnsafe(ref bc[0])).StoreUnsafe(ref ba[0]);
            ba[..(n - i)].CopyTo(d[i..]);
        }
    }

    /// <summary>The <see cref="Vector{T}"/> form of the ternary <c>Map</c>.</summary>
    public static void MapVector<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneTernary<T>
    {
        CheckLengths(a.Length, b.Length, d.Length);
        CheckLengths(c.Length, c.Length, d.Length);
        int n = d.Length;
        int w = Vector<T>.Count;
        int i = 0;
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T cr = ref MemoryMarshal.GetReference(c);
        ref T dr = ref MemoryMarshal.GetReference(d);
        for (; i <= n - w; i += w)
        {
            op.Invoke(Vector.LoadUnsafe(ref ar, (nuint)i), Vector.LoadUnsafe(ref br, (nuint)i), Vector.LoadUnsafe(ref cr, (nuint)i))
                .StoreUnsafe(ref dr, (nuint)i);
        }

        if (i < n)
        {
            Span<T> ba = stackalloc T[w];
            Span<T> bb = stackalloc T[w];
            Span<T> bc = stackalloc T[w];
            Pad(a[i..], ba);
            Pad(b[i..], bb);
            Pad(c[i..], bc);
            op.Invoke(Vector.LoadUnsafe(ref ba[0]), Vector.LoadUnsafe(ref bb[0]), Vector.LoadUnsafe(ref bc[0])).StoreUnsafe(ref ba[0]);
            ba[..(n - i)].CopyTo(d[i..]);
        }
    }

    /// <summary>The scalar reference form of <see cref="Map{T, TOp}(ReadOnlySpan{T}, Span{T}, TOp)"/>.</summary>
    public static void MapScalar<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneUnary<T>
    {
        CheckLengths(x.Length, y.Length, y.Length);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = op.Invoke(x[i]);
        }
    }

    /// <summary>The scalar reference form of the binary <c>Map</c>.</summary>
    public static void MapScalar<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneBinary<T>
    {
        CheckLengths(a.Length, b.Length, d.Length);
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = op.Invoke(a[i], b[i]);
        }
    }

    /// <summary>The scalar reference form of the ternary <c>Map</c>.</summary>
    public static void MapScalar<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneTernary<T>
    {
        CheckLengths(a.Length, b.Length, d.Length);
        CheckLengths(c.Length, c.Length, d.Length);
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = op.Invoke(a[i], b[i], c[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pad<T>(ReadOnlySpan<T> tail, Span<T> buffer)
        where T : unmanaged
    {
        buffer.Clear();
        tail.CopyTo(buffer);
    }

    private static void CheckLengths(int a, int b, int d)
    {
        if (a != d || b != d)
        {
            throw new ArgumentException($"Span lengths differ: {a}, {b} and {d}.");
        }
    }
}

/// <summary>x ↦ op(x, b) for a fixed right operand: runs a binary lane op against a broadcast scalar.</summary>
internal readonly struct BindRight<T, TOp>(TOp op, T b) : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOp : struct, ILaneBinary<T>
{
    public T Invoke(T x) => op.Invoke(x, b);

    public Vector<T> Invoke(Vector<T> x) => op.Invoke(x, new Vector<T>(b));

    public Vector512<T> Invoke(Vector512<T> x) => op.Invoke(x, Vector512.Create(b));
}

/// <summary>x ↦ op(a, x) for a fixed left operand: runs a binary lane op against a broadcast scalar.</summary>
internal readonly struct BindLeft<T, TOp>(TOp op, T a) : ILaneUnary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOp : struct, ILaneBinary<T>
{
    public T Invoke(T x) => op.Invoke(a, x);

    public Vector<T> Invoke(Vector<T> x) => op.Invoke(new Vector<T>(a), x);

    public Vector512<T> Invoke(Vector512<T> x) => op.Invoke(Vector512.Create(a), x);
}

/// <summary>
/// Runs a parameterless binary lane op in the three span shapes of <see cref="IBinaryOp"/>, so that lane ops plug
/// into the broadcasting driver <see cref="Elementwise.Binary{TOp}(Tensor, Tensor, string)"/>.
/// </summary>
internal static class LaneBinary
{
    public static void Apply<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneBinary<T> => Lanes.Map(x, y, d, default(TOp));

    public static void Apply<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneBinary<T> => Lanes.Map(x, d, new BindRight<T, TOp>(default, y));

    public static void Apply<T, TOp>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneBinary<T> => Lanes.Map(y, d, new BindLeft<T, TOp>(default, x));
}
