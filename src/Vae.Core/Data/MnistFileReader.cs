namespace Vae.Core.Data;

/// <summary>Decodes MNIST-layout IDX files: pixels as raw bytes (converted to floats on demand by <see cref="MnistData"/>), labels as ints.</summary>
internal static class MnistFileReader
{
    /// <summary>
    /// Reads an images file (unsigned bytes, rank 3) into its raw pixel bytes, row-major <c>[N, rows·cols]</c>.
    /// </summary>
    /// <remarks>The header's image count must equal <paramref name="labelCount"/> (checked before decoding).</remarks>
    public static (byte[] Pixels, int Height, int Width) ReadImages(string path, string? expectedSha256, int labelCount, string labelsPath)
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

        byte[] pixels;
        if (source.SizeCorroborated)
        {
            // The size is confirmed by the file itself: read straight into the exact-size array.
            pixels = GC.AllocateUninitializedArray<byte>(checked(n * h * w));
            source.ReadDataExactly(pixels);
        }
        else
        {
            pixels = IdxReader.ReadAllData(source);
        }

        IdxReader.CheckSha256(source, source.Complete(), expectedSha256);
        return (pixels, h, w);
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
