namespace Vae.Core.Data;

/// <summary>Constants and small helpers of the IDX format (LeCun et al.'s MNIST file format).</summary>
internal static class IdxFormat
{
    /// <summary>Largest rank accepted; real files use 1 (labels) or 3 (images).</summary>
    public const int MaxRank = 8;

    /// <summary>
    /// Upper bound on the ratio of decompressed to compressed size for deflate (about 1032:1), used to reject gzip
    /// files whose header declares more data than the compressed bytes could possibly hold.
    /// </summary>
    public const long MaxDeflateRatio = 1032;

    public static bool IsDefined(byte code) =>
        code is (byte)IdxDataType.UnsignedByte or (byte)IdxDataType.SignedByte or (byte)IdxDataType.Int16
            or (byte)IdxDataType.Int32 or (byte)IdxDataType.Float32 or (byte)IdxDataType.Float64;

    public static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Float32 => 4,
        IdxDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown IDX data type."),
    };

    public static string Name(IdxDataType type) => type switch
    {
        IdxDataType.UnsignedByte => "unsigned byte (0x08)",
        IdxDataType.SignedByte => "signed byte (0x09)",
        IdxDataType.Int16 => "int16 (0x0B)",
        IdxDataType.Int32 => "int32 (0x0C)",
        IdxDataType.Float32 => "float32 (0x0D)",
        IdxDataType.Float64 => "float64 (0x0E)",
        _ => $"unknown (0x{(byte)type:X2})",
    };
}
