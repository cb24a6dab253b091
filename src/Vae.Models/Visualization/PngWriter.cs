using System.Buffers.Binary;
using System.IO.Compression;

namespace Vae.Models.Visualization;

/// <summary>
/// Writes 8-bit grayscale or RGB PNG files with no native dependencies (zlib from System.IO.Compression,
/// CRC-32 computed here). Files are written atomically: to a temporary file first, then moved into place.
/// </summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Writes a grayscale image.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="pixels">Row-major intensities, <paramref name="width"/>·<paramref name="height"/> bytes.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void WriteGray(string path, ReadOnlySpan<byte> pixels, int width, int height) =>
        Write(path, pixels, width, height, channels: 1);

    /// <summary>Writes an RGB image.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="pixels">Row-major interleaved RGB, 3·<paramref name="width"/>·<paramref name="height"/> bytes.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void WriteRgb(string path, ReadOnlySpan<byte> pixels, int width, int height) =>
        Write(path, pixels, width, height, channels: 3);

    /// <summary>Encodes an image as PNG bytes.</summary>
    /// <param name="pixels">Row-major pixels, <paramref name="channels"/> bytes per pixel.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="channels">1 (grayscale) or 3 (RGB).</param>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), $"PNG: channels must be 1 or 3, got {channels}.");
        }

        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"PNG: image size must be positive, got {width}×{height}.");
        }

        long expected = (long)width * height * channels;
        if (pixels.Length != expected)
        {
            throw new ArgumentException($"PNG: {pixels.Length} bytes given for a {width}×{height} image with {channels} channel(s) ({expected} bytes).", nameof(pixels));
        }

        using var ms = new MemoryStream();
        ms.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = (byte)(channels == 1 ? 0 : 2); // colour type: gray or truecolour
        ihdr[10] = 0; // compression
        ihdr[11] = 0; // filter
        ihdr[12] = 0; // no interlace
        WriteChunk(ms, "IHDR"u8, ihdr);

        int stride = width * channels;
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    z.WriteByte(0); // filter: none
                    z.Write(pixels.Slice(y * stride, stride));
                }
            }

            WriteChunk(ms, "IDAT"u8, raw.ToArray());
        }

        WriteChunk(ms, "IEND"u8, []);
        return ms.ToArray();
    }

    private static void Write(string path, ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Encode(pixels, width, height, channels);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        s.Write(type);
        s.Write(data);
        uint crc = Crc32(Crc32(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(len, crc);
        s.Write(len);
    }

    internal static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
