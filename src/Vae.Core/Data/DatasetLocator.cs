using System.Text;

namespace Vae.Core.Data;

/// <summary>
/// Finds the files of an MNIST-format dataset: the caller's folder, then <c>VAE_DATA_DIR</c> (each directly and in a
/// subfolder named after the dataset), then the cache, then downloads into the cache. When files cannot be had, one
/// <see cref="FileNotFoundException"/> lists every file looked for, every folder searched, every download failure,
/// and where to put the files.
/// </summary>
internal sealed class DatasetLocator : IDisposable
{
    private readonly MnistDatasetInfo _dataset;
    private readonly MnistOptions _options;
    private readonly List<(string Folder, string Note, FileOrigin Origin)> _folders = [];
    private readonly string? _dataDirVariable;
    private readonly IReadOnlyList<Uri> _mirrors;
    private DatasetDownloader? _downloader;

    public DatasetLocator(MnistDatasetInfo dataset, MnistOptions options)
    {
        _dataset = dataset;
        _options = options;
        _mirrors = options.Mirrors is null ? dataset.Mirrors : DatasetDownloader.ValidateMirrors(options.Mirrors, nameof(options.Mirrors));
        if (options.DataDirectory is { } dir)
        {
            AddFolderPair(Path.GetFullPath(dir), "MnistOptions.DataDirectory");
        }

        _dataDirVariable = Environment.GetEnvironmentVariable(MnistOptions.DataDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(_dataDirVariable))
        {
            AddFolderPair(Path.GetFullPath(_dataDirVariable), MnistOptions.DataDirectoryVariable);
        }

        CacheDirectory = Path.GetFullPath(options.CacheDirectory ?? Path.Combine(DefaultCacheRoot(), dataset.Name));
        _folders.Add((CacheDirectory, "download cache", FileOrigin.Cache));
    }

    /// <summary>The cache folder of this dataset.</summary>
    public string CacheDirectory { get; }

    /// <summary>The default cache root: <c>$XDG_CACHE_HOME/vae-net</c> or <c>~/.cache/vae-net</c>.</summary>
    public static string DefaultCacheRoot()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "vae-net");
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? Path.Combine(Path.GetTempPath(), "vae-net-cache") : Path.Combine(home, ".cache", "vae-net");
    }

    /// <summary>Finds (or downloads) every file; throws one message naming all that could not be had.</summary>
    public (string Path, FileOrigin Origin)[] Resolve(IReadOnlyList<DatasetFile> files, string what)
    {
        var found = new (string Path, FileOrigin Origin)?[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            found[i] = FindLocal(files[i]);
        }

        for (int i = 0; i < files.Count; i++)
        {
            if (found[i] is null && _options.AllowDownload)
            {
                string? path = Downloader.Download(files[i], CacheDirectory);
                if (path is not null)
                {
                    found[i] = (path, FileOrigin.Downloaded);
                }
            }
        }

        var missing = Enumerable.Range(0, files.Count).Where(i => found[i] is null).Select(i => files[i]).ToList();
        if (missing.Count > 0)
        {
            throw NotFound(missing, what, null);
        }

        return found.Select(f => f!.Value).ToArray();
    }

    /// <summary>Downloads a file again after its cached copy proved invalid.</summary>
    public string Redownload(DatasetFile file, string what, Exception cause)
    {
        return Downloader.Download(file, CacheDirectory) ?? throw NotFound([file], what, cause);
    }

    public void Dispose() => _downloader?.Dispose();

    private DatasetDownloader Downloader => _downloader ??= new DatasetDownloader(_options, _mirrors);

    private (string, FileOrigin)? FindLocal(DatasetFile file)
    {
        foreach (var (folder, _, origin) in _folders)
        {
            foreach (string name in (ReadOnlySpan<string>)[file.FileName + ".gz", file.FileName])
            {
                string path = Path.Combine(folder, name);
                if (File.Exists(path))
                {
                    return (path, origin);
                }
            }
        }

        return null;
    }

    private void AddFolderPair(string folder, string note)
    {
        _folders.Add((folder, note, FileOrigin.DataFolder));
        _folders.Add((Path.Combine(folder, _dataset.Name), $"{note}, dataset subfolder", FileOrigin.DataFolder));
    }

    private FileNotFoundException NotFound(List<DatasetFile> missing, string what, Exception? cause)
    {
        var sb = new StringBuilder();
        sb.Append($"{_dataset.DisplayName} {what}: could not find ")
          .Append(string.Join(" and ", missing.Select(f => $"'{f.FileName}' (or '{f.FileName}.gz')")))
          .AppendLine(".");
        sb.AppendLine("Looked in:");
        foreach (var (folder, note, _) in _folders)
        {
            string state = Directory.Exists(folder) ? string.Empty : ", does not exist";
            sb.AppendLine($"  {folder} ({note}{state})");
        }

        if (string.IsNullOrWhiteSpace(_dataDirVariable))
        {
            sb.AppendLine($"  (the {MnistOptions.DataDirectoryVariable} environment variable is not set)");
        }

        if (!_options.AllowDownload)
        {
            sb.AppendLine("Downloading is disabled (MnistOptions.AllowDownload = false).");
        }
        else if (_mirrors.Count == 0)
        {
            sb.AppendLine("No download mirrors are configured.");
        }
        else if (_downloader is { Failures.Count: > 0 } d)
        {
            sb.AppendLine("Downloading failed:");
            foreach (string failure in d.Failures)
            {
                sb.AppendLine($"  {failure}");
            }
        }

        if (cause is not null)
        {
            sb.AppendLine($"The cached copy was invalid: {cause.Message}");
        }

        sb.Append($"To fix this, put the files (gzip-compressed or not) in a folder and set the {MnistOptions.DataDirectoryVariable} ")
          .Append($"environment variable to it (or pass MnistOptions.DataDirectory), or copy them into {CacheDirectory}");
        if (_mirrors.Count > 0)
        {
            sb.Append($"; they can be downloaded from {_mirrors[0]}");
        }

        sb.Append('.');
        return new FileNotFoundException(sb.ToString(), missing[0].FileName, cause);
    }
}
