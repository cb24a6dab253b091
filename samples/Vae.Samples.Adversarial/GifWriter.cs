using System.Globalization;

namespace Vae.Samples.Adversarial;

/// <summary>
/// A tiny animated-GIF (GIF89a) encoder for the latent scatter frames: each frame is rasterised into a 16-colour
/// indexed picture (white background, the ten label colours of <c>SvgPlot.Palette</c>, grey prior samples) and
/// LZW-compressed; the animation loops forever.
/// </summary>
internal static class GifWriter
{
    private const byte Background = 0, Prior = 10 + 1, Grid = 12, Border = 13, Bar = 14;

    private static readonly string[] Colors =
    [
        "#ffffff", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#c8c8c8", "#e5e5e5", "#333333", "#666666", "#000000",
    ];

    /// <summary>Writes the frames as one looping GIF.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="frames">Per frame: point coordinates and colour index (0–9 a label, 10 a prior sample).</param>
    /// <param name="range">Plot range on both axes.</param>
    /// <param name="size">Picture width and height in pixels.</param>
    /// <param name="delayCentiseconds">Time per frame (the last frame is held four times as long).</param>
    public static void WriteScatterAnimation(
        string path, IReadOnlyList<(double[] X, double[] Y, byte[] Color)> frames, (double Min, double Max) range, int size, int delayCentiseconds)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            w.Write("GIF89a"u8);
            w.Write((ushort)size);
            w.Write((ushort)size);
            w.Write((byte)0xF3); // global colour table, 8-bit colour resolution, 16 entries
            w.Write((byte)0);
            w.Write((byte)0);
            foreach (string c in Colors)
            {
                w.Write(byte.Parse(c.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                w.Write(byte.Parse(c.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                w.Write(byte.Parse(c.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }

            w.Write([0x21, 0xFF, 0x0B]);
            w.Write("NETSCAPE2.0"u8);
            w.Write([0x03, 0x01, 0x00, 0x00, 0x00]); // loop forever

            for (int f = 0; f < frames.Count; f++)
            {
                var pixels = Rasterise(frames[f], range, size, frames.Count == 1 ? 1 : (double)f / (frames.Count - 1));
                int delay = f == frames.Count - 1 ? 4 * delayCentiseconds : delayCentiseconds;
                w.Write([0x21, 0xF9, 0x04, 0x04]); // graphic control: dispose by leaving in place, no transparency
                w.Write((ushort)delay);
                w.Write([(byte)0, (byte)0]);
                w.Write((byte)0x2C);
                w.Write((ushort)0);
                w.Write((ushort)0);
                w.Write((ushort)size);
                w.Write((ushort)size);
                w.Write((byte)0);
                w.Write((byte)4); // LZW minimum code size for 16 colours
                var data = Lzw(pixels, 4);
                for (int i = 0; i < data.Length; i += 255)
                {
                    int n = Math.Min(255, data.Length - i);
                    w.Write((byte)n);
                    w.Write(data, i, n);
                }

                w.Write((byte)0);
            }

            w.Write((byte)0x3B);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, stream.ToArray());
    }

    private static byte[] Rasterise((double[] X, double[] Y, byte[] Color) frame, (double Min, double Max) range, int size, double progress)
    {
        var p = new byte[size * size];
        int Px(double v) => (int)Math.Round((v - range.Min) / (range.Max - range.Min) * (size - 1));
        int zero = Px(0);
        for (int i = 0; i < size; i++)
        {
            p[(zero * size) + i] = Grid;
            p[(i * size) + zero] = Grid;
        }

        // Prior samples first (small), then codes on top (3×3 dots).
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < frame.X.Length; i++)
            {
                bool prior = frame.Color[i] >= 10;
                if (prior != (pass == 0) || !double.IsFinite(frame.X[i]) || !double.IsFinite(frame.Y[i]))
                {
                    continue;
                }

                int cx = Px(frame.X[i]), cy = size - 1 - Px(frame.Y[i]);
                byte color = prior ? Prior : (byte)(frame.Color[i] + 1);
                int r = prior ? 0 : 1;
                for (int dy = -r; dy <= r; dy++)
                {
                    for (int dx = -r; dx <= r; dx++)
                    {
                        int x = cx + dx, y = cy + dy;
                        if (x >= 0 && x < size && y >= 0 && y < size)
                        {
                            p[(y * size) + x] = color;
                        }
                    }
                }
            }
        }

        for (int i = 0; i < size; i++)
        {
            p[i] = p[((size - 1) * size) + i] = p[i * size] = p[(i * size) + size - 1] = Border;
        }

        // Progress bar along the bottom edge: how far through training this frame is.
        int bar = (int)Math.Round(progress * (size - 2));
        for (int y = size - 5; y < size - 1; y++)
        {
            for (int x = 1; x <= bar; x++)
            {
                p[(y * size) + x] = Bar;
            }
        }

        return p;
    }

    /// <summary>GIF's variable-width LZW: codes packed least-significant bit first, a clear code whenever the table fills.</summary>
    internal static byte[] Lzw(byte[] pixels, int minCodeSize)
    {
        int clear = 1 << minCodeSize, end = clear + 1;
        var output = new List<byte>(pixels.Length / 2);
        int bitBuffer = 0, bitCount = 0;
        void Emit(int code, int size)
        {
            bitBuffer |= code << bitCount;
            bitCount += size;
            while (bitCount >= 8)
            {
                output.Add((byte)bitBuffer);
                bitBuffer >>= 8;
                bitCount -= 8;
            }
        }

        var table = new Dictionary<int, int>();
        int next = end + 1, codeSize = minCodeSize + 1;
        Emit(clear, codeSize);
        int prefix = pixels.Length > 0 ? pixels[0] : 0;
        for (int i = 1; i < pixels.Length; i++)
        {
            int key = (prefix << 8) | pixels[i];
            if (table.TryGetValue(key, out int code))
            {
                prefix = code;
                continue;
            }

            Emit(prefix, codeSize);
            table[key] = next++;
            if (next == 4096)
            {
                Emit(clear, codeSize);
                table.Clear();
                next = end + 1;
                codeSize = minCodeSize + 1;
            }
            else if (next > (1 << codeSize))
            {
                codeSize++;
            }

            prefix = pixels[i];
        }

        if (pixels.Length > 0)
        {
            Emit(prefix, codeSize);
        }

        Emit(end, codeSize);
        if (bitCount > 0)
        {
            output.Add((byte)bitBuffer);
        }

        return [.. output];
    }
}
