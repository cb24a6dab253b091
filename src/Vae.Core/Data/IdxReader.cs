namespace Vae.Core.Data;

/// <summary>
/// Reads IDX files (the MNIST file format), raw or gzip-compressed: gzip is recognised by its magic bytes
/// (0x1f 0x8b), not by the file name. The header is validated (magic, element type, rank 1 to 8, dimension sizes
/// checked against the bytes actually available, with overflow checks) before anything is allocated from it, and
/// truncated or trailing data is rejected. Every problem is an <see cref="InvalidDataException"/> whose message names
/// the file and what was wrong.
/// </summary>
public static class IdxReader
{
    private const int InitialUnverifiedCapacity = 1 << 20;

    /// <summary>
    /// Reads an IDX file. When <paramref name="expectedSha256"/> is given (64 hex digits), the SHA-256 of the
    /// decompressed content (header and data) must match it.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX file or fails the checksum.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxData Read(string path, string? expectedSha256 = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? expected = NormalizeSha256(expectedSha256, nameof(expectedSha256));
        using var source = IdxSource.Open(path, computeSha256: expected is not null);
        return ReadAll(source, expected);
    }

    /// <summary>
    /// Reads an IDX file from a stream positioned at its start (raw or gzip); the rest of the stream must be the file.
    /// <paramref name="name"/> names the source in error messages. The stream is left open. On a non-seekable stream
    /// the declared size cannot be checked up front, so the buffer grows with the data actually received.
    /// </summary>
    /// <exception cref="InvalidDataException">The content is not a well-formed IDX file or fails the checksum.</exception>
    public static IdxData Read(Stream stream, string name, string? expectedSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(name);
        string? expected = NormalizeSha256(expectedSha256, nameof(expectedSha256));
        using var source = IdxSource.Open(stream, name, computeSha256: expected is not null, leaveOpen: true);
        return ReadAll(source, expected);
    }

    /// <summary>Reads all element bytes of an opened source, growing the buffer when the size is unconfirmed.</summary>
    internal static byte[] ReadAllData(IdxSource source)
    {
        long length = source.DataLength;
        if (source.SizeCorroborated || length <= InitialUnverifiedCapacity)
        {
            var exact = GC.AllocateUninitializedArray<byte>((int)length);
            source.ReadDataExactly(exact);
            return exact;
        }

        // The declared size is not confirmed: never allocate more than about twice what actually arrived.
        var buffer = GC.AllocateUninitializedArray<byte>(InitialUnverifiedCapacity);
        long filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                long grown = Math.Min(length, Math.Min((long)buffer.Length * 2, Array.MaxLength));
                var bigger = GC.AllocateUninitializedArray<byte>((int)grown);
                buffer.AsSpan().CopyTo(bigger);
                buffer = bigger;
            }

            int n = source.ReadData(buffer.AsSpan((int)filled));
            filled += n;
        }

        return buffer;
    }

    /// <summary>Validates a SHA-256 hex string and returns it lower-cased, or null when absent.</summary>
    internal static string? NormalizeSha256(string? sha256, string paramName)
    {
        if (sha256 is null)
        {
            return null;
        }

        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"A SHA-256 checksum is 64 hexadecimal digits, got '{sha256}'.", paramName);
        }

        return sha256.ToLowerInvariant();
    }

    /// <summary>Throws when <paramref name="actual"/> differs from <paramref name="expected"/> (both lower-case hex).</summary>
    internal static void CheckSha256(IdxSource source, string? actual, string? expected)
    {
        if (expected is not null && actual != expected)
        {
            throw source.Fail($"checksum mismatch: SHA-256 of the decompressed content is {actual}, expected {expected} " +
                              "(the file is corrupt or a different version)");
        }
    }

    private static IdxData ReadAll(IdxSource source, string? expected)
    {
        var data = ReadAllData(source);
        CheckSha256(source, source.Complete(), expected);
        return new IdxData(source.DataType, source.Dimensions, data);
    }
}
