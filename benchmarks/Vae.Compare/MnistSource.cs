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

    /// <summary>Training and test images [n, 784], preprocessed; dynamic binarisation of the training set happens per batch.</summary>
    public static (Tensor Train, Tensor Test) Load(string directory, string dataKind, int? trainLimit, int? testLimit, ulong seed)
    {
        var options = new MnistOptions { DataDirectory = directory, AllowDownload = false };
        var train = Mnist.Load(MnistSplit.Train, options).Images;   // byte / 255, float32 [60000, 784]
        var test = Mnist.Load(MnistSplit.Test, options).Images;
        if (trainLimit is int tl && tl < train.Shape[0])
        {
            train = train.Narrow(0, 0, tl).Clone();
        }

        if (testLimit is int sl && sl < test.Shape[0])
        {
            test = test.Narrow(0, 0, sl).Clone();
        }

        switch (dataKind)
        {
            case "threshold-binary":    // h-vae: ToTensor() then round(): byte ≥ 128 ⇔ byte/255 > 0.5
                train = train.Gt(0.5);
                test = test.Gt(0.5);
                break;
            case "dynamic-binary":      // the test set is binarised once, with its own seed
                test = test.Bernoulli(new Generator(seed + 4));
                break;
        }

        return (train, test);
    }
}
