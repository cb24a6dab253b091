using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vae.Core.Data;

/// <summary>Vectorised conversions from raw pixel bytes.</summary>
internal static class ByteConversion
{
    /// <summary><c>destination[i] = source[i] / 255f</c> (correctly rounded, as PyTorch's <c>x.float() / 255</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per load: skip the slow tier-0 code
    public static void ScaleToUnit(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Destination of length {destination.Length} is shorter than the source ({source.Length}).", nameof(destination));
        }

        int i = 0;
        int width = Vector<byte>.Count;
        if (Vector.IsHardwareAccelerated && source.Length >= width)
        {
            int floats = Vector<float>.Count;
            var div = new Vector<float>(255f);
            ref byte src = ref MemoryMarshal.GetReference(source);
            ref float dst = ref MemoryMarshal.GetReference(destination);
            for (; i <= source.Length - width; i += width)
            {
                var bytes = Vector.LoadUnsafe(ref src, (nuint)i);
                Vector.Widen(bytes, out Vector<ushort> lo, out Vector<ushort> hi);
                Vector.Widen(lo, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(hi, out Vector<uint> c, out Vector<uint> d);
                (Vector.ConvertToSingle(Vector.AsVectorInt32(a)) / div).StoreUnsafe(ref dst, (nuint)i);
                (Vector.ConvertToSingle(Vector.AsVectorInt32(b)) / div).StoreUnsafe(ref dst, (nuint)(i + floats));
                (Vector.ConvertToSingle(Vector.AsVectorInt32(c)) / div).StoreUnsafe(ref dst, (nuint)(i + (2 * floats)));
                (Vector.ConvertToSingle(Vector.AsVectorInt32(d)) / div).StoreUnsafe(ref dst, (nuint)(i + (3 * floats)));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i] / 255f;
        }
    }
}
