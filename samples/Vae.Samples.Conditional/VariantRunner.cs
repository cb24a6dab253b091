using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Vae.Core;
using Vae.Core.Data;
using Vae.Core.Optim;
using Vae.Models;
using Vae.Models.Evaluation;
using Vae.Models.Training;

namespace Vae.Samples.Conditional;

/// <summary>Builds, trains and evaluates one variant, writing its pictures and checkpoints to &lt;out&gt;/&lt;variant&gt;.</summary>
internal sealed class VariantRunner(SampleOptions options, TensorDataset train, MnistData test, MlpClassifier classifier)
{
    private const int ImageSize = 784;
    private const int NumClasses = 10;

    public VariantResult Run(char variant, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(options.Output, variant.ToString());
        Directory.CreateDirectory(folder);
        var init = new Generator(options.Seed + (variant == 'a' ? 11UL : 23UL));
        var (model, description) = Build(variant, init);
        AnsiConsole.MarkupLine($"[bold]Variant {variant}[/]: {Markup.Escape(description)}");
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(model.ToString())}[/]");

        var optimizer = new Adam(model.Parameters(), lr: options.LearningRate);
        var objective = new GradientObjective(model, optimizer, (batch, g) =>
        {
            var loss = model.Loss(batch[0], batch[1], g);
            return new LossOutput(loss.Total, loss.ToMetrics());
        });
        var trainer = new Trainer(objective, new TrainerOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            OutputDirectory = folder,
            ProgressInterval = 1,
        });

        int warmupEpochs = variant == 'b' ? options.WarmupEpochs : 0;
        if (warmupEpochs > 0)
        {
            model.Beta = options.WarmupBeta;
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"KL weight decaying from {options.WarmupBeta} to {options.Beta} over the first {warmupEpochs} epoch(s)"));
        }

        var clock = Stopwatch.StartNew();
        TrainingHistory history = null!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"variant {variant}", maxValue: 1.0);
                trainer.StepCompleted += (_, p) =>
                {
                    if (warmupEpochs > 0)
                    {
                        // Geometric decay from the warm-up weight to the final one over the warm-up epochs.
                        double f = Math.Min(1.0, p.GlobalStep / ((double)warmupEpochs * p.StepsPerEpoch));
                        model.Beta = Math.Exp(((1 - f) * Math.Log(options.WarmupBeta)) + (f * Math.Log(options.Beta)));
                    }

                    task.Value = p.Fraction;
                    task.Description = Markup.Escape(string.Create(
                        CultureInfo.InvariantCulture, $"variant {variant} · epoch {p.Epoch}/{p.Epochs} · loss {p.Metrics["loss"]:F2}"));
                };
                trainer.EpochCompleted += (_, e) => AnsiConsole.MarkupLine(Markup.Escape(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  epoch {e.Epoch,3}: train loss {e.Train["loss"]:F2} (recon {e.Train["recon"]:F2}, KL {e.Train["kl"]:F2}) · test loss {e.Validation["loss"]:F2} (recon {e.Validation["recon"]:F2}, KL {e.Validation["kl"]:F2}) · {e.Seconds:F1} s")));
                history = trainer.Fit(train, test.ToDataset(), new Generator(options.Seed + 1), cancellationToken);
                task.Value = 1.0;
            });
        double trainSeconds = clock.Elapsed.TotalSeconds;
        model.Eval();

        var pictures = new Generator(options.Seed + 100);
        Figures.SampleGrid(model, options.PerClass, pictures, Path.Combine(folder, "samples.png"));
        Figures.Reconstructions(model, test, Path.Combine(folder, "reconstructions.png"));
        Figures.ClassTransfer(model, test, Path.Combine(folder, "transfer.png"));
        Figures.Interpolations(model, test, Path.Combine(folder, "interpolation.png"));
        if (model.LatentDim == 2)
        {
            Figures.LatentSpace(model, test, 5000, pictures, folder);
        }

        Figures.LossCurves(history, $"Conditional VAE, variant {variant}", Path.Combine(folder, "loss.svg"));

        // The acceptance check: are the conditional samples classified as the digit they were requested as?
        var (samples, requested) = model.SampleEachClass(options.EvalPerClass, new Generator(options.Seed + 200));
        var report = classifier.Evaluate(samples, requested);
        return new VariantResult(variant, description, model.LatentDim, history, report, trainSeconds, folder);
    }

    private (ConditionalVariationalAutoencoder Model, string Description) Build(char variant, Generator init)
    {
        if (variant == 'a')
        {
            var a = ConditionalVariationalAutoencoder.Mlp(ImageSize, options.Hidden, options.Latent, NumClasses, init);
            a.Beta = options.Beta;
            return (a, $"q(z|x,y), p(x|z,y), prior N(0, I) in {options.Latent} dimensions, analytic KL");
        }

        var b = ConditionalVariationalAutoencoder.MlpWithClassPrior(
            ImageSize, options.Hidden, init, conditionEncoder: options.LabelEncoder, klSamples: Math.Max(1, options.KlSamples));
        b.Beta = options.Beta;
        if (options.KlSamples == 0)
        {
            b.KlEstimator = KlEstimator.Analytic;
        }

        string kl = options.KlSamples == 0 ? "exact Gaussian KL" : $"Monte Carlo KL with {options.KlSamples} draws";
        return (b, $"{(options.LabelEncoder ? "q(z|x,y)" : "q(z|x)")}, p(x|z), per-class prior p(z|y) = rotated Gaussian y on a circle of radius 4 (2-D), {kl}");
    }
}
