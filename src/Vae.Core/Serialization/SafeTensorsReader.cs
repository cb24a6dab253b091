using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Vae.Core.Serialization;

/// <summary>
/// Streams a safetensors file into tensors: the header is read and fully validated against the known length before
/// any tensor storage is allocated, so a malformed file can never make the reader allocate more than the file holds.
/// </summary>
internal static class SafeTensorsReader
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Reads <paramref name="length"/> bytes of safetensors content from the current position.</summary>
    public static SafeTensorsFile Read(Stream stream, long length, string source)
    {
        if (length < 8)
        {
            throw SafeTensorsHeader.Invalid(source, $"it is {length} bytes long, shorter than the 8-byte header length.");
        }

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, source);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > SafeTensorsHeader.MaxLength)
        {
            throw SafeTensorsHeader.Invalid(source, $"the header length {n} exceeds the {SafeTensorsHeader.MaxLength}-byte limit.");
        }

        if (n > (ulong)(length - 8))
        {
            throw SafeTensorsHeader.Invalid(source, $"the header length {n} is larger than the {length - 8} bytes that follow it.");
        }

        var headerBytes = new byte[(int)n];
        ReadExactly(stream, headerBytes, source);
        var header = SafeTensorsHeader.Parse(headerBytes, length - 8 - (long)n, source);

        var names = new List<string>(header.Entries.Count);
        var tensors = new Dictionary<string, Tensor>(header.Entries.Count, StringComparer.Ordinal);
        var stored = new Dictionary<string, string>(header.Entries.Count, StringComparer.Ordinal);
        foreach (var e in header.Entries)
        {
            // Entries tile the buffer in order, so reading them one after another follows the file.
            var t = Tensor.Empty(new Shape(e.Shape), e.DType.LoadsAs());
            ReadData(stream, e, t, source);
            names.Add(e.Name);
            tensors.Add(e.Name, t);
            stored.Add(e.Name, e.DType.Code());
        }

        return new SafeTensorsFile(names, tensors, stored, header.Metadata);
    }

    private static void ReadData(Stream stream, SafeTensorsEntry e, Tensor t, string source)
    {
        if (BitConverter.IsLittleEndian && e.DType == SafeTensorsDType.F32)
        {
            ReadExactly(stream, MemoryMarshal.AsBytes(t.Span<float>()), source);
            return;
        }

        if (BitConverter.IsLittleEndian && e.DType == SafeTensorsDType.F64)
        {
            ReadExactly(stream, MemoryMarshal.AsBytes(t.Span<double>()), source);
            return;
        }

        int size = e.DType.Size();
        int perChunk = ChunkBytes / size;
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(ChunkBytes, e.End - e.Begin));
        try
        {
            for (int start = 0; start < t.Numel; start += perChunk)
            {
                int count = Math.Min(perChunk, t.Numel - start);
                var bytes = buffer.AsSpan(0, count * size);
                ReadExactly(stream, bytes, source);
                if (t.DType == DType.Float32)
                {
                    SafeTensorsDTypes.Convert(e.DType, bytes, t.Span<float>().Slice(start, count));
                }
                else
                {
                    SafeTensorsDTypes.Convert(e.DType, bytes, t.Span<double>().Slice(start, count));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> destination, string source)
    {
        try
        {
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException e)
        {
            throw SafeTensorsHeader.Invalid(source, $"the file ended early ({e.Message}); it is truncated or changed while being read.");
        }
    }
}
