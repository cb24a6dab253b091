using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Vae.Core.Data;

/// <summary>
/// Downloads dataset files from mirrors into a cache folder: retries with exponential backoff, verifies checksums
/// and IDX structure, and writes atomically (a unique temporary file in the cache folder, then
/// <see cref="File.Move(string, string, bool)"/>), so a failed or interrupted download never leaves a partial file.
/// </summary>
internal sealed class DatasetDownloader : IDisposable
{
    private readonly HttpClient _http;
    private readonly MnistOptions _options;
    private readonly IReadOnlyList<Uri> _mirrors;
    private readonly HashSet<Uri> _unreachable = [];

    public DatasetDownloader(MnistOptions options, IReadOnlyList<Uri> mirrors)
    {
        _options = options;
        _mirrors = mirrors;
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = options.DownloadTimeout < TimeSpan.FromSeconds(30) ? options.DownloadTimeout : TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Vae.NET", "0.1"));
    }

    /// <summary>One line per mirror that was tried and failed, for the final error message.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>
    /// Checks that every mirror is an absolute HTTPS URL (HTTP only for loopback hosts) and returns them with a
    /// trailing slash, so that file names resolve beneath them.
    /// </summary>
    public static Uri[] ValidateMirrors(IReadOnlyList<Uri> mirrors, string paramName)
    {
        ArgumentNullException.ThrowIfNull(mirrors, paramName);
        var result = new Uri[mirrors.Count];
        for (int i = 0; i < mirrors.Count; i++)
        {
            var m = mirrors[i] ?? throw new ArgumentException($"Mirror {i} is null.", paramName);
            if (!m.IsAbsoluteUri || !(m.Scheme == Uri.UriSchemeHttps || (m.Scheme == Uri.UriSchemeHttp && m.IsLoopback)))
            {
                throw new ArgumentException(
                    $"Mirror '{m}' must be an absolute HTTPS URL (plain HTTP is accepted only for loopback hosts).", paramName);
            }

            string s = m.AbsoluteUri;
            result[i] = s.EndsWith('/') ? m : new Uri(s + "/");
        }

        return result;
    }

    /// <summary>Downloads <paramref name="file"/> into <paramref name="cacheDir"/>; returns its path, or null with <see cref="Failures"/> filled.</summary>
    public string? Download(DatasetFile file, string cacheDir) => DownloadAsync(file, cacheDir).GetAwaiter().GetResult();

    public void Dispose() => _http.Dispose();

    private async Task<string?> DownloadAsync(DatasetFile file, string cacheDir)
    {
        try
        {
            Directory.CreateDirectory(cacheDir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Failures.Add($"cannot create the cache folder '{cacheDir}': {ex.Message}");
            return null;
        }

        DeleteStaleParts(file, cacheDir);
        foreach (var mirror in _mirrors)
        {
            var url = new Uri(mirror, file.FileName + ".gz");
            if (_unreachable.Contains(mirror))
            {
                Failures.Add($"{url}: skipped (the mirror was unreachable for an earlier file)");
                continue;
            }

            var errors = new List<string>();
            bool allUnreachable = true;
            for (int attempt = 1; attempt <= _options.MaxAttempts; attempt++)
            {
                if (attempt > 1)
                {
                    var delay = _options.RetryDelay * Math.Pow(2, attempt - 2);
                    _options.Log?.Invoke($"Retrying {url} in {delay.TotalSeconds:0.###} s (attempt {attempt} of {_options.MaxAttempts})");
                    await Task.Delay(delay).ConfigureAwait(false);
                }

                var (path, error, permanent, unreachable) = await TryOnceAsync(file, url, cacheDir).ConfigureAwait(false);
                if (path is not null)
                {
                    return path;
                }

                allUnreachable &= unreachable;
                errors.Add(error!);
                _options.Log?.Invoke($"Download of {url} failed: {error}");
                if (permanent)
                {
                    break;
                }
            }

            if (allUnreachable)
            {
                _unreachable.Add(mirror);
            }

            Failures.Add($"{url}: {Summarize(errors)}");
        }

        return null;
    }

    /// <summary>"attempt 1: …; attempt 2: …", or "3 attempts: …" when every attempt failed the same way.</summary>
    private static string Summarize(List<string> errors) =>
        errors.Count == 1 ? errors[0]
        : errors.Distinct().Count() == 1 ? $"{errors.Count} attempts: {errors[0]}"
        : string.Join("; ", errors.Select((e, k) => $"attempt {k + 1}: {e}"));

    /// <summary>One download attempt. <c>Unreachable</c> marks failures to reach the server at all (no HTTP response).</summary>
    private async Task<(string? Path, string? Error, bool Permanent, bool Unreachable)> TryOnceAsync(DatasetFile file, Uri url, string cacheDir)
    {
        string temp = Path.Combine(cacheDir, $".{file.FileName}.{Guid.NewGuid():N}.part");
        try
        {
            using var cts = new CancellationTokenSource(_options.DownloadTimeout);
            _options.Log?.Invoke($"Downloading {url}");
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                int code = (int)response.StatusCode;
                bool transient = code >= 500 || code is 408 or 429;
                return (null, $"HTTP {code} {response.ReasonPhrase}", !transient, false);
            }

            long? declared = response.Content.Headers.ContentLength;
            long received;
            var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using (fs.ConfigureAwait(false))
            {
                var body = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    await body.CopyToAsync(fs, cts.Token).ConfigureAwait(false);
                }

                await fs.FlushAsync(cts.Token).ConfigureAwait(false);
                received = fs.Length;
            }

            if (declared is long length && received != length)
            {
                return (null, $"truncated transfer: received {received} of {length} bytes", false, false);
            }

            var (isGzip, problem, permanent) = Verify(file, temp, url);
            if (problem is not null)
            {
                return (null, problem, permanent, false);
            }

            string final = Path.Combine(cacheDir, file.FileName + (isGzip ? ".gz" : string.Empty));
            File.Move(temp, final, overwrite: true);
            _options.Log?.Invoke($"Saved {final}");
            return (final, null, false, false);
        }
        catch (OperationCanceledException)
        {
            return (null, $"timed out after {_options.DownloadTimeout.TotalSeconds:0.###} s", false, false);
        }
        catch (HttpRequestException ex)
        {
            string message = ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal)
                ? $"{ex.Message} ({inner.Message})"
                : ex.Message;
            return (null, message, false, ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError);
        }
        catch (IOException ex)
        {
            return (null, $"transfer failed: {ex.Message}", false, false);
        }
        catch (UnauthorizedAccessException ex)
        {
            return (null, $"cannot write to the cache folder: {ex.Message}", true, false);
        }
        finally
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _options.Log?.Invoke($"Could not delete the temporary file {temp}: {ex.Message}");
            }
        }
    }

    /// <summary>Removes temporary files left by downloads that were killed more than an hour ago.</summary>
    private static void DeleteStaleParts(DatasetFile file, string cacheDir)
    {
        foreach (var part in Directory.EnumerateFiles(cacheDir, $".{file.FileName}.*.part"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(part) < DateTime.UtcNow.AddHours(-1))
                {
                    File.Delete(part);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another process may own it; leave it.
            }
        }
    }

    /// <summary>Checks a downloaded file: published .gz checksum, IDX structure, checksum of the decompressed content.</summary>
    private (bool IsGzip, string? Problem, bool Permanent) Verify(DatasetFile file, string path, Uri url)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        bool gzip = stream.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        stream.Position = 0;
        if (file.CompressedSha256 is not null && gzip)
        {
            string actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (actual != file.CompressedSha256)
            {
                return (gzip, $"checksum mismatch: SHA-256 of the downloaded file is {actual}, expected {file.CompressedSha256}", true);
            }

            stream.Position = 0;
        }
        else if (file.Sha256 is null && file.CompressedSha256 is not null)
        {
            return (gzip, "the server sent uncompressed content, but only the checksum of the .gz file is known", true);
        }
        else if (file.Sha256 is null)
        {
            _options.Log?.Invoke($"No checksum is known for {file.FileName}; only its IDX structure is checked");
        }

        var chunk = ArrayPool<byte>.Shared.Rent(1 << 18);
        try
        {
            using var source = IdxSource.Open(stream, url.ToString(), computeSha256: file.Sha256 is not null);
            while (source.ReadData(chunk) > 0)
            {
            }

            string? sha = source.Complete();
            if (file.Sha256 is not null && sha != file.Sha256)
            {
                return (gzip, $"checksum mismatch: SHA-256 of the decompressed content is {sha}, expected {file.Sha256}", true);
            }
        }
        catch (InvalidDataException ex)
        {
            return (gzip, $"invalid content: {ex.Message}", false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return (gzip, null, false);
    }
}
