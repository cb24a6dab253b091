namespace Vae.Core.Data;

/// <summary>
/// One file of a dataset: its decompressed name (for example <c>train-images-idx3-ubyte</c>; folders may hold it
/// as <c>name</c> or gzip-compressed as <c>name.gz</c>) and the checksums known for it.
/// </summary>
public sealed class DatasetFile
{
    /// <summary>Describes a dataset file.</summary>
    /// <param name="fileName">Decompressed file name, without folders and without a <c>.gz</c> suffix.</param>
    /// <param name="sha256">
    /// SHA-256 (64 hex digits) of the decompressed content, or null when unknown. Verified for downloads and, when
    /// <see cref="MnistOptions.VerifyChecksums"/> is on, for files found locally.
    /// </param>
    /// <param name="compressedSha256">
    /// SHA-256 of the published <c>.gz</c> file, or null. Only downloads are checked against it (a local file may be a
    /// valid recompression with different bytes).
    /// </param>
    public DatasetFile(string fileName, string? sha256 = null, string? compressedSha256 = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (fileName.IndexOfAny(['/', '\\']) >= 0 || fileName is "." or ".." || fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Dataset file name '{fileName}' must be a plain decompressed file name (no folders, no .gz suffix).", nameof(fileName));
        }

        FileName = fileName;
        Sha256 = IdxReader.NormalizeSha256(sha256, nameof(sha256));
        CompressedSha256 = IdxReader.NormalizeSha256(compressedSha256, nameof(compressedSha256));
    }

    /// <summary>Decompressed file name (no <c>.gz</c> suffix).</summary>
    public string FileName { get; }

    /// <summary>SHA-256 (lower-case hex) of the decompressed content, or null when unknown.</summary>
    public string? Sha256 { get; }

    /// <summary>SHA-256 (lower-case hex) of the published <c>.gz</c> file, or null when unknown.</summary>
    public string? CompressedSha256 { get; }

    /// <inheritdoc />
    public override string ToString() => FileName;
}
