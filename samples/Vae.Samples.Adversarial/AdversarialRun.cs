using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Vae.Core;
using Vae.Core.Data;
using Vae.Distributions;
using Vae.Models;
using Vae.Models.Training;
using Vae.Models.Visualization;

namespace Vae.Samples.Adversarial;

/// <summary>One training run of the sample: data, model, trainer, per-epoch latent evaluation and the output files.</summary>
internal sealed class AdversarialRun(SampleOptions o)
{
    private readonly List<JsonObject> _epochs = [];
    private readonly List<(double[] X, double[] Y, byte[] Color)> _gifFrames = [];

    public int Execute()
    {
        if (o.Labels && o.Prior == SampleOptions.Normal)
        {
            AnsiConsole.MarkupLine("[red]--labels needs a prior with one part per class (gmm or swiss-roll); the normal prior has none.[/]");
            return 1;
        }

        Directory.CreateDirectory(o.Output);
        var clock = Stopwatch.StartNew();
        var mnistOptions = new MnistOptions { DataDirectory = DataPaths.ResolveMnistDirectory(o.DataDirectory), Log = s => AnsiConsole.MarkupLineInterpolated($"[grey]{s}[/]") };
        var train = Mnist.Load(MnistSplit.Train, mnistOptions);
        var test = Mnist.Load(MnistSplit.Test, mnistOptions);
        var trainSet = o.TrainSubset is int k && k < train.Count
            ? new TensorDataset(train.Images.Narrow(0, 0, k), train.LabelTensor.Narrow(0, 0, k))
            : train.ToDataset();
        AnsiConsole.MarkupLineInterpolated($"MNIST: {trainSet.Count} training and {test.Count} test images ({clock.Elapsed.TotalSeconds:F1} s to load)");

        var prior = Prior(o.Prior);
        var model = AdversarialAutoencoder.Mlp(
            784, o.Hidden, prior, new Generator(o.Seed), o.DiscriminatorHidden, o.Labels,
            o.Stochastic ? AdversarialEncoderMode.Stochastic : AdversarialEncoderMode.Deterministic);
        // Three Adam optimizers as in the seed: reconstruction (encoder + decoder), discriminator, generator (encoder); the
        // adversarial ones with the GAN-usual β1 = 0.5. All three decay per epoch by the same factor, which calms the
        // game down as training goes on while keeping the balance between reconstruction and regularisation.
        var objective = AdversarialAutoencoderObjective.WithAdam(
            model, o.ReconstructionLr, o.DiscriminatorLr, o.GeneratorLr, beta1: 0.5, decayPerEpoch: o.LrDecay,
            options: new AdversarialTrainingOptions { DiscriminatorSkipThreshold = o.SkipThreshold });
        AnsiConsole.MarkupLineInterpolated($"[bold]{o.RunName}[/]: {model.ParameterCount:N0} parameters, encoder 784-{string.Join("-", o.Hidden)}-2 ({model.EncoderMode}), discriminator {model.Discriminator.InputDim}-{string.Join("-", o.DiscriminatorHidden)}-1");

        var evaluator = new LatentEvaluator(prior, o.Labels, test.Images, test.LabelTensor, o.EvaluationCodes, o.Seed);
        evaluator.PlotPrior(Path.Combine(o.Output, "prior.svg"));
        Console.WriteLine($"reference (fresh prior samples): {LatentEvaluator.Format(evaluator.Reference)}");
        RecordEpoch(evaluator, model, 0, null);

        var trainer = new Trainer(objective, new TrainerOptions { Epochs = o.Epochs, OutputDirectory = o.Output, ProgressInterval = 10 });
        trainer.EpochCompleted += (_, record) => RecordEpoch(evaluator, model, record.Epoch, record);
        var trainLoader = new DataLoader(trainSet, o.BatchSize, shuffle: true, generator: new Generator(o.Seed + 1));
        var testLoader = new DataLoader(test.ToDataset(), 1000);
        var run = new Generator(o.Seed + 2);

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            trainer.Fit(trainLoader, testLoader, run); // redirected output: the epoch lines are the log
            WriteOutputs(evaluator, model, clock.Elapsed.TotalSeconds);
            return 0;
        }

        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: 1.0);
                trainer.Progress = new Reporter(p =>
                {
                    task.Value = p.Fraction;
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {p.Epoch}/{p.Epochs} recon {p.Metrics["recon"]:F1} D {p.Metrics["disc_loss"]:F3} G {Get(p.Metrics, "gen_loss"):F3}");
                });
                trainer.Fit(trainLoader, testLoader, run);
            });

        WriteOutputs(evaluator, model, clock.Elapsed.TotalSeconds);
        return 0;
    }

    private static double Get(IReadOnlyDictionary<string, double> m, string key) => m.TryGetValue(key, out double v) ? v : double.NaN;

    private static Distribution Prior(string name) => name switch
    {
        SampleOptions.Gmm => GaussianMixture.AdversarialAutoencoderPrior(),
        SampleOptions.SwissRollPrior => SwissRoll.AdversarialAutoencoderPrior(),
        _ => new Independent(new Normal(Tensor.Zeros(new Shape(2)), Tensor.Ones(new Shape(2))), 1),
    };

    private void RecordEpoch(LatentEvaluator evaluator, AdversarialAutoencoder model, int epoch, EpochRecord? record)
    {
        var latent = evaluator.Evaluate(model, out var codes);
        var entry = new JsonObject { ["epoch"] = epoch };
        if (record is not null)
        {
            foreach (var (key, value) in record.ToDictionary())
            {
                if (key is not "epoch")
                {
                    entry[key] = Json(value);
                }
            }
        }

        foreach (var (key, value) in latent)
        {
            entry[key] = Json(value);
        }

        _epochs.Add(entry);
        if (epoch % o.FrameEvery == 0 || epoch == o.Epochs)
        {
            string title = string.Create(CultureInfo.InvariantCulture, $"{o.RunName}, epoch {epoch}: MMD² {latent["mmd2"]:F4}");
            evaluator.Plot(Path.Combine(o.Output, "frames", string.Create(CultureInfo.InvariantCulture, $"frame_{epoch:D3}.svg")), codes, title);
            _gifFrames.Add(evaluator.Points(codes));
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}: ") +
            (record is null ? string.Empty : string.Create(CultureInfo.InvariantCulture,
                $"train recon {Get(record.Train, "recon"):F2}, D {Get(record.Train, "disc_loss"):F3} (acc {Get(record.Train, "disc_accuracy"):F2}), G {Get(record.Train, "gen_loss"):F3}, test recon {Get(record.Validation, "recon"):F2}, {record.Seconds:F0} s; ")) +
            LatentEvaluator.Format(latent);
        Console.WriteLine(line); // plain, so redirected logs keep one line per epoch
    }

    private void WriteOutputs(LatentEvaluator evaluator, AdversarialAutoencoder model, double seconds)
    {
        var g = new Generator(o.Seed + 3);
        var codes = evaluator.Codes(model);
        evaluator.Plot(Path.Combine(o.Output, "latent.svg"), codes, $"{o.RunName}: all test codes after {o.Epochs} epochs", count: codes.Shape[0]);
        GifWriter.WriteScatterAnimation(Path.Combine(o.Output, "latent.gif"), _gifFrames, evaluator.Range, size: 400, delayCentiseconds: 50);

        // Samples: one row per component / segment for labelled priors, else 100 random prior draws.
        Tensor samples;
        if (model.Prior is ILabeledSampler labeled)
        {
            var rows = Enumerable.Range(0, labeled.NumLabels).Select(c => model.SamplePrior(labeled.SampleWithLabels(10, g, c).Labels, g)).ToList();
            samples = model.DecodeMean(Tensor.Concat(rows, 0));
        }
        else
        {
            samples = model.Sample(100, g);
        }

        ImageGrid.Save(Path.Combine(o.Output, "samples.png"), samples, columns: 10);

        var testImages = Mnist.Load(MnistSplit.Test, new MnistOptions { DataDirectory = DataPaths.ResolveMnistDirectory(o.DataDirectory) }).Images.Narrow(0, 0, 10);
        var recon = ((ILatentVariableModel)model).Reconstruct(testImages);
        ImageGrid.Save(Path.Combine(o.Output, "reconstructions.png"), Tensor.Concat([testImages, recon], 0), columns: 10);

        // Decoded lattice over the plot range.
        const int steps = 15;
        var (lo, hi) = evaluator.Range;
        var lattice = new float[steps * steps * 2];
        for (int i = 0; i < steps; i++)
        {
            for (int j = 0; j < steps; j++)
            {
                lattice[2 * ((i * steps) + j)] = (float)(lo + ((hi - lo) * (j + 0.5) / steps));
                lattice[(2 * ((i * steps) + j)) + 1] = (float)(hi - ((hi - lo) * (i + 0.5) / steps));
            }
        }

        ImageGrid.Save(Path.Combine(o.Output, "manifold.png"), model.DecodeMean(Tensor.FromArray(lattice, [steps * steps, 2])), columns: steps);

        var final = _epochs[^1];
        var metrics = new JsonObject
        {
            ["prior"] = o.Prior,
            ["labels"] = o.Labels,
            ["encoder_mode"] = model.EncoderMode.ToString(),
            ["epochs"] = o.Epochs,
            ["batch_size"] = o.BatchSize,
            ["seed"] = o.Seed,
            ["learning_rates"] = new JsonObject { ["reconstruction"] = o.ReconstructionLr, ["discriminator"] = o.DiscriminatorLr, ["generator"] = o.GeneratorLr, ["decay_per_epoch"] = o.LrDecay },
            ["skip_threshold"] = o.SkipThreshold,
            ["hidden"] = new JsonArray([.. o.Hidden.Select(h => (JsonNode)h)]),
            ["discriminator_hidden"] = new JsonArray([.. o.DiscriminatorHidden.Select(h => (JsonNode)h)]),
            ["evaluation_codes"] = o.EvaluationCodes,
            ["seconds"] = Math.Round(seconds, 1),
            ["final"] = final.DeepClone(),
            ["reference_fresh_prior_samples"] = new JsonObject([.. evaluator.Reference.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Json(kv.Value)))]),
            ["history"] = new JsonArray([.. _epochs.Select(e => (JsonNode)e.DeepClone())]),
        };
        File.WriteAllText(Path.Combine(o.Output, "metrics.json"), metrics.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var table = new Table().AddColumn("metric").AddColumn("final").AddColumn("fresh prior samples");
        foreach (var (key, value) in evaluator.Reference)
        {
            table.AddRow(key, Fmt(final[key]), Fmt(value));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"outputs in [bold]{Path.GetFullPath(o.Output)}[/] ({seconds:F0} s)");
    }

    private static JsonNode? Json(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static string Fmt(object? v) => v switch
    {
        JsonNode n => n.GetValue<double>().ToString("G4", CultureInfo.InvariantCulture),
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        _ => "-",
    };

    /// <summary>A synchronous IProgress (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
