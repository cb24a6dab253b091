using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Vae.Core;
using Vae.Core.Data;
using Vae.Core.Optim;
using Vae.Models;
using Vae.Models.Evaluation;
using Vae.Models.Training;

namespace Vae.Samples.MixturePrior;

/// <summary>What one trained model scored on the test images.</summary>
/// <param name="Name">Short name (folder and file names).</param>
/// <param name="Title">Human-readable name.</param>
/// <param name="History">Training history (per-epoch train and validation metrics, seconds).</param>
/// <param name="Elbo">Test ELBO terms with the exact KL (analytic for the Gaussian prior, Monte Carlo for the mixture).</param>
/// <param name="VariationalElbo">For the mixture prior: the ELBO with the variational KL approximation (the training objective's bound).</param>
/// <param name="LogLikelihood">Importance-sampled log p(x) per test image.</param>
/// <param name="EvalSeconds">Seconds spent on the test-set evaluation.</param>
internal sealed record ModelResult(
    string Name, string Title, TrainingHistory History, ElboResult Elbo, ElboResult? VariationalElbo, LogLikelihoodResult LogLikelihood, double EvalSeconds)
{
    public double MeanEpochSeconds => History.Epochs.Average(e => e.Seconds);
}

/// <summary>Training and evaluation of one model, with Spectre.Console progress.</summary>
internal static class Experiment
{
    /// <summary>Monte Carlo draws per test image for the exact KL of the mixture prior.</summary>
    private const int EvalKlSamples = 100;

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
        LogLikelihoodResult logLikelihood = null!;
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
            logLikelihood = ImportanceSampling.Evaluate(
                vae, new DataLoader(new TensorDataset(evalSet), 50), options.IsSamples, new Generator(options.Seed + 13),
                progress: new SyncProgress<int>(done => evaluating.Value = done));
            evalClock.Stop();
        });

        evalClock.Start();
        ElboResult elbo;
        ElboResult? variationalElbo = null;
        if (vae is MixturePriorVariationalAutoencoder mixture)
        {
            var (estimator, klSamples) = (mixture.MixtureKl, mixture.KlSamples);
            (mixture.MixtureKl, mixture.KlSamples) = (MixtureKlEstimator.MonteCarlo, EvalKlSamples);
            elbo = ElboEvaluator.Evaluate(mixture, evalSet, new Generator(options.Seed + 14));
            mixture.MixtureKl = MixtureKlEstimator.Variational;
            variationalElbo = ElboEvaluator.Evaluate(mixture, evalSet, new Generator(options.Seed + 14));
            (mixture.MixtureKl, mixture.KlSamples) = (estimator, klSamples);
        }
        else
        {
            elbo = ElboEvaluator.Evaluate(vae, evalSet, new Generator(options.Seed + 14));
        }

        evalClock.Stop();
        return new ModelResult(name, title, history, elbo, variationalElbo, logLikelihood, evalClock.Elapsed.TotalSeconds);
    }

    private static Spectre.Console.Progress Progress() => AnsiConsole.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn());
}
