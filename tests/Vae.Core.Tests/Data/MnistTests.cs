using System.Diagnostics;
using Vae.Core.Data;
using Xunit.Abstractions;
using static Vae.Core.Tests.DataTestUtil;

namespace Vae.Core.Tests;

/// <summary>Loads the real MNIST training set once for the tests that need it.</summary>
public sealed class MnistTrainFixture
{
    public MnistTrainFixture()
    {
        var sw = Stopwatch.StartNew();
        Train = Mnist.Load(MnistSplit.Train, new MnistOptions { DataDirectory = MnistFolder(), AllowDownload = false });
        LoadTime = sw.Elapsed;
    }

    public MnistData Train { get; }

    public TimeSpan LoadTime { get; }
}

public sealed class MnistTests(MnistTrainFixture fixture, ITestOutputHelper output) : IClassFixture<MnistTrainFixture>
{
    // Class counts of the original MNIST files (LeCun et al.), well known and also printed by torchvision.
    private static readonly int[] TrainCounts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
    private static readonly int[] TestCounts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

    [Fact]
    public void Batches_gathered_from_the_bytes_equal_rows_of_Images_and_bad_indices_are_named()
    {
        var train = fixture.Train;
        int[] indices = [59999, 0, 12345, 0, 777];
        var gathered = train.GatherImages(indices);
        gathered.Shape.Should().Equal(5, 784);
        gathered.ToArray().Should().Equal(train.Images.IndexSelect(0, indices).ToArray());
        train.ImageRange(100, 3).ToArray().Should().Equal(train.Images.Narrow(0, 100, 3).ToArray());
        train.Pixels.Length.Should().Be(60000 * 784);
        train.Pixels.Span[(1 * 784) + 400].Should().Be((byte)Math.Round(train.Images[1, 400] * 255));

        var badIndex = () => train.GatherImages([3, 60000]);
        badIndex.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*index 60000 (position 1)*[0, 60000)*");
        var badRange = () => train.ImageRange(59999, 2);
        badRange.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[59999, 59999+2)*");
    }

    [Fact]
    public void Train_set_has_60000_images_in_unit_range_and_the_known_label_histogram()
    {
        output.WriteLine($"MNIST train load (gzip, SHA-256 verified): {fixture.LoadTime.TotalMilliseconds:0} ms");
        var train = fixture.Train;
        train.Count.Should().Be(60000);
        train.Images.Shape.Should().Equal(60000, 784);
        train.Images.DType.Should().Be(DType.Float32);
        (train.Height, train.Width, train.NumClasses).Should().Be((28, 28, 10));
        train.LabelTensor.Shape.Should().Equal(60000);

        var pixels = train.Images.ToArray();
        float min = float.MaxValue, max = float.MinValue;
        double sum = 0;
        foreach (float p in pixels)
        {
            min = Math.Min(min, p);
            max = Math.Max(max, p);
            sum += p;
        }

        min.Should().Be(0f);
        max.Should().Be(1f);
        // The mean intensity 0.1307 is the constant everyone normalises MNIST with.
        (sum / pixels.Length).Should().BeApproximately(0.1307, 5e-4);

        Histogram(train.Labels).Should().Equal(TrainCounts);
        train.LabelTensor.ToArray().Select(v => (int)v).Should().Equal(train.Labels);
        train.Labels[..5].Should().Equal(5, 0, 4, 1, 9); // the first five training digits
    }

    [Fact]
    public void Test_set_matches_the_raw_bytes_divided_by_255_in_a_4d_layout()
    {
        string folder = MnistFolder();
        var test = Mnist.Load(MnistSplit.Test, new MnistOptions { DataDirectory = folder, AllowDownload = false, Flatten = false });

        test.Images.Shape.Should().Equal(10000, 1, 28, 28);
        Histogram(test.Labels).Should().Equal(TestCounts);
        var raw = IdxReader.Read(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));
        raw.Dimensions.Should().Equal(10000, 28, 28);
        var pixels = test.Images.ToArray();
        for (int i = 0; i < pixels.Length; i++)
        {
            if (pixels[i] != raw.Data[i] / 255f)
            {
                Assert.Fail($"pixel {i}: {pixels[i]} != {raw.Data[i]} / 255");
            }
        }
    }

    [Fact]
    public void Data_directory_accepts_decompressed_files_and_a_dataset_subfolder()
    {
        using var dir = new TempDir();
        string folder = MnistFolder();
        dir.Write("mnist/t10k-labels-idx1-ubyte", Gunzip(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz")));
        File.Copy(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), dir.File("t10k-images-idx3-ubyte.gz"));

        var test = Mnist.Load(MnistSplit.Test, new MnistOptions { DataDirectory = dir.Path, AllowDownload = false, CacheDirectory = dir.File("cache") });

        test.Count.Should().Be(10000);
        Histogram(test.Labels).Should().Equal(TestCounts);
    }

    [Fact]
    public void Local_file_with_the_wrong_checksum_is_rejected_unless_verification_is_off()
    {
        using var dir = new TempDir();
        string folder = MnistFolder();
        var labels = Gunzip(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        labels[8] = (byte)((labels[8] + 1) % 10); // still a valid digit: only the checksum can tell
        string labelsPath = dir.Write("t10k-labels-idx1-ubyte", labels);
        File.Copy(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), dir.File("t10k-images-idx3-ubyte.gz"));
        var options = new MnistOptions { DataDirectory = dir.Path, AllowDownload = false, CacheDirectory = dir.File("cache") };

        var act = () => Mnist.Load(MnistSplit.Test, options);

        act.Should().Throw<InvalidDataException>().WithMessage($"*{labelsPath}*checksum mismatch*");
        var unchecked_ = Mnist.Load(MnistSplit.Test, new MnistOptions { DataDirectory = dir.Path, AllowDownload = false, VerifyChecksums = false });
        unchecked_.Labels[0].Should().Be(labels[8]);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        using var dir = new TempDir();
        string folder = MnistFolder();
        File.Copy(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), dir.File("t10k-images-idx3-ubyte.gz"));
        dir.Write("t10k-labels-idx1-ubyte", IdxU8([3], [1, 2, 3]));

        var act = () => Mnist.Load(MnistSplit.Test, new MnistOptions { DataDirectory = dir.Path, AllowDownload = false, VerifyChecksums = false });

        act.Should().Throw<InvalidDataException>().WithMessage("*10000 images*3 labels*");
    }

    [Fact]
    public void Missing_data_directory_is_an_error()
    {
        var act = () => Mnist.Load(MnistSplit.Test, new MnistOptions { DataDirectory = "/nonexistent/vae-data" });
        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*/nonexistent/vae-data*");
    }

    [Fact]
    public void Dataset_converts_to_a_TensorDataset_for_the_loader()
    {
        var ds = fixture.Train.ToDataset();
        ds.Count.Should().Be(60000);
        var loader = new DataLoader(ds, batchSize: 128, shuffle: true, generator: new Generator(7));
        var (x, y) = loader.First();
        x.Shape.Should().Equal(128, 784);
        y.Shape.Should().Equal(128);
        loader.BatchCount.Should().Be(469);
    }

    [Fact]
    public void Fashion_mnist_describes_its_files_and_classes()
    {
        var info = MnistDatasetInfo.FashionMnist;
        info.Name.Should().Be("fashion-mnist");
        info.TrainImages.FileName.Should().Be("train-images-idx3-ubyte");
        info.TrainImages.Sha256.Should().BeNull("the checksum of the decompressed content is not published");
        info.TrainImages.CompressedSha256.Should().HaveLength(64);
        info.ClassNames[9].Should().Be("Ankle boot");
        info.Mirrors.Should().OnlyContain(u => u.Scheme == "https");
        MnistDatasetInfo.Mnist.Mirrors.Should().OnlyContain(u => u.Scheme == "https");
    }

    private static int[] Histogram(int[] labels)
    {
        var h = new int[10];
        foreach (int l in labels)
        {
            h[l]++;
        }

        return h;
    }
}
