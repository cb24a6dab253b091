using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Vae.Core.Data;

/// <summary>
/// An IDX file opened for streaming: detects gzip by its magic bytes (0x1f 0x8b), parses and validates the header,
/// then hands out the element bytes chunk by chunk, optionally hashing every decompressed byte (SHA-256).
/// Every failure is an <see cref="InvalidDataException"/> naming the file and what was wrong.
/// </summary>
internal sealed class IdxSource : IDisposable
{
    private readonly Stream _outer;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly IncrementalHash? _hash;
    private long _remaining;

    private IdxSource(string name, Stream outer, Stream stream, bool leaveOpen, bool isGzip, bool computeSha256)
    {
        Name = name;
        _outer = outer;
        _stream = stream;
        _leaveOpen = leaveOpen;
        IsGzip = isGzip;
        _hash = computeSha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    }

    /// <summary>The file name (or caller-supplied name) used in messages.</summary>
    public string Name { get; }

    /// <summary>Whether the content is gzip-compressed.</summary>
    public bool IsGzip { get; }

    public IdxDataType DataType { get; private set; }

    public int[] Dimensions { get; private set; } = [];

    /// <summary>Number of element bytes the header declares.</summary>
    public long DataLength { get; private set; }

    /// <summary>
    /// True when the declared size was confirmed against the actual file before any data was read (a raw file of
    /// exactly the right length, or a gzip file whose trailer size field agrees); readers may then allocate the
    /// declared size up front. Otherwise they must grow buffers as data actually arrives.
    /// </summary>
    public bool SizeCorroborated { get; private set; }

    /// <summary>Opens a file (raw or gzip) and validates its header.</summary>
    public static IdxSource Open(string path, bool computeSha256 = false)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            return Open(fs, path, computeSha256, leaveOpen: false);
        }
        catch
        {
            fs.Dispose();
            throw;
        }
    }

    /// <summary>Opens a stream (raw or gzip) positioned at the start of an IDX file and validates its header.</summary>
    public static IdxSource Open(Stream stream, string name, bool computeSha256 = false, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> magic = stackalloc byte[2];
        long start = stream.CanSeek ? stream.Position : 0;
        int n = ReadFully(stream, magic);
        bool gzip = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;

        Stream inner = stream;
        long? rawAvailable = null, compressedLength = null;
        uint? trailerSize = null;
        if (stream.CanSeek)
        {
            long length = stream.Length - start;
            if (gzip)
            {
                compressedLength = length;
                if (length >= 18)
                {
                    // ISIZE: the uncompressed size modulo 2^32, in the last four bytes of a gzip member.
                    Span<byte> tail = stackalloc byte[4];
                    stream.Position = stream.Length - 4;
                    if (ReadFully(stream, tail) == 4)
                    {
                        trailerSize = BinaryPrimitives.ReadUInt32LittleEndian(tail);
                    }
                }
            }
            else
            {
                rawAvailable = length;
            }

            stream.Position = start;
        }
        else
        {
            inner = new PrefixedStream(magic[..n].ToArray(), stream);
        }

        if (gzip)
        {
            inner = new GZipStream(inner, CompressionMode.Decompress, leaveOpen: true);
        }

        var source = new IdxSource(name, stream, inner, leaveOpen, gzip, computeSha256);
        try
        {
            source.ReadHeader(rawAvailable, compressedLength, trailerSize);
            return source;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads up to <c>buffer.Length</c> element bytes; returns 0 once all declared bytes were read. Throws when the
    /// file ends before the declared data does.
    /// </summary>
    public int ReadData(Span<byte> buffer)
    {
        if (_remaining == 0)
        {
            return 0;
        }

        if (buffer.Length > _remaining)
        {
            buffer = buffer[..(int)_remaining];
        }

        int n = ReadRaw(buffer);
        if (n == 0)
        {
            throw Fail($"truncated data: dimensions {Shape.Format(Dimensions)} of {IdxFormat.Name(DataType)} need {DataLength} bytes, " +
                       $"but the data ends after {DataLength - _remaining}");
        }

        _remaining -= n;
        return n;
    }

    /// <summary>Fills <paramref name="buffer"/> with element bytes, throwing when the data ends first.</summary>
    public void ReadDataExactly(Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = ReadData(buffer);
            if (n == 0)
            {
                throw Fail($"internal: asked for {buffer.Length} bytes beyond the declared data");
            }

            buffer = buffer[n..];
        }
    }

    /// <summary>
    /// Checks that all declared data was read and nothing follows it; returns the SHA-256 (lower-case hex) of every
    /// decompressed byte when hashing was requested, else null.
    /// </summary>
    public string? Complete()
    {
        if (_remaining != 0)
        {
            throw Fail($"internal: {_remaining} declared bytes were not read");
        }

        Span<byte> probe = stackalloc byte[1];
        if (ReadRaw(probe) != 0)
        {
            throw Fail($"unexpected trailing bytes after the {DataLength} bytes declared by dimensions {Shape.Format(Dimensions)}");
        }

        return _hash is null ? null : Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    /// <summary>An <see cref="InvalidDataException"/> naming this file.</summary>
    public InvalidDataException Fail(string what) => new($"IDX file '{Name}': {what}.");

    public void Dispose()
    {
        if (!ReferenceEquals(_stream, _outer))
        {
            _stream.Dispose();
        }

        if (!_leaveOpen)
        {
            _outer.Dispose();
        }

        _hash?.Dispose();
    }

    private void ReadHeader(long? rawAvailable, long? compressedLength, uint? trailerSize)
    {
        Span<byte> head = stackalloc byte[4];
        int n = ReadFully(head);
        if (n < 4)
        {
            throw Fail($"truncated header: {n} byte(s), but an IDX file starts with a 4-byte magic number");
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (head[0] != 0 || head[1] != 0)
        {
            throw Fail($"bad magic number 0x{magic:X8}: not an IDX file (its first two bytes must be zero" +
                       (IsGzip ? ")" : "; gzip files are detected by their bytes 1f 8b, whatever the file name)"));
        }

        if (!IdxFormat.IsDefined(head[2]))
        {
            throw Fail($"unknown data type code 0x{head[2]:X2} in magic number 0x{magic:X8} " +
                       "(expected 0x08 unsigned byte, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)");
        }

        int rank = head[3];
        if (rank is 0 or > IdxFormat.MaxRank)
        {
            throw Fail($"rank {rank} in magic number 0x{magic:X8} is not supported (expected 1 to {IdxFormat.MaxRank})");
        }

        DataType = (IdxDataType)head[2];
        Span<byte> dimBytes = stackalloc byte[4 * rank];
        n = ReadFully(dimBytes);
        if (n < dimBytes.Length)
        {
            throw Fail($"truncated header: rank {rank} needs {dimBytes.Length} bytes of dimension sizes, got {n}");
        }

        var dims = new int[rank];
        long count = 1;
        bool overflow = false;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dimBytes[(4 * i)..]);
            if (d > int.MaxValue)
            {
                throw Fail($"dimension {i} declares {d} entries, more than {int.MaxValue}");
            }

            dims[i] = (int)d;
            if (d != 0 && count > long.MaxValue / d)
            {
                overflow = true;
            }
            else
            {
                count *= d;
            }
        }

        Dimensions = dims;
        int elementSize = IdxFormat.ElementSize(DataType);
        if (overflow || count > Array.MaxLength / elementSize)
        {
            throw Fail($"dimensions {Shape.Format(dims)} of {IdxFormat.Name(DataType)} declare more than {Array.MaxLength} bytes of data");
        }

        DataLength = count * elementSize;
        _remaining = DataLength;
        long headerLength = 4 + dimBytes.Length;
        if (rawAvailable is long available)
        {
            long after = available - headerLength;
            if (DataLength > after)
            {
                throw Fail($"truncated data: dimensions {Shape.Format(dims)} of {IdxFormat.Name(DataType)} need {DataLength} bytes " +
                           $"after the {headerLength}-byte header, but the file has only {after}");
            }

            if (DataLength < after)
            {
                throw Fail($"{after - DataLength} unexpected trailing bytes after the {DataLength} bytes declared by dimensions {Shape.Format(dims)}");
            }

            SizeCorroborated = true;
        }
        else if (compressedLength is long compressed)
        {
            long limit = compressed > long.MaxValue / IdxFormat.MaxDeflateRatio ? long.MaxValue : (compressed * IdxFormat.MaxDeflateRatio) + 1024;
            if (headerLength + DataLength > limit)
            {
                throw Fail($"dimensions {Shape.Format(dims)} declare {DataLength} bytes of data, more than {compressed} gzip-compressed " +
                           "bytes can hold: the header is corrupt or the file is truncated");
            }

            SizeCorroborated = trailerSize == (uint)(headerLength + DataLength);
        }
    }

    private int ReadFully(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = ReadRaw(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>Reads decompressed bytes, hashing them and naming the file in gzip errors.</summary>
    private int ReadRaw(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _stream.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"IDX file '{Name}': corrupt gzip data ({ex.Message}).", ex);
        }

        _hash?.AppendData(buffer[..n]);
        return n;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
