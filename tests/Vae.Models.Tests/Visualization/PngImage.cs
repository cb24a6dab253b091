using System.Buffers.Binary;
using System.IO.Compression;

namespace Vae.Models.Tests;

/// <summary>Reads the 8-bit grayscale, filter-0 PNG files the library writes (enough for layout checks).</summary>
internal sealed record PngImage(byte[] Pixels, int Width, int Height)
{
    public byte this[int x, int y] => Pixels[(y * Width) + x];

    public static PngImage Read(string path)
    {
        var png = File.ReadAllBytes(path);
        int pos = 8, width = 0, height = 0;
        using var idat = new MemoryStream();
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, len);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                data[9].Should().Be(0, "grayscale");
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            pos += 12 + len;
        }

        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            Array.Copy(bytes, (y * (width + 1)) + 1, pixels, y * width, width);
        }

        return new PngImage(pixels, width, height);
    }
}
