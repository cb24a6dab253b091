using System.Buffers.Binary;
using System.IO.Compression;
using Vae.Core;
using Vae.Models.Visualization;

namespace Vae.Models.Tests;

public sealed class PngWriterTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        // CRC-32 (ISO-HDLC) of "123456789" is 0xCBF43926.
        (PngWriter.Crc32(0xFFFFFFFFu, "123456789"u8) ^ 0xFFFFFFFFu).Should().Be(0xCBF43926u);
    }

    [Fact]
    public void Encoded_png_decodes_back_to_the_pixels()
    {
        var pixels = new byte[] { 0, 64, 128, 255, 10, 20 };
        var png = PngWriter.Encode(pixels, width: 3, height: 2, channels: 1);
        png.AsSpan(0, 8).ToArray().Should().Equal(137, 80, 78, 71, 13, 10, 26, 10);
        DecodeGray(png, out int w, out int h).Should().Equal(pixels);
        (w, h).Should().Be((3, 2));
    }

    [Fact]
    public void Wrong_pixel_count_throws_naming_sizes()
    {
        var act = () => PngWriter.Encode(new byte[5], 3, 2, 1);
        act.Should().Throw<ArgumentException>().WithMessage("*5 bytes*3×2*");
    }

    [Fact]
    public void ImageGrid_places_images_in_rows_and_columns()
    {
        var images = Tensor.FromArray([0f, 1f, 1f, 0f, /* image 2 */ 1f, 1f, 1f, 1f, /* image 3 */ 0f, 0f, 0f, 0f], 3, 2, 2);
        var (pix, w, h) = ImageGrid.Compose(images, columns: 2, padding: 1, background: 0.5);
        (w, h).Should().Be((7, 7));
        pix[(1 * w) + 1].Should().Be(0);     // image 0, (0,0)
        pix[(1 * w) + 2].Should().Be(255);   // image 0, (0,1)
        pix[(1 * w) + 4].Should().Be(255);   // image 1 starts at column 4
        pix[(4 * w) + 1].Should().Be(0);     // image 2 on the second row
        pix[0].Should().Be(128);             // padding
    }

    [Fact]
    public void Save_writes_a_file_atomically()
    {
        var dir = Directory.CreateTempSubdirectory("vae-png-");
        try
        {
            var path = Path.Combine(dir.FullName, "sub", "grid.png");
            ImageGrid.Save(path, Tensor.Rand(new Shape(4, 784), new Generator(1)));
            File.Exists(path).Should().BeTrue();
            DecodeGray(File.ReadAllBytes(path), out int w, out _).Length.Should().BeGreaterThan(0);
            w.Should().Be((2 * 30) + 2);
            Directory.GetFiles(Path.GetDirectoryName(path)!).Should().HaveCount(1);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Minimal decoder for the files we write (8-bit gray, filter 0) to check round trips.</summary>
    private static byte[] DecodeGray(byte[] png, out int width, out int height)
    {
        int pos = 8;
        width = height = 0;
        using var idat = new MemoryStream();
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, len);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            (PngWriter.Crc32(0xFFFFFFFFu, png.AsSpan(pos + 4, 4 + len)) ^ 0xFFFFFFFFu).Should().Be(crc, $"CRC of {type}");
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                data[8].Should().Be(8);
                data[9].Should().Be(0);
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
        var result = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            bytes[y * (width + 1)].Should().Be(0);
            Array.Copy(bytes, (y * (width + 1)) + 1, result, y * width, width);
        }

        return result;
    }
}
