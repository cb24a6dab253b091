namespace Vae.Core.Data;

/// <summary>
/// Where <see cref="Mnist.Load(MnistSplit, MnistOptions?)"/> looks for files, whether and how it downloads them,
/// and the layout of the returned images. Each file is taken from the first of: <see cref="DataDirectory"/>, the
/// folder named by the <c>VAE_DATA_DIR</c> environment variable, the cache folder; each of the first two is searched
/// directly and in a subfolder named after the dataset (e.g. <c>mnist</c>). A file may be gzip-compressed
/// (<c>name.gz</c>) or not (<c>name</c>). Missing files are downloaded into the cache.
/// </summary>
public sealed class MnistOptions
{
    /// <summary>Name of the environment variable naming a folder that holds dataset files.</summary>
    public const string DataDirectoryVariable = "VAE_DATA_DIR";

    /// <summary>A folder to search first (it must exist when given); null to skip.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// Download cache folder for this dataset. Default: <c>$XDG_CACHE_HOME/vae-net/&lt;dataset&gt;</c>, or
    /// <c>~/.cache/vae-net/&lt;dataset&gt;</c> when XDG_CACHE_HOME is unset.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Whether missing files may be downloaded (default true).</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>
    /// Base URLs to download from, tried in order (default: the dataset's <see cref="MnistDatasetInfo.Mirrors"/>).
    /// Must be HTTPS; plain HTTP is accepted only for loopback hosts (local test servers).
    /// </summary>
    public IReadOnlyList<Uri>? Mirrors { get; init; }

    /// <summary>Download attempts per mirror before moving to the next (default 3).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Delay before the second attempt on a mirror; it doubles for each further attempt (default 1 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Time limit for one download attempt, from request to last byte (default 5 minutes).</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether files found locally are verified against the known SHA-256 of their decompressed content (default
    /// true; costs a few tens of milliseconds for the MNIST training images). Downloads are always verified.
    /// </summary>
    public bool VerifyChecksums { get; init; } = true;

    /// <summary>
    /// Image layout: true (default) for <c>[N, rows·cols]</c> (784 columns for MNIST), false for
    /// <c>[N, 1, rows, cols]</c>. Both are views of the same storage (<see cref="Tensor.Reshape(int[])"/>).
    /// </summary>
    public bool Flatten { get; init; } = true;

    /// <summary>Receives progress messages (downloads, retries); null (default) for silence.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        if (MaxAttempts < 1)
        {
            throw new ArgumentException($"MnistOptions.MaxAttempts must be at least 1, got {MaxAttempts}.");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"MnistOptions.RetryDelay must not be negative, got {RetryDelay}.");
        }

        if (DownloadTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"MnistOptions.DownloadTimeout must be positive, got {DownloadTimeout}.");
        }

        if (DataDirectory is not null && !Directory.Exists(DataDirectory))
        {
            throw new DirectoryNotFoundException($"MnistOptions.DataDirectory '{DataDirectory}' does not exist.");
        }
    }
}
