using System.Buffers.Binary;

namespace Vae.Core.Serialization;

/// <summary>
/// The safetensors element types this reader understands. The numeric order is that of the reference
/// implementation's <c>Dtype</c> enum (increasing alignment), which its writer uses to order tensors.
/// </summary>
internal enum SafeTensorsDType
{
    Bool,
    U8,
    I8,
    F8E5M2,
    F8E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
}

/// <summary>Codes, sizes and conversions of <see cref="SafeTensorsDType"/>.</summary>
internal static class SafeTensorsDTypes
{
    private static readonly string[] Codes =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];

    /// <summary>The header spelling (<c>F32</c>, <c>BF16</c>, …).</summary>
    public static string Code(this SafeTensorsDType dtype) => Codes[(int)dtype];

    /// <summary>Parses a header spelling (case-sensitive, as in the reference implementation).</summary>
    public static bool TryParse(string code, out SafeTensorsDType dtype)
    {
        int i = Array.IndexOf(Codes, code);
        dtype = (SafeTensorsDType)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>Bytes per element.</summary>
    public static int Size(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool or SafeTensorsDType.U8 or SafeTensorsDType.I8
            or SafeTensorsDType.F8E5M2 or SafeTensorsDType.F8E4M3 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
        _ => 8,
    };

    /// <summary>
    /// The Vae.Core dtype a stored dtype loads as: F64 and the 32/64-bit integers load as float64 (integers exact up
    /// to 2^53); everything else loads as float32, exactly.
    /// </summary>
    public static DType LoadsAs(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 or SafeTensorsDType.I32 or SafeTensorsDType.U32
            or SafeTensorsDType.I64 or SafeTensorsDType.U64 => DType.Float64,
        _ => DType.Float32,
    };

    /// <summary>The stored dtype Vae.Core writes for a tensor dtype.</summary>
    public static SafeTensorsDType StoredAs(DType dtype) => dtype == DType.Float64 ? SafeTensorsDType.F64 : SafeTensorsDType.F32;

    /// <summary>Converts little-endian stored elements that load as float32.</summary>
    public static void Convert(SafeTensorsDType dtype, ReadOnlySpan<byte> src, Span<float> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = dtype switch
            {
                SafeTensorsDType.Bool => src[i] != 0 ? 1f : 0f,
                SafeTensorsDType.U8 => src[i],
                SafeTensorsDType.I8 => (sbyte)src[i],
                SafeTensorsDType.F8E5M2 => (float)BitConverter.UInt16BitsToHalf((ushort)(src[i] << 8)),
                SafeTensorsDType.F8E4M3 => Float8E4M3ToSingle(src[i]),
                SafeTensorsDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]),
                SafeTensorsDType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]),
                SafeTensorsDType.F16 => (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..])),
                SafeTensorsDType.BF16 => BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]) << 16),
                SafeTensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]),
                _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Does not load as float32."),
            };
        }
    }

    /// <summary>Converts little-endian stored elements that load as float64.</summary>
    public static void Convert(SafeTensorsDType dtype, ReadOnlySpan<byte> src, Span<double> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = dtype switch
            {
                SafeTensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]),
                SafeTensorsDType.U32 => BinaryPrimitives.ReadUInt32LittleEndian(src[(4 * i)..]),
                SafeTensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]),
                SafeTensorsDType.U64 => BinaryPrimitives.ReadUInt64LittleEndian(src[(8 * i)..]),
                SafeTensorsDType.F64 => BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]),
                _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Does not load as float64."),
            };
        }
    }

    /// <summary>
    /// OCP FP8 E4M3 ("fn": finite, no infinities; S.1111.111 is NaN): exponent bias 7, 3 mantissa bits.
    /// </summary>
    private static float Float8E4M3ToSingle(byte b)
    {
        int sign = b >> 7, exp = (b >> 3) & 0xF, man = b & 0x7;
        float magnitude = exp == 0xF && man == 0x7 ? float.NaN
            : exp == 0 ? MathF.ScaleB(man, -9)
            : MathF.ScaleB(8 + man, exp - 10);
        return sign == 1 ? -magnitude : magnitude;
    }
}
