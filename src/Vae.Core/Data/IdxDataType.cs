namespace Vae.Core.Data;

/// <summary>The element type code stored in the third byte of an IDX file's magic number.</summary>
public enum IdxDataType : byte
{
    /// <summary>Unsigned byte (code 0x08); the type of every MNIST-format file.</summary>
    UnsignedByte = 0x08,

    /// <summary>Signed byte (code 0x09).</summary>
    SignedByte = 0x09,

    /// <summary>Big-endian 16-bit signed integer (code 0x0B).</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian 32-bit signed integer (code 0x0C).</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian IEEE 754 single precision (code 0x0D).</summary>
    Float32 = 0x0D,

    /// <summary>Big-endian IEEE 754 double precision (code 0x0E).</summary>
    Float64 = 0x0E,
}
