using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Vae.Core;
using Vae.Core.Data;
using Vae.Core.Optim;
using Vae.Models;
using Vae.Models.Evaluation;
using Vae.Models.Training;

namespace Vae.Samples.Mnist;

/// <summary>The sample's flow: load MNIST, train the VAE and the autoencoder, evaluate, write pictures and metrics.</summary>
internal static class MnistSample
{
    private const int ImageSize = 784;

    public static int Run(SampleOptions o)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return Execute(o, cts.Token);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException or TrainingDivergedException)
        {
            string first = e.Message.Split('\n', 2)[0].Trim();
            string hint = e is FileNotFoundException or DirectoryNotFoundException ? " (pass --data DIR or set VAE_DATA_DIR to a folder with the MNIST files)" : string.Empty;
            Console.Error.WriteLine($"error: {first}{hint}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static int Execute(SampleOptions o, CancellationToken ct)
    {
        var c = CultureInfo.InvariantCulture;
        var clock = Stopwatch.StartNew();
        if (o.Data is not null && !Directory.Exists(o.Data))
        {
            throw new DirectoryNotFoundException($"the --data folder '{o.Data}' does not exist");
        }

        var mnistOptions = new MnistOptions { DataDirectory = DataPaths.ResolveMnistDirectory(o.Data), Log = m => Console.Error.WriteLine($"mnist: {m}") };
        var train = Vae.Core.Data.Mnist.Load(MnistSplit.Train, mnistOptions);
        var test = Vae.Core.Data.Mnist.Load(MnistSplit.Test, mnistOptions);
        AnsiConsole.MarkupLine(string.Create(c, $"MNIST: {train.Count} training and {test.Count} test images ({clock.Elapsed.TotalSeconds:F1} s to load)"));
        string arch = string.Create(c, $"{ImageSize}-{o.HiddenText.Replace(',', '-')}-{o.Latent}");
        AnsiConsole.MarkupLine(ConsoleTraining.Escape(string.Create(c,
            $"VAE {arch}, ReLU, {o.LikelihoodName}, β = {o.Beta}, Adam {o.LearningRate}, batch {o.BatchSize}, {o.Epochs} epochs, seed {o.Seed} → {Path.GetFullPath(o.Output)}")));
        Directory.CreateDirectory(o.Output);

        var testLoader = new DataLoader(test.ToImageDataset(), 1000);
        var vae = BuildVae(o);
        var vaeRun = Train("VAE", vae, o, train, testLoader, (x, g) =>
        {
            var loss = vae.Loss(x, g);
            return new LossOutput(loss.Total, loss.ToMetrics());
        }, ct);
        if (vaeRun is null)
        {
            return Cancelled(o);
        }

        Autoencoder? ae = null;
        ModelRun? aeRun = null;
        if (o.TrainAutoencoder)
        {
            ae = BuildAutoencoder(o);
            var model = ae;
            aeRun = Train("AE", ae, o, train, testLoader, (x, _) =>
            {
                var loss = model.Loss(x);
                return new LossOutput(loss, new Dictionary<string, double> { ["recon"] = loss.Item() });
            }, ct);
            if (aeRun is null)
            {
                return Cancelled(o);
            }
        }

        var metrics = Evaluate(o, vae, ae, test, testLoader);
        var files = Outputs.Write(o, vae, vaeRun.History, ae, aeRun?.History, test, metrics.CodeStatistics);
        metrics.VaeSecondsPerEpoch = vaeRun.History.Epochs.Average(e => e.Seconds);
        metrics.AeSecondsPerEpoch = aeRun?.History.Epochs.Average(e => e.Seconds);
        metrics.TotalSeconds = clock.Elapsed.TotalSeconds;
        files.Add(Outputs.WriteMetrics(o, metrics, vaeRun.History, aeRun?.History));
        Outputs.PrintSummary(o, metrics, files);
        return 0;
    }

    private static VariationalAutoencoder BuildVae(SampleOptions o)
    {
        var g = new Generator(o.Seed);
        var encoder = GaussianEncoder.Mlp(ImageSize, o.Hidden, o.Latent, Activation.Relu, g);
        var decoder = LikelihoodDecoder.Mlp(o.Latent, [.. o.Hidden.Reverse()], ImageSize, o.Likelihood, Activation.Relu, g, o.GaussianStd);
        return new VariationalAutoencoder(encoder, decoder) { Beta = o.Beta };
    }

    private static Autoencoder BuildAutoencoder(SampleOptions o)
    {
        var g = new Generator(o.Seed + 1);
        var encoder = new Vae.Models.Mlp([ImageSize, .. o.Hidden, o.Latent], Activation.Relu, g);
        var decoder = LikelihoodDecoder.Mlp(o.Latent, [.. o.Hidden.Reverse()], ImageSize, o.Likelihood, Activation.Relu, g, o.GaussianStd);
        return new Autoencoder(encoder, decoder, o.Latent);
    }

    private static ModelRun? Train(
        string name, Vae.Core.NN.Module model, SampleOptions o, MnistData train, DataLoader testLoader,
        Func<Tensor, Generator, LossOutput> loss, CancellationToken ct)
    {
        var run = new Generator(o.Seed + (name == "VAE" ? 10UL : 20UL));
        var trainLoader = new DataLoader(train.ToImageDataset(), o.BatchSize, shuffle: true, generator: run) { ReuseBuffers = true };
        var objective = new GradientObjective(model, new Adam(model.Parameters(), lr: o.LearningRate), (batch, g) => loss(batch[0], g));
        var options = new TrainerOptions
        {
            Epochs = o.Epochs,
            OutputDirectory = Path.Combine(o.Output, name.ToLowerInvariant()),
            ProgressInterval = 5,
        };
        var history = ConsoleTraining.Fit(name, objective, options, trainLoader, testLoader, run, ct);
        return history.StopReason == TrainingStopReason.Cancelled ? null : new ModelRun(history);
    }

    private static SampleMetrics Evaluate(SampleOptions o, VariationalAutoencoder vae, Autoencoder? ae, MnistData test, DataLoader testLoader)
    {
        var m = new SampleMetrics
        {
            VaeElbo = ElboEvaluator.Evaluate(vae, testLoader, new Generator(o.Seed + 100)),
            VaeActiveUnits = ActiveUnits.Measure(vae, testLoader),
        };
        if (ae is not null)
        {
            m.AeReconstruction = ElboEvaluator.ReconstructionLoss(ae, testLoader);
            m.AeActiveUnits = ActiveUnits.Measure(ae, testLoader);
        }

        int count = Math.Min(o.ImportanceCount ?? test.Count, test.Count);
        if (count > 0)
        {
            var subset = new DataLoader(new TensorDataset(test.Images.Narrow(0, 0, count)), 50);
            var clock = Stopwatch.StartNew();
            ConsoleTraining.NewProgress().Start(ctx =>
            {
                var task = ctx.AddTask(ConsoleTraining.Escape($"IS log-likelihood, k = {o.ImportanceSamples}"), maxValue: count);
                m.VaeLogLikelihood = ImportanceSampling.Evaluate(
                    vae, subset, o.ImportanceSamples, new Generator(o.Seed + 101), progress: new SyncProgress(done => task.Value = done));
            });
            m.ImportanceSeconds = clock.Elapsed.TotalSeconds;
            m.SubsetNegativeElbo = ElboEvaluator.Evaluate(vae, subset, new Generator(o.Seed + 100)).NegativeElbo;
        }

        return m;
    }

    private static int Cancelled(SampleOptions o)
    {
        Console.Error.WriteLine($"cancelled: a checkpoint was written to {Path.GetFullPath(o.Output)}");
        return 130;
    }

    private sealed record ModelRun(TrainingHistory History);

    /// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
