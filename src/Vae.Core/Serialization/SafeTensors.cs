using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Vae.Core.Serialization;

/// <summary>
/// Reads and writes <see href="https://huggingface.co/docs/safetensors">safetensors</see> checkpoints: an 8-byte
/// little-endian header length N, N bytes of UTF-8 JSON describing each tensor (dtype, shape, data_offsets) plus an
/// optional <c>__metadata__</c> string map, then the tensors' little-endian row-major bytes. Files written here are
/// byte-for-byte what the reference Python/Rust library writes for the same tensors and metadata, so checkpoints move
/// between Vae.NET and PyTorch.
/// </summary>
public static class SafeTensors
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes <paramref name="tensors"/> (any shapes, float32 as F32 and float64 as F64) and optional string
    /// <paramref name="metadata"/> to <paramref name="path"/> atomically: the bytes go to a temporary file in the same
    /// folder, which is flushed to disk and then renamed over <paramref name="path"/>. If anything fails, the temporary
    /// file is deleted and an existing file at <paramref name="path"/> is left untouched.
    /// </summary>
    /// <remarks>
    /// The output is deterministic and matches the reference writer: tensors ordered by dtype alignment (F64 before
    /// F32) and then by name (UTF-8 byte order), compact JSON, <c>__metadata__</c> first (its keys sorted by UTF-8
    /// bytes; the reference writer leaves their order unspecified), header padded with spaces to a multiple of 8 bytes.
    /// </remarks>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">Tensors by name; a name may not be <c>__metadata__</c>.</param>
    /// <param name="metadata">Optional free-form string annotations (null writes no <c>__metadata__</c> entry).</param>
    /// <exception cref="ArgumentException">A tensor is null, a name is reserved or not valid UTF-16, or the header would exceed 100 MB.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SaveAtomically(path, tensors, metadata, wrapStream: null);

    /// <summary>
    /// Writes <paramref name="tensors"/> and optional <paramref name="metadata"/> in safetensors format to
    /// <paramref name="stream"/> (at its current position), as <see cref="Save(string, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, string}?)"/> does.
    /// </summary>
    /// <param name="stream">A writable stream; it is flushed but not closed.</param>
    /// <param name="tensors">Tensors by name; a name may not be <c>__metadata__</c>.</param>
    /// <param name="metadata">Optional free-form string annotations (null writes no <c>__metadata__</c> entry).</param>
    public static void Save(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Write(stream, Prepare(tensors, metadata));
        stream.Flush();
    }

    /// <summary>
    /// Reads a safetensors file. F32 loads as float32 and F64 as float64, bit for bit. Other stored dtypes are
    /// converted exactly: F16, BF16, F8_E5M2, F8_E4M3, BOOL (0/1), U8, I8, I16 and U16 load as float32; I32, U32, I64
    /// and U64 load as float64 (exact up to 2^53 in magnitude, larger 64-bit values rounded to nearest).
    /// <see cref="SafeTensorsFile.StoredDTypes"/> tells what each tensor was.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="InvalidDataException">
    /// The file is not valid safetensors (truncated, bad header length, malformed or non-UTF-8 JSON, missing or
    /// mistyped fields, unknown dtype, bad shapes or offsets, overlapping tensors or uncovered bytes, duplicate names,
    /// non-string metadata); the message names the file and the problem.
    /// </exception>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return SafeTensorsReader.Read(fs, fs.Length, path);
    }

    /// <summary>
    /// Reads safetensors content from <paramref name="stream"/>, from its current position to its end (a stream that
    /// cannot seek is first copied to memory). Dtypes and errors as in <see cref="Load(string)"/>.
    /// </summary>
    /// <param name="stream">A readable stream; it is not closed.</param>
    public static SafeTensorsFile Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string source = stream is FileStream f ? f.Name : "<stream>";
        if (stream.CanSeek)
        {
            return SafeTensorsReader.Read(stream, stream.Length - stream.Position, source);
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return SafeTensorsReader.Read(copy, copy.Length, source);
    }

    /// <summary>Reads safetensors content held in memory. Dtypes and errors as in <see cref="Load(string)"/>.</summary>
    /// <param name="data">The whole content of a safetensors file.</param>
    public static unsafe SafeTensorsFile Load(ReadOnlySpan<byte> data)
    {
        const string source = "<memory>";
        if (data.IsEmpty)
        {
            return SafeTensorsReader.Read(Stream.Null, 0, source);
        }

        fixed (byte* p = data)
        {
            using var s = new UnmanagedMemoryStream(p, data.Length);
            return SafeTensorsReader.Read(s, data.Length, source);
        }
    }

    /// <summary>The atomic file writer; <paramref name="wrapStream"/> lets tests inject failures into the write.</summary>
    internal static void SaveAtomically(string path, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata, Func<Stream, Stream>? wrapStream)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var prepared = Prepare(tensors, metadata); // All argument validation happens before the disk is touched.
        string full = Path.GetFullPath(path);
        string fileName = Path.GetFileName(full);
        if (fileName.Length == 0)
        {
            throw new ArgumentException($"SafeTensors.Save: '{path}' names a folder, not a file.", nameof(path));
        }

        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{fileName}.{Guid.NewGuid():N}.tmp");
        bool created = false;
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                created = true;
                var s = wrapStream is null ? fs : wrapStream(fs);
                Write(s, prepared);
                s.Flush();
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            if (created)
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                    // Best effort: the original exception matters more.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }

            throw;
        }
    }

    private static Prepared Prepare(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var items = new List<(byte[] Name, Tensor Tensor)>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            if (name is null || name == SafeTensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"SafeTensors.Save: '{name ?? "null"}' cannot be a tensor name.", nameof(tensors));
            }

            if (tensor is null)
            {
                throw new ArgumentException($"SafeTensors.Save: tensor '{name}' is null.", nameof(tensors));
            }

            items.Add((Utf8(name, "tensor name", nameof(tensors)), tensor));
        }

        // The reference writer's order: descending dtype alignment (F64 before F32), then name.
        items.Sort(static (a, b) =>
        {
            int c = SafeTensorsDTypes.StoredAs(b.Tensor.DType).CompareTo(SafeTensorsDTypes.StoredAs(a.Tensor.DType));
            return c != 0 ? c : a.Name.AsSpan().SequenceCompareTo(b.Name);
        });

        List<(byte[] Key, byte[] Value)>? meta = null;
        if (metadata is not null)
        {
            meta = new List<(byte[] Key, byte[] Value)>(metadata.Count);
            foreach (var (key, value) in metadata)
            {
                if (key is null || value is null)
                {
                    throw new ArgumentException($"SafeTensors.Save: metadata entry '{key ?? "null"}' has a null key or value.", nameof(metadata));
                }

                meta.Add((Utf8(key, "metadata key", nameof(metadata)), Utf8(value, $"metadata value of '{key}'", nameof(metadata))));
            }

            meta.Sort(static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        }

        var layout = new List<(byte[] Name, SafeTensorsDType DType, Shape Shape, long Begin, long End)>(items.Count);
        long offset = 0;
        foreach (var (name, tensor) in items)
        {
            long n = (long)tensor.Numel * tensor.DType.ElementSize();
            layout.Add((name, SafeTensorsDTypes.StoredAs(tensor.DType), tensor.Shape, offset, offset + n));
            offset += n;
        }

        byte[] header = SafeTensorsHeader.Write(layout, meta);
        if (header.Length > SafeTensorsHeader.MaxLength)
        {
            throw new ArgumentException(
                $"SafeTensors.Save: the header would be {header.Length} bytes, above the {SafeTensorsHeader.MaxLength}-byte limit readers enforce.",
                nameof(tensors));
        }

        return new Prepared(header, items.ConvertAll(static i => i.Tensor));
    }

    private static byte[] Utf8(string text, string what, string paramName)
    {
        try
        {
            return StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"SafeTensors.Save: {what} '{text}' is not valid UTF-16 ({e.Message}).", paramName, e);
        }
    }

    private static void Write(Stream stream, Prepared prepared)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)prepared.Header.Length);
        stream.Write(prefix);
        stream.Write(prepared.Header);
        foreach (var t in prepared.Tensors)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(t.DType == DType.Float32 ? MemoryMarshal.AsBytes(t.Span<float>()) : MemoryMarshal.AsBytes(t.Span<double>()));
            }
            else
            {
                WriteSwapped(stream, t);
            }
        }
    }

    private static void WriteSwapped(Stream stream, Tensor t)
    {
        var buffer = new byte[8 * 4096];
        int size = t.DType.ElementSize();
        for (int start = 0; start < t.Numel; start += 4096)
        {
            int count = Math.Min(4096, t.Numel - start);
            for (int i = 0; i < count; i++)
            {
                if (size == 4)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), t.Span<float>()[start + i]);
                }
                else
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(8 * i), t.Span<double>()[start + i]);
                }
            }

            stream.Write(buffer, 0, count * size);
        }
    }

    private sealed record Prepared(byte[] Header, List<Tensor> Tensors);
}
