namespace Vae.Core.Data;

/// <summary>
/// Loads Fashion-MNIST (Zalando article images in MNIST's file layout; see <see cref="Mnist"/> for where files are
/// looked for; the cache folder is <c>…/vae-net/fashion-mnist</c>). Downloads are verified against the published
/// SHA-256 of the official <c>.gz</c> files. The checksums of the decompressed contents are not known, so files found
/// locally are validated structurally (IDX header, sizes, label range) but not checksummed.
/// </summary>
public static class FashionMnist
{
    /// <summary>Loads one split of Fashion-MNIST: images [N, 784] (or [N, 1, 28, 28]) in [0, 1] and labels.</summary>
    /// <exception cref="FileNotFoundException">The files are neither present nor downloadable; the message says where they were looked for.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    public static MnistData Load(MnistSplit split, MnistOptions? options = null) =>
        Mnist.Load(MnistDatasetInfo.FashionMnist, split, options);
}
