using System.Diagnostics;
using Vae.Core;
using Vae.Core.Data;
using Vae.Core.Optim;
using Vae.Models.Evaluation;
using Vae.Models.Training;
using Xunit.Abstractions;

namespace Vae.Models.Tests;

/// <summary>
/// The acceptance criterion in small: a label-conditioned CVAE (variant a) trained briefly on an MNIST subset must
/// generate the requested digit, i.e. ≥ 90% of its conditional samples are classified as the requested class by an MLP
/// classifier trained on the same subset. (The full check, for both variants, is the Conditional sample.)
/// </summary>
public sealed class ConditionalMnistIntegrationTests(ITestOutputHelper output)
{
    private const int Subset = 12000;

    [Fact]
    [Trait("Category", "Integration")]
    public void Label_conditioned_cvae_generates_the_requested_digits()
    {
        string? folder = DataPaths.ResolveMnistDirectory(startDirectory: AppContext.BaseDirectory);
        var options = new MnistOptions { DataDirectory = folder, AllowDownload = false };
        MnistData train;
        try
        {
            train = Mnist.Load(MnistSplit.Train, options);
        }
        catch (FileNotFoundException e)
        {
            output.WriteLine($"MNIST not available, test skipped: {e.Message}");
            return;
        }

        var clock = Stopwatch.StartNew();
        var x = train.Images.Narrow(0, 0, Subset);
        var y = train.LabelTensor.Narrow(0, 0, Subset);

        var classifier = new MlpClassifier(784, 10, new Generator(1), hidden: [128]);
        classifier.Fit(x, y, new Generator(2), epochs: 2, batchSize: 100, learningRate: 2e-3);
        output.WriteLine($"classifier trained in {clock.Elapsed.TotalSeconds:F1} s");

        var cvae = ConditionalVariationalAutoencoder.Mlp(784, [256], 2, 10, new Generator(3));
        var objective = new GradientObjective(cvae, new Adam(cvae.Parameters(), lr: 2e-3), (batch, g) =>
        {
            var loss = cvae.Loss(batch[0], batch[1], g);
            return new LossOutput(loss.Total, loss.ToMetrics());
        });
        var history = new Trainer(objective, new TrainerOptions { Epochs = 3, BatchSize = 100 }).Fit(new TensorDataset(x, y), null, new Generator(4));
        output.WriteLine($"CVAE trained in {clock.Elapsed.TotalSeconds:F1} s; train losses {string.Join(", ", history.Series("train_loss").Select(v => v.ToString("F1")))}");

        cvae.Eval();
        var (samples, requested) = cvae.SampleEachClass(100, new Generator(5));
        var report = classifier.Evaluate(samples, requested);
        output.WriteLine($"samples classified as requested: {100 * report.Accuracy:F1}% (per class {string.Join(" ", report.ClassAccuracy.Select(a => $"{100 * a:F0}"))}) after {clock.Elapsed.TotalSeconds:F1} s");
        report.Accuracy.Should().BeGreaterThanOrEqualTo(0.9);

        // The labels matter: the same codes decoded with shuffled labels are classified by their new labels.
        var shifted = Tensor.FromArray(requested.ToArray().Select(v => (float)((v + 3) % 10)).ToArray(), requested.Shape[0]);
        var codes = Tensor.Randn(new Shape(requested.Shape[0], 2), new Generator(6));
        classifier.Evaluate(cvae.DecodeMean(codes, shifted), shifted).Accuracy.Should().BeGreaterThanOrEqualTo(0.9);
    }
}
