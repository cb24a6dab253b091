using System.Buffers;

namespace Vae.Core.Data;

/// <summary>Decodes MNIST-layout IDX files straight into tensors (streaming; no full-size byte buffer).</summary>
internal static class MnistFileReader
{
    private const int ChunkSize = 1 << 18;

    /// <summary>
    /// Reads an images file (unsigned bytes, rank 3) into a float32 tensor scaled to [0, 1], of shape
    /// <c>[N, rows·cols]</c> or <c>[N, 1, rows, cols]</c>.
    /// </summary>
    /// <remarks>The header's image count must equal <paramref name="labelCount"/> (checked before decoding).</remarks>
    public static (Tensor Images, int Height, int Width) ReadImages(string path, string? expectedSha256, bool flatten, int labelCount, string labelsPath)
    {
        using var source = IdxSource.Open(path, computeSha256: expectedSha256 is not null);
        if (source.DataType != IdxDataType.UnsignedByte)
        {
            throw source.Fail($"expected unsigned byte (0x08) image data, found {IdxFormat.Name(source.DataType)}");
        }

        var dims = source.Dimensions;
        if (dims.Length != 3)
        {
            throw source.Fail($"expected images of rank 3 [count, rows, columns], found dimensions {Shape.Format(dims)}");
        }

        int n = dims[0], h = dims[1], w = dims[2];
        if (n != labelCount)
        {
            throw source.Fail($"it holds {n} images but '{labelsPath}' holds {labelCount} labels");
        }

        var shape = flatten ? new Shape(n, h * w) : new Shape(n, 1, h, w);
        var images = Tensor.Empty(shape, DType.Float32);
        var destination = images.Span<float>();
        if (source.SizeCorroborated)
        {
            // The size is confirmed by the file itself: decode chunk by chunk through a pooled buffer.
            var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                int offset = 0, read;
                while ((read = source.ReadData(chunk)) > 0)
                {
                    ByteConversion.ScaleToUnit(chunk.AsSpan(0, read), destination[offset..]);
                    offset += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
        else
        {
            ByteConversion.ScaleToUnit(IdxReader.ReadAllData(source), destination);
        }

        IdxReader.CheckSha256(source, source.Complete(), expectedSha256);
        return (images, h, w);
    }

    /// <summary>Reads a labels file (unsigned bytes, rank 1), checking every label is below <paramref name="numClasses"/>.</summary>
    public static int[] ReadLabels(string path, string? expectedSha256, int numClasses)
    {
        using var source = IdxSource.Open(path, computeSha256: expectedSha256 is not null);
        if (source.DataType != IdxDataType.UnsignedByte)
        {
            throw source.Fail($"expected unsigned byte (0x08) labels, found {IdxFormat.Name(source.DataType)}");
        }

        if (source.Dimensions.Length != 1)
        {
            throw source.Fail($"expected labels of rank 1 [count], found dimensions {Shape.Format(source.Dimensions)}");
        }

        var bytes = IdxReader.ReadAllData(source);
        IdxReader.CheckSha256(source, source.Complete(), expectedSha256);
        var labels = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] >= numClasses)
            {
                throw source.Fail($"label {bytes[i]} at index {i} is outside the {numClasses} classes [0, {numClasses - 1}]");
            }

            labels[i] = bytes[i];
        }

        return labels;
    }
}
