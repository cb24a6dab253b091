using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Vae.Core;
using Vae.Core.Data;
using Vae.Core.Optim;
using Vae.Models;
using Vae.Models.Training;

namespace Vae.Samples.MixturePrior;

/// <summary>What one trained model scored on the test images.</summary>
/// <param name="Name">Short name (folder and file names).</param>
/// <param name="Title">Human-readable name.</param>
/// <param name="History">Training history (per-epoch train and validation metrics, seconds).</param>
/// <param name="TestElbo">Mean ELBO with the exact KL (Monte Carlo over the importance samples), nats.</param>
/// <param name="TestLogLikelihood">Mean importance-sampled log p(x), nats.</param>
/// <param name="TestReconstruction">Mean E_q[log p(x|z)], nats.</param>
/// <param name="VariationalElbo">For the mixture prior: mean E_q[log p(x|z)] − D_var (the training objective's bound), nats.</param>
/// <param name="EvalSeconds">Seconds spent on the importance-sampled evaluation.</param>
internal sealed record ModelResult(
    string Name, string Title, TrainingHistory History, double TestElbo, double TestLogLikelihood, double TestReconstruction, double? VariationalElbo, double EvalSeconds)
{
    public double MeanEpochSeconds => History.Epochs.Average(e => e.Seconds);

    public double TestKl => TestReconstruction - TestElbo;
}

/// <summary>Training and evaluation of one model, with Spectre.Console progress.</summary>
internal static class Experiment
{
    public static ModelResult Run(
        VariationalAutoencoder vae, string name, string title, SampleOptions options, TensorDataset train, Tensor test, string folder)
    {
        var trainLoader = new DataLoader(
            train, options.BatchSize, shuffle: true, generator: new Generator(options.Seed + 11), transform: Transforms.DynamicBinarize());
        var validationLoader = new DataLoader(new TensorDataset(test), 500);
        var optimizer = new Adam(vae.Parameters(), lr: options.LearningRate);
        var objective = new GradientObjective(vae, optimizer, (batch, g) =>
        {
            var loss = vae.Loss(batch[0], g);
            return new LossOutput(loss.Total, loss.ToMetrics());
        });
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = options.Epochs, OutputDirectory = folder, ProgressInterval = 5 });

        TrainingHistory history = null!;
        (double[] LogLikelihood, double[] Elbo, double[] Reconstruction) scores = ([], [], []);
        var evalClock = new Stopwatch();
        var evalSet = test.Narrow(0, 0, Math.Min(options.EvalCount, test.Shape[0]));
        Progress().Start(ctx =>
        {
            var training = ctx.AddTask($"[bold]{title}[/] training", maxValue: 1.0);
            trainer.Progress = new SyncProgress<TrainingProgress>(p =>
            {
                training.Value = p.Fraction;
                training.Description = string.Create(CultureInfo.InvariantCulture, $"[bold]{title}[/] epoch {p.Epoch}/{p.Epochs} loss {p.Metrics["loss"]:F2}");
            });
            trainer.EpochCompleted += (_, e) => AnsiConsole.MarkupLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {Markup.Escape(title)} epoch {e.Epoch}: train −ELBO {e.Train["loss"]:F2} (KL {e.Train["kl"]:F2}), test −ELBO {e.Validation["loss"]:F2}, {e.Seconds:F1} s"));
            history = trainer.Fit(trainLoader, validationLoader, new Generator(options.Seed + 12));
            training.Value = 1.0;

            var evaluating = ctx.AddTask($"[bold]{title}[/] importance sampling ({options.IsSamples} samples)", maxValue: evalSet.Shape[0]);
            evalClock.Start();
            scores = ImportanceSampling.Evaluate(vae, evalSet, options.IsSamples, new Generator(options.Seed + 13), n => evaluating.Increment(n));
            evalClock.Stop();
        });

        double? variationalElbo = null;
        if (vae is MixturePriorVariationalAutoencoder mixture)
        {
            using (Autograd.NoGrad())
            {
                double dVar = 0;
                for (int start = 0; start < evalSet.Shape[0]; start += 1000)
                {
                    var xb = evalSet.Narrow(0, start, Math.Min(1000, evalSet.Shape[0] - start));
                    dVar += GaussianMixtureKl.Variational(mixture.Encode(xb), mixture.MixturePrior.Mixture()).Sum().Item();
                }

                variationalElbo = scores.Reconstruction.Average() - (dVar / evalSet.Shape[0]);
            }
        }

        return new ModelResult(
            name, title, history, scores.Elbo.Average(), scores.LogLikelihood.Average(), scores.Reconstruction.Average(), variationalElbo, evalClock.Elapsed.TotalSeconds);
    }

    private static Spectre.Console.Progress Progress() => AnsiConsole.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn());
}
