using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Vae.Models;

namespace Vae.Samples.Mnist;

/// <summary>The sample's settings, parsed from the command line.</summary>
internal sealed record SampleOptions
{
    public int Latent { get; init; } = 20;

    public int Epochs { get; init; } = 10;

    public IReadOnlyList<int> Hidden { get; init; } = [400];

    public Likelihood Likelihood { get; init; } = Likelihood.Bernoulli;

    public double GaussianStd { get; init; } = 0.1;

    public double Beta { get; init; } = 1.0;

    public double LearningRate { get; init; } = 1e-3;

    public ulong Seed { get; init; }

    public string Output { get; init; } = Path.Combine("out", "mnist");

    public string? Data { get; init; }

    public int BatchSize { get; init; } = 128;

    public bool TrainAutoencoder { get; init; } = true;

    public int ImportanceSamples { get; init; } = 5000;

    /// <summary>Test images for the importance-sampled log-likelihood; null = the whole test set, 0 = skip.</summary>
    public int? ImportanceCount { get; init; } = 1000;

    public string HiddenText => string.Join(",", Hidden);

    public static readonly IReadOnlyDictionary<string, Likelihood> Likelihoods = new Dictionary<string, Likelihood>
    {
        ["bernoulli"] = Likelihood.Bernoulli,
        ["continuous-bernoulli"] = Likelihood.ContinuousBernoulli,
        ["gaussian"] = Likelihood.Gaussian,
        ["gaussian-learned-variance"] = Likelihood.GaussianLearnedVariance,
    };

    /// <summary>The root command; its action receives the parsed options.</summary>
    public static RootCommand Command(Func<SampleOptions, int> run)
    {
        var d = new SampleOptions();
        var latent = Positive(new Option<int>("--latent") { Description = "Latent dimension (2 also draws the manifold grid).", DefaultValueFactory = _ => d.Latent });
        var epochs = Positive(new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => d.Epochs });
        var hidden = new Option<int[]>("--hidden")
        {
            Description = "Hidden layer widths of the encoder (the decoder mirrors them), e.g. 400 or 512,256.",
            DefaultValueFactory = _ => [.. d.Hidden],
            CustomParser = ParseHidden,
        };
        var likelihood = new Option<string>("--likelihood")
        {
            Description = $"Decoder likelihood p(x|z): {string.Join(", ", Likelihoods.Keys)}.",
            DefaultValueFactory = _ => "bernoulli",
            HelpName = "likelihood",
        };
        likelihood.Validators.Add(r =>
        {
            string? v = r.GetValueOrDefault<string>();
            if (v is null || !Likelihoods.ContainsKey(v))
            {
                r.AddError($"--likelihood must be one of {string.Join(", ", Likelihoods.Keys)}, got '{v}'.");
            }
        });
        var gaussianStd = new Option<double>("--gaussian-std") { Description = "Standard deviation of the fixed-variance gaussian likelihood.", DefaultValueFactory = _ => d.GaussianStd };
        gaussianStd.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) { r.AddError("--gaussian-std must be positive."); } });
        var beta = new Option<double>("--beta") { Description = "Weight of the KL term (1: the plain VAE).", DefaultValueFactory = _ => d.Beta };
        beta.Validators.Add(r => { double b = r.GetValueOrDefault<double>(); if (!(b >= 0) || double.IsInfinity(b)) { r.AddError("--beta must be finite and ≥ 0."); } });
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => d.LearningRate };
        lr.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) { r.AddError("--lr must be positive."); } });
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random choice (initialisation, shuffling, sampling).", DefaultValueFactory = _ => d.Seed };
        var output = new Option<string>("--out") { Description = "Output folder (checkpoints, pictures, metrics.json).", DefaultValueFactory = _ => d.Output };
        var data = new Option<string?>("--data") { Description = "Folder with the MNIST IDX files (default: $VAE_DATA_DIR, then shared/datasets/mnist above the current folder, then the download cache)." };
        var batchSize = Positive(new Option<int>("--batch-size") { Description = "Training batch size.", DefaultValueFactory = _ => d.BatchSize });
        var ae = new Option<bool>("--ae") { Description = "Also train the autoencoder baseline (the default)." };
        var noAe = new Option<bool>("--no-ae") { Description = "Skip the autoencoder baseline." };
        var isK = Positive(new Option<int>("--is-k") { Description = "Importance samples per image for the test log-likelihood.", DefaultValueFactory = _ => d.ImportanceSamples });
        var isCount = new Option<string>("--is-count") { Description = "Test images for the importance-sampled log-likelihood: a number (0 skips it) or 'all'.", DefaultValueFactory = _ => "1000" };
        isCount.Validators.Add(r => { if (!TryParseCount(r.GetValueOrDefault<string>(), out _)) { r.AddError($"--is-count must be a number ≥ 0 or 'all', got '{r.GetValueOrDefault<string>()}'."); } });

        var root = new RootCommand("Trains the canonical MNIST VAE (and an autoencoder baseline) and writes samples, interpolations, latent plots, reconstructions, loss curves and test metrics.");
        foreach (Option o in (Option[])[latent, epochs, hidden, likelihood, gaussianStd, beta, lr, seed, output, data, batchSize, ae, noAe, isK, isCount])
        {
            root.Options.Add(o);
        }

        root.Validators.Add(r =>
        {
            if (r.GetValue(ae) && r.GetValue(noAe))
            {
                r.AddError("--ae and --no-ae contradict each other.");
            }
        });

        root.SetAction(r =>
        {
            TryParseCount(r.GetValue(isCount), out int? count);
            return run(new SampleOptions
            {
                Latent = r.GetValue(latent),
                Epochs = r.GetValue(epochs),
                Hidden = r.GetValue(hidden)!,
                Likelihood = Likelihoods[r.GetValue(likelihood)!],
                GaussianStd = r.GetValue(gaussianStd),
                Beta = r.GetValue(beta),
                LearningRate = r.GetValue(lr),
                Seed = r.GetValue(seed),
                Output = r.GetValue(output)!,
                Data = r.GetValue(data),
                BatchSize = r.GetValue(batchSize),
                TrainAutoencoder = !r.GetValue(noAe),
                ImportanceSamples = r.GetValue(isK),
                ImportanceCount = count,
            });
        });
        return root;
    }

    public string LikelihoodName => Likelihoods.First(kv => kv.Value == Likelihood).Key;

    private static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{option.Name} must be at least 1, got {r.GetValueOrDefault<int>()}.");
            }
        });
        return option;
    }

    private static int[] ParseHidden(ArgumentResult result)
    {
        var text = string.Join(",", result.Tokens.Select(t => t.Value));
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sizes = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1)
            {
                result.AddError($"--hidden takes positive layer widths separated by commas (e.g. 400 or 512,256), got '{text}'.");
                return [];
            }

            sizes.Add(v);
        }

        if (sizes.Count == 0)
        {
            result.AddError("--hidden needs at least one layer width.");
        }

        return [.. sizes];
    }

    private static bool TryParseCount(string? text, out int? count)
    {
        count = null;
        if (string.Equals(text, "all", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            count = n;
            return true;
        }

        return false;
    }
}
