using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Vae.Core;
using Vae.Core.Data;
using Vae.Models.Evaluation;

namespace Vae.Samples.Conditional;

/// <summary>The whole run: data, classifier, the requested variants, the accuracy table and metrics.json.</summary>
internal sealed class ConditionalSample(SampleOptions options)
{
    private const double Acceptance = 0.90;

    public int Run()
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var clock = Stopwatch.StartNew();
        var mnistOptions = new MnistOptions { DataDirectory = DataPaths.ResolveMnistDirectory(options.Data) };
        var train = Mnist.Load(MnistSplit.Train, mnistOptions);
        var test = Mnist.Load(MnistSplit.Test, mnistOptions);
        var trainSet = options.TrainSubset is int n && n < train.Count
            ? new TensorDataset(train.Images.Narrow(0, 0, n), train.LabelTensor.Narrow(0, 0, n))
            : train.ToDataset();
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"MNIST: training on {trainSet.Count} images, testing on {test.Count} ({clock.Elapsed.TotalSeconds:F1} s to load)"));
        Directory.CreateDirectory(options.Output);

        var (classifier, classifierSource) = LoadOrTrainClassifier(train, cancel.Token);
        double classifierAccuracy = classifier.Evaluate(test.Images, test.LabelTensor).Accuracy;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Classifier ({classifierSource}): {100 * classifierAccuracy:F2}% on the MNIST test set"));

        var results = new List<VariantResult>();
        var runner = new VariantRunner(options, trainSet, test, classifier);
        foreach (char variant in options.Variants)
        {
            results.Add(runner.Run(variant, cancel.Token));
        }

        PrintAccuracy(results);
        WriteMetrics(results, classifierAccuracy, classifierSource);
        AnsiConsole.MarkupLine($"Outputs in [blue]{Markup.Escape(Path.GetFullPath(options.Output))}[/] ({clock.Elapsed.TotalSeconds:F0} s in all)");
        return results.All(r => r.SampleAccuracy.Accuracy >= Acceptance) ? 0 : 2;
    }

    private (MlpClassifier Classifier, string Source) LoadOrTrainClassifier(MnistData train, CancellationToken cancellationToken)
    {
        string path = options.Classifier ?? Path.Combine(options.Output, "classifier.safetensors");
        var classifier = new MlpClassifier(784, 10, new Generator(options.Seed + 7));
        if (File.Exists(path))
        {
            classifier.Load(path);
            return (classifier, $"loaded from {path}");
        }

        var clock = Stopwatch.StartNew();
        classifier.Fit(train.Images, train.LabelTensor, new Generator(options.Seed + 8), epochs: options.ClassifierEpochs,
            epochCompleted: (epoch, loss) => AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"  classifier epoch {epoch}/{options.ClassifierEpochs}: train loss {loss:F4} ({clock.Elapsed.TotalSeconds:F1} s)")),
            cancellationToken: cancellationToken);
        classifier.Save(path, new Dictionary<string, string> { ["model"] = "MlpClassifier 784-256-128-10" });
        return (classifier, $"trained {options.ClassifierEpochs} epochs, saved to {path}");
    }

    private static void PrintAccuracy(List<VariantResult> results)
    {
        var table = new Table().Title("Conditional samples classified as the requested digit");
        table.AddColumn("digit");
        foreach (var r in results)
        {
            table.AddColumn(new TableColumn($"variant {r.Variant}").RightAligned());
        }

        for (int k = 0; k < 10; k++)
        {
            table.AddRow([k.ToString(CultureInfo.InvariantCulture), .. results.Select(r => Percent(r.SampleAccuracy.ClassAccuracy[k]))]);
        }

        table.AddRow(["[bold]all[/]", .. results.Select(r => $"[bold]{Percent(r.SampleAccuracy.Accuracy)}[/]")]);
        AnsiConsole.Write(table);
        foreach (var r in results)
        {
            bool ok = r.SampleAccuracy.Accuracy >= Acceptance;
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"variant {r.Variant}: {100 * r.SampleAccuracy.Accuracy:F2}% of {r.SampleAccuracy.Count} samples → {(ok ? "[green]meets[/]" : "[red]misses[/]")} the ≥ 90% acceptance"));
        }
    }

    private void WriteMetrics(List<VariantResult> results, double classifierAccuracy, string classifierSource)
    {
        var variants = new JsonObject();
        foreach (var r in results)
        {
            var last = r.History.Epochs[^1];
            var final = new JsonObject();
            foreach (var (name, value) in last.ToDictionary())
            {
                final[name] = value;
            }

            variants[r.Variant.ToString()] = new JsonObject
            {
                ["description"] = r.Description,
                ["latent_dim"] = r.LatentDim,
                ["epochs"] = r.History.Epochs.Count,
                ["train_seconds"] = Math.Round(r.TrainSeconds, 1),
                ["final_epoch"] = final,
                ["sample_accuracy"] = r.SampleAccuracy.Accuracy,
                ["sample_accuracy_per_class"] = new JsonArray([.. r.SampleAccuracy.ClassAccuracy.Select(a => (JsonNode?)a)]),
                ["samples_per_class"] = options.EvalPerClass,
                ["meets_acceptance"] = r.SampleAccuracy.Accuracy >= Acceptance,
                ["folder"] = r.Folder,
            };
        }

        var root = new JsonObject
        {
            ["acceptance"] = "≥ 90% of conditional samples classified as the requested digit",
            ["classifier"] = new JsonObject { ["test_accuracy"] = classifierAccuracy, ["source"] = classifierSource },
            ["options"] = new JsonObject
            {
                ["variant"] = options.Variant,
                ["epochs"] = options.Epochs,
                ["latent"] = options.Latent,
                ["hidden"] = string.Join(",", options.Hidden),
                ["kl_samples"] = options.KlSamples,
                ["beta"] = options.Beta,
                ["batch_size"] = options.BatchSize,
                ["lr"] = options.LearningRate,
                ["seed"] = options.Seed,
                ["train_subset"] = options.TrainSubset,
            },
            ["variants"] = variants,
        };
        File.WriteAllText(Path.Combine(options.Output, "metrics.json"), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static string Percent(double value) => double.IsNaN(value) ? "–" : string.Create(CultureInfo.InvariantCulture, $"{100 * value:F1}%");
}
