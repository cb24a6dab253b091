using System.Buffers.Binary;
using System.Text;
using Vae.Core;
using Vae.Core.Serialization;

namespace Vae.Core.Tests;

/// <summary>Builds safetensors bytes by hand from the format spec, independently of the writer under test.</summary>
internal static class SafeTensorsTestFiles
{
    /// <summary>8-byte little-endian length, the JSON (padded with spaces to a multiple of 8 when asked), then data.</summary>
    public static byte[] Build(string json, byte[] data, bool pad = true)
    {
        var header = new List<byte>(Encoding.UTF8.GetBytes(json));
        while (pad && header.Count % 8 != 0)
        {
            header.Add((byte)' ');
        }

        return BuildRaw([.. header], data);
    }

    /// <summary>Length prefix of the given header bytes, header, data.</summary>
    public static byte[] BuildRaw(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>Little-endian bytes of float32 values.</summary>
    public static byte[] F32(params float[] values)
    {
        var b = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        }

        return b;
    }

    /// <summary>Little-endian bytes of float64 values.</summary>
    public static byte[] F64(params double[] values)
    {
        var b = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(8 * i), values[i]);
        }

        return b;
    }

    /// <summary>Saves to a byte array through the stream overload.</summary>
    public static byte[] SaveToBytes(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var ms = new MemoryStream();
        SafeTensors.Save(ms, tensors, metadata);
        return ms.ToArray();
    }

    /// <summary>A valid file with several float32/float64 tensors (incl. a scalar and an empty one) and metadata.</summary>
    public static byte[] SampleFile()
    {
        var g = new Generator(7);
        var tensors = new Dictionary<string, Tensor>
        {
            ["encoder.fc1.weight"] = Tensor.Randn(new Shape(3, 4), g),
            ["encoder.fc1.bias"] = Tensor.Randn(new Shape(3), g),
            ["decoder.weight"] = Tensor.Randn(new Shape(2, 3), g, DType.Float64),
            ["step"] = Tensor.Scalar(12.5),
            ["empty"] = Tensor.Zeros(new Shape(0)),
        };
        return SaveToBytes(tensors, new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3" });
    }

    /// <summary>The header length N stored in the first 8 bytes.</summary>
    public static int HeaderLength(byte[] file) => (int)BinaryPrimitives.ReadUInt64LittleEndian(file);

    /// <summary>Bit patterns of a float32 tensor's elements.</summary>
    public static int[] Bits32(Tensor t) => t.Span<float>().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Bit patterns of a float64 tensor's elements.</summary>
    public static long[] Bits64(Tensor t) => t.Span<double>().ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();
}
