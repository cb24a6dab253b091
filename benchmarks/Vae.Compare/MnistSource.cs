using Vae.Core;
using Vae.Core.Data;

namespace Vae.Compare;

/// <summary>Loads MNIST once, before any timing, and applies the model's fixed preprocessing (ARCHITECTURES.md).</summary>
internal static class MnistSource
{
    /// <summary>--data, else VAE_DATA_DIR, else the nearest shared/datasets/mnist above the working directory or the program.</summary>
    public static string Locate(string? explicitDirectory) =>
        DataPaths.ResolveMnistDirectory(explicitDirectory)
        ?? Environment.GetEnvironmentVariable(MnistOptions.DataDirectoryVariable)
        ?? DataPaths.ResolveMnistDirectory(startDirectory: AppContext.BaseDirectory)
        ?? throw new DirectoryNotFoundException("MNIST not found: pass --data DIR or set VAE_DATA_DIR.");

    /// <summary>
    /// The training images (kept as bytes; batches are gathered and converted per step, see <see cref="TrainImages"/>)
    /// and the preprocessed test images [n, 784]; dynamic binarisation of training batches happens in the loop.
    /// </summary>
    public static (TrainImages Train, Tensor Test) Load(string directory, string dataKind, int? trainLimit, int? testLimit, ulong seed)
    {
        var options = new MnistOptions { DataDirectory = directory, AllowDownload = false };
        var train = Mnist.Load(MnistSplit.Train, options);
        var testData = Mnist.Load(MnistSplit.Test, options);
        var test = testData.ImageRange(0, Math.Min(testLimit ?? testData.Count, testData.Count));   // byte / 255, float32
        switch (dataKind)
        {
            case "threshold-binary":    // h-vae: ToTensor() then round(): byte ≥ 128 ⇔ byte/255 > 0.5
                test = test.Gt(0.5);
                break;
            case "dynamic-binary":      // the test set is binarised once, with its own seed
                test = test.Bernoulli(new Generator(seed + 4));
                break;
        }

        return (new TrainImages(train, Math.Min(trainLimit ?? train.Count, train.Count), dataKind == "threshold-binary"), test);
    }
}
