// VAE with a Gaussian prior vs a Gaussian-mixture prior (K = 1000 learnable components in 10 dimensions) on MNIST:
// the mixture-of-Gaussians-prior experiments of the 2016 Torch code (seed 003), with the KL term computed by the
// closed-form variational approximation −log Σ_k w_k exp(−KL(q ‖ p_k)) (or by Monte Carlo with --kl mc).
//
//   dotnet run -c Release --project samples/Vae.Samples.MixturePrior -- [--components 1000] [--latent 10] [--epochs 10]
//       [--kl variational|mc] [--mc-samples 1] [--is-samples 100] [--eval-count 10000] [--seed 0]
//       [--out out/mixture-prior] [--data DIR]
//
// Training images are binarised afresh every batch; the test images once with a fixed seed (they also serve as the
// trainer's validation set). Both models are then scored on the test images: the ELBO with the exact KL (analytic
// for the Gaussian prior, Monte Carlo with 100 draws for the mixture), for the mixture also the ELBO with the
// variational KL, and the importance-sampled log-likelihood (Vae.Models.Evaluation.ImportanceSampling). Writes, under
// --out: samples_gaussian.png, samples_mixture.png (100 decoded prior samples each), components_first100.png (decoder
// means at the first 100 component means: the seed's "characteristic images"), components_most_used.png (the 100
// components that explain most test images), loss_curves.svg, metrics.json, and per model a folder with the
// trainer's checkpoints and history.
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Vae.Core;
using Vae.Core.Data;
using Vae.Models;
using Vae.Models.Visualization;
using Vae.Samples.MixturePrior;

return SampleOptions.Command(Run).Parse(args).Invoke();

static int Run(SampleOptions o)
{
    var c = CultureInfo.InvariantCulture;
    var mnistOptions = new MnistOptions { DataDirectory = DataPaths.ResolveMnistDirectory(o.Data), Log = m => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(m)}[/]") };
    var train = Mnist.Load(MnistSplit.Train, mnistOptions);
    var test = Mnist.Load(MnistSplit.Test, mnistOptions);
    var testBinary = Transforms.StaticBinarize(test.Images, new Generator(o.Seed + 7));
    Directory.CreateDirectory(o.Output);
    AnsiConsole.MarkupLine(string.Create(c, $"MNIST: {train.Count} training and {test.Count} test images; latent {o.Latent}, {o.Components} components, KL [bold]{o.Kl}[/], {o.Epochs} epochs"));

    var gaussian = VariationalAutoencoder.Mlp(784, [o.Hidden], o.Latent, new Generator(o.Seed + 1));
    var mixture = MixturePriorVariationalAutoencoder.Mlp(784, [o.Hidden], o.Latent, o.Components, new Generator(o.Seed + 1));
    mixture.MixtureKl = o.Kl == "mc" ? MixtureKlEstimator.MonteCarlo : MixtureKlEstimator.Variational;
    mixture.KlSamples = o.McSamples;

    var results = new List<ModelResult>
    {
        Experiment.Run(gaussian, "gaussian", "Gaussian prior", o, train.ToImageDataset(), testBinary, Path.Combine(o.Output, "gaussian")),
        Experiment.Run(mixture, "mixture", $"{o.Components}-component mixture prior", o, train.ToImageDataset(), testBinary, Path.Combine(o.Output, "mixture")),
    };

    // Pictures: prior samples of both models, characteristic images of the mixture's components.
    ImageGrid.Save(Path.Combine(o.Output, "samples_gaussian.png"), gaussian.Sample(100, new Generator(o.Seed + 21)), columns: 10);
    ImageGrid.Save(Path.Combine(o.Output, "samples_mixture.png"), mixture.Sample(100, new Generator(o.Seed + 21)), columns: 10);
    int shown = Math.Min(100, o.Components);
    ImageGrid.Save(Path.Combine(o.Output, "components_first100.png"), mixture.DecodeComponentMeans(0, shown), columns: 10);
    var (usage, winners) = ComponentUsage(mixture, testBinary);
    var mostUsed = Enumerable.Range(0, o.Components).OrderByDescending(k => usage[k]).Take(shown).ToArray();
    ImageGrid.Save(Path.Combine(o.Output, "components_most_used.png"), mixture.DecodeMean(mixture.MixturePrior.Means.Detach().IndexSelect(0, mostUsed)), columns: 10);
    int usedComponents = winners.Count(w => w > 0);
    double total = usage.Sum();
    double usagePerplexity = Math.Exp(-usage.Where(u => u > 0).Sum(u => u / total * Math.Log(u / total)));
    double priorLogVar = mixture.MixturePrior.LogVars.Mean().Item();

    var plot = new SvgPlot("Negative ELBO per epoch (nats; mixture: with the variational KL)", "epoch", "−ELBO", width: 720);
    foreach (var r in results)
    {
        var epochs = r.History.Series("epoch");
        string label = r.Name == "gaussian" ? "Gauss" : "Mixture"; // short: the legend is 110 px wide
        plot.AddLine($"{label} train", epochs, r.History.Series("train_loss"));
        plot.AddLine($"{label} test", epochs, r.History.Series("val_loss"));
    }

    plot.Save(Path.Combine(o.Output, "loss_curves.svg"));

    var table = new Table().Title($"Test set ({Math.Min(o.EvalCount, test.Count)} statically binarised images, {o.IsSamples} importance samples)")
        .AddColumns("prior", "ELBO", "ELBO (var. KL)", "KL", "IS log p(x)", "s/epoch", "eval s");
    foreach (var r in results)
    {
        table.AddRow(
            r.Name == "gaussian" ? "Gaussian" : $"mixture K={o.Components}",
            r.Elbo.Elbo.ToString("F2", c),
            r.VariationalElbo?.Elbo.ToString("F2", c) ?? "—",
            r.Elbo.Kl.ToString("F2", c),
            r.LogLikelihood.Mean.ToString("F2", c),
            r.MeanEpochSeconds.ToString("F1", c),
            r.EvalSeconds.ToString("F1", c));
    }

    AnsiConsole.Write(table);
    AnsiConsole.MarkupLine(string.Create(
        c, $"Mixture prior: {usedComponents} of {o.Components} components are the most responsible one for some test image; usage perplexity {usagePerplexity:F0}; mean prior log-variance {priorLogVar:F2}."));

    var metrics = new
    {
        options = o,
        components_most_responsible_for_some_test_image = usedComponents,
        component_usage_perplexity = usagePerplexity,
        prior_log_variance_mean = priorLogVar,
        models = results.Select(r => new
        {
            name = r.Name,
            title = r.Title,
            test_elbo = r.Elbo.Elbo,
            test_elbo_variational_kl = r.VariationalElbo?.Elbo,
            test_kl = r.Elbo.Kl,
            test_kl_variational = r.VariationalElbo?.Kl,
            test_reconstruction = r.Elbo.Reconstruction,
            test_is_log_likelihood = r.LogLikelihood.Mean,
            test_is_nll = r.LogLikelihood.Nll,
            test_is_standard_error = r.LogLikelihood.StandardError,
            mean_epoch_seconds = r.MeanEpochSeconds,
            eval_seconds = r.EvalSeconds,
            epochs = r.History.Epochs.Select(e => e.ToDictionary()),
        }),
    };
    File.WriteAllText(Path.Combine(o.Output, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
    AnsiConsole.MarkupLine($"Results written to [bold]{Markup.Escape(Path.GetFullPath(o.Output))}[/]");
    return 0;
}

// Total responsibility of each component over the test images, and how many images each is the most responsible for.
static (double[] Usage, int[] Winners) ComponentUsage(MixturePriorVariationalAutoencoder model, Tensor images)
{
    int k = model.MixturePrior.NumComponents;
    var usage = new double[k];
    var winners = new int[k];
    for (int start = 0; start < images.Shape[0]; start += 1000)
    {
        var r = model.ComponentResponsibilities(images.Narrow(0, start, Math.Min(1000, images.Shape[0] - start)));
        var sum = r.Sum(0).ToDoubleArray();
        for (int j = 0; j < k; j++)
        {
            usage[j] += sum[j];
        }

        foreach (double w in r.ArgMax(1).ToDoubleArray())
        {
            winners[(int)w]++;
        }
    }

    return (usage, winners);
}
