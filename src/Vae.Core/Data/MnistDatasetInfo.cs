namespace Vae.Core.Data;

/// <summary>
/// Describes a dataset in the MNIST file layout (four IDX files: training/test images of rank 3 and labels of
/// rank 1, unsigned bytes): its cache folder name, file names, checksums, download mirrors and classes.
/// <see cref="Mnist"/> and <see cref="FashionMnist"/> are built in; construct others (for example KMNIST, or small
/// test fixtures) and pass them to <see cref="Data.Mnist.Load(MnistDatasetInfo, MnistSplit, MnistOptions?)"/>.
/// </summary>
public sealed class MnistDatasetInfo
{
    // SHA-256 of the decompressed contents of the original MNIST files (yann.lecun.com), computed from them.
    private static readonly MnistDatasetInfo MnistInfo = new(
        "mnist",
        "MNIST",
        new DatasetFile("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        new DatasetFile("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        new DatasetFile("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        new DatasetFile("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        [
            new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/"),
        ],
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);

    // Fashion-MNIST: only the SHA-256 of the published .gz files is known (as listed, identically, by independent
    // public projects; it matches the files Zalando Research distributes). The decompressed contents' checksum is
    // not known, so files found locally are validated structurally but not checksummed; downloads are checksummed.
    private static readonly MnistDatasetInfo FashionMnistInfo = new(
        "fashion-mnist",
        "Fashion-MNIST",
        new DatasetFile("train-images-idx3-ubyte", compressedSha256: "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc"),
        new DatasetFile("train-labels-idx1-ubyte", compressedSha256: "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc"),
        new DatasetFile("t10k-images-idx3-ubyte", compressedSha256: "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229"),
        new DatasetFile("t10k-labels-idx1-ubyte", compressedSha256: "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf"),
        [
            new Uri("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
            new Uri("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"),
        ],
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);

    /// <summary>Describes an MNIST-format dataset.</summary>
    /// <param name="name">Folder name used for the cache and for a per-dataset subfolder of data folders (e.g. <c>mnist</c>).</param>
    /// <param name="displayName">Human-readable name used in messages (e.g. <c>MNIST</c>).</param>
    /// <param name="trainImages">Training images (IDX, unsigned bytes, rank 3: count × rows × columns).</param>
    /// <param name="trainLabels">Training labels (IDX, unsigned bytes, rank 1).</param>
    /// <param name="testImages">Test images.</param>
    /// <param name="testLabels">Test labels.</param>
    /// <param name="mirrors">Base URLs tried in order; each file is fetched as <c>base + fileName + ".gz"</c>.</param>
    /// <param name="classNames">One name per class; labels must lie in <c>[0, classNames.Count)</c>.</param>
    public MnistDatasetInfo(
        string name,
        string displayName,
        DatasetFile trainImages,
        DatasetFile trainLabels,
        DatasetFile testImages,
        DatasetFile testLabels,
        IReadOnlyList<Uri> mirrors,
        IReadOnlyList<string> classNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        ArgumentNullException.ThrowIfNull(trainImages);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(testImages);
        ArgumentNullException.ThrowIfNull(testLabels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
        {
            throw new ArgumentException($"Dataset name '{name}' must be usable as a folder name.", nameof(name));
        }

        if (classNames.Count is 0 or > 256)
        {
            throw new ArgumentException($"An MNIST-format dataset has 1 to 256 classes (labels are bytes), got {classNames.Count}.", nameof(classNames));
        }

        Name = name;
        DisplayName = displayName;
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        TestImages = testImages;
        TestLabels = testLabels;
        Mirrors = DatasetDownloader.ValidateMirrors(mirrors, nameof(mirrors));
        ClassNames = classNames.ToArray();
    }

    /// <summary>MNIST handwritten digits (LeCun, Cortes and Burges): 60,000 + 10,000 images of 28×28, 10 classes.</summary>
    public static MnistDatasetInfo Mnist => MnistInfo;

    /// <summary>Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): Zalando article images in MNIST's layout, 10 classes.</summary>
    public static MnistDatasetInfo FashionMnist => FashionMnistInfo;

    /// <summary>Folder name of the cache and of the optional per-dataset subfolder of data folders.</summary>
    public string Name { get; }

    /// <summary>Human-readable name used in messages.</summary>
    public string DisplayName { get; }

    /// <summary>Training images file.</summary>
    public DatasetFile TrainImages { get; }

    /// <summary>Training labels file.</summary>
    public DatasetFile TrainLabels { get; }

    /// <summary>Test images file.</summary>
    public DatasetFile TestImages { get; }

    /// <summary>Test labels file.</summary>
    public DatasetFile TestLabels { get; }

    /// <summary>Default download mirrors (base URLs, tried in order).</summary>
    public IReadOnlyList<Uri> Mirrors { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of classes.</summary>
    public int NumClasses => ClassNames.Count;

    /// <inheritdoc />
    public override string ToString() => DisplayName;

    internal (DatasetFile Images, DatasetFile Labels) Files(MnistSplit split) => split switch
    {
        MnistSplit.Train => (TrainImages, TrainLabels),
        MnistSplit.Test => (TestImages, TestLabels),
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };
}
