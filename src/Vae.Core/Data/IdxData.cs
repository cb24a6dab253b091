namespace Vae.Core.Data;

/// <summary>
/// The contents of an IDX file read by <see cref="IdxReader"/>: element type, dimension sizes (outermost first) and
/// the raw element bytes in file order (row-major; multi-byte types stay big-endian as stored).
/// </summary>
public sealed class IdxData
{
    internal IdxData(IdxDataType dataType, int[] dimensions, byte[] data)
    {
        DataType = dataType;
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>Dimension sizes, outermost first (e.g. <c>[60000, 28, 28]</c> for MNIST training images).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The element bytes (<see cref="Count"/> × <see cref="ElementSize"/> of them) in file order.</summary>
    public byte[] Data { get; }

    /// <summary>Number of elements (product of <see cref="Dimensions"/>).</summary>
    public long Count => Data.LongLength / ElementSize;

    /// <summary>Size of one element in bytes.</summary>
    public int ElementSize => IdxFormat.ElementSize(DataType);
}
