using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Vae.Core.Tests;

/// <summary>Builds IDX files and temporary folders for the data tests.</summary>
internal static class DataTestUtil
{
    /// <summary>IDX bytes: magic (0, 0, type, rank), big-endian dimension sizes, then <paramref name="data"/>.</summary>
    public static byte[] Idx(byte type, uint[] dims, ReadOnlySpan<byte> data, int? rank = null)
    {
        var bytes = new byte[4 + (4 * dims.Length) + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)(rank ?? dims.Length);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }

        data.CopyTo(bytes.AsSpan(4 + (4 * dims.Length)));
        return bytes;
    }

    /// <summary>Unsigned-byte IDX with the given dimensions and data.</summary>
    public static byte[] IdxU8(uint[] dims, byte[] data) => Idx(0x08, dims, data);

    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
        }

        return ms.ToArray();
    }

    public static byte[] Gunzip(string path)
    {
        using var fs = File.OpenRead(path);
        using var gz = new GZipStream(fs, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] Bytes(int n, ulong seed, int modulo = 256)
    {
        var g = new Generator(seed);
        var b = new byte[n];
        for (int i = 0; i < n; i++)
        {
            b[i] = (byte)g.NextInt(modulo);
        }

        return b;
    }

    /// <summary>
    /// The folder holding the original MNIST files: <c>VAE_DATA_DIR</c> when it holds them, else
    /// <c>shared/datasets/mnist</c> in the nearest ancestor of the test binaries (CI keeps <c>../shared</c> beside the
    /// repository).
    /// </summary>
    public static string MnistFolder()
    {
        const string probe = "t10k-labels-idx1-ubyte";
        string? env = Environment.GetEnvironmentVariable("VAE_DATA_DIR");
        if (!string.IsNullOrWhiteSpace(env))
        {
            foreach (string dir in new[] { env, Path.Combine(env, "mnist") })
            {
                if (File.Exists(Path.Combine(dir, probe + ".gz")) || File.Exists(Path.Combine(dir, probe)))
                {
                    return dir;
                }
            }
        }

        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "shared", "datasets", "mnist");
            if (File.Exists(Path.Combine(candidate, probe + ".gz")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"MNIST files not found: set VAE_DATA_DIR or keep shared/datasets/mnist beside the repository (searched up from {AppContext.BaseDirectory}).");
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vae-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] bytes)
    {
        string p = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
        System.IO.File.WriteAllBytes(p, bytes);
        return p;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A forward-only stream (no seeking, no length), to exercise the non-seekable paths.</summary>
internal sealed class ForwardOnlyStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
