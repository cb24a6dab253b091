namespace Vae.Core.Data;

/// <summary>
/// Loads MNIST (and any dataset in its layout, see <see cref="MnistDatasetInfo"/>). Files are searched in
/// <see cref="MnistOptions.DataDirectory"/>, then the folder named by the <c>VAE_DATA_DIR</c> environment variable,
/// then the cache (<c>$XDG_CACHE_HOME/vae-net/mnist</c> or <c>~/.cache/vae-net/mnist</c>), and otherwise downloaded
/// from HTTPS mirrors into the cache (retries with backoff, SHA-256 verified, written atomically).
/// </summary>
/// <example>
/// <code>
/// var train = Mnist.Load(MnistSplit.Train);            // Images [60000, 784] in [0, 1], Labels int[60000]
/// var loader = new DataLoader(train.ToDataset(), batchSize: 128, shuffle: true, generator: new Generator(0));
/// foreach (var (x, y) in loader) { /* x [128, 784], y [128] */ }
/// </code>
/// </example>
public static class Mnist
{
    /// <summary>Loads one split of MNIST.</summary>
    /// <exception cref="FileNotFoundException">The files are neither present nor downloadable; the message says where they were looked for.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or fails its checksum; the message names it.</exception>
    public static MnistData Load(MnistSplit split, MnistOptions? options = null) => Load(MnistDatasetInfo.Mnist, split, options);

    /// <summary>Loads one split of an MNIST-format dataset.</summary>
    /// <exception cref="FileNotFoundException">The files are neither present nor downloadable; the message says where they were looked for.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or fails its checksum; the message names it.</exception>
    public static MnistData Load(MnistDatasetInfo dataset, MnistSplit split, MnistOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new MnistOptions();
        options.Validate();
        var (imagesFile, labelsFile) = dataset.Files(split);
        string what = split == MnistSplit.Train ? "training set" : "test set";
        using var locator = new DatasetLocator(dataset, options);
        var found = locator.Resolve([imagesFile, labelsFile], what);

        var labels = ReadWithRecovery(locator, options, labelsFile, found[1], what,
            (path, sha) => MnistFileReader.ReadLabels(path, sha, dataset.NumClasses), out string labelsPath);
        var (pixels, height, width) = ReadWithRecovery(locator, options, imagesFile, found[0], what,
            (path, sha) => MnistFileReader.ReadImages(path, sha, labels.Length, labelsPath), out _);
        return new MnistData(dataset, split, pixels, options.Flatten, labels, height, width);
    }

    /// <summary>
    /// Reads a located file; a cached copy that proves invalid is deleted and downloaded again (when allowed).
    /// Freshly downloaded files were verified while downloading and are not hashed a second time.
    /// </summary>
    private static T ReadWithRecovery<T>(
        DatasetLocator locator,
        MnistOptions options,
        DatasetFile file,
        (string Path, FileOrigin Origin) found,
        string what,
        Func<string, string?, T> read,
        out string path)
    {
        path = found.Path;
        string? sha = options.VerifyChecksums && found.Origin != FileOrigin.Downloaded ? file.Sha256 : null;
        try
        {
            return read(found.Path, sha);
        }
        catch (InvalidDataException ex) when (found.Origin == FileOrigin.Cache && options.AllowDownload)
        {
            options.Log?.Invoke($"Cached file {found.Path} is invalid ({ex.Message}); downloading it again");
            File.Delete(found.Path);
            path = locator.Redownload(file, what, ex);
            return read(path, null);
        }
    }
}
