// MNIST MLP classifier: the acceptance sample of the NN layers, losses, optimizers, data loading and checkpoints.
//
//   dotnet run -c Release --project samples/Vae.Samples.Classifier -- [--data DIR] [--epochs 6] [--batch-size 128]
//       [--lr 0.001] [--seed 0] [--out classifier.safetensors]
//
// The MNIST folder is --data, else $VAE_DATA_DIR, else shared/datasets/mnist in the current directory or one of its
// ancestors, else the download cache.
using System.Diagnostics;
using System.Globalization;
using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;
using Vae.Samples.Classifier;

var options = Options.Parse(args);
var mnistOptions = new MnistOptions { DataDirectory = DataPaths.ResolveMnistDirectory(options.DataDirectory), Log = Console.WriteLine };
var clock = Stopwatch.StartNew();
var train = Mnist.Load(MnistSplit.Train, mnistOptions);
var test = Mnist.Load(MnistSplit.Test, mnistOptions);
Console.WriteLine($"MNIST: {train.Count} training and {test.Count} test images ({clock.Elapsed.TotalSeconds:F1} s to load)");

var init = new Generator(options.Seed);
var shuffle = new Generator(options.Seed + 1);
var model = new Sequential(
    new Linear(784, 256, init), new ReLU(),
    new Linear(256, 128, init), new ReLU(),
    new Linear(128, 10, init));
Console.WriteLine(model);
var optimizer = new Adam(model.Parameters(), lr: options.LearningRate);
var loader = new DataLoader(train.ToDataset(), options.BatchSize, shuffle: true, generator: shuffle) { ReuseBuffers = true };

clock.Restart();
for (int epoch = 1; epoch <= options.Epochs; epoch++)
{
    var epochClock = Stopwatch.StartNew();
    model.Train();
    double lossSum = 0;
    int seen = 0;
    foreach (var (x, y) in loader)
    {
        optimizer.ZeroGrad();
        var loss = Losses.CrossEntropy(model.Forward(x), y);
        loss.Backward();
        optimizer.Step();
        lossSum += loss.Item() * x.Shape[0];
        seen += x.Shape[0];
    }

    double accuracy = Evaluation.Accuracy(model, test);
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {epoch}: train loss {lossSum / seen:F4}, test accuracy {100 * accuracy:F2}% ({epochClock.Elapsed.TotalSeconds:F1} s)"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained {options.Epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s"));
model.Save(options.Output, new Dictionary<string, string> { ["model"] = "mlp-784-256-128-10", ["epochs"] = options.Epochs.ToString(CultureInfo.InvariantCulture) });
Console.WriteLine($"model saved to {Path.GetFullPath(options.Output)}");
