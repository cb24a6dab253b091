using System.CommandLine;

namespace Vae.Samples.MixturePrior;

/// <summary>The sample's command-line settings.</summary>
internal sealed record SampleOptions(
    int Components,
    int Latent,
    int Hidden,
    int Epochs,
    string Kl,
    int McSamples,
    int BatchSize,
    double LearningRate,
    int IsSamples,
    int EvalCount,
    ulong Seed,
    string Output,
    string? Data)
{
    /// <summary>Builds the root command; <paramref name="run"/> receives the parsed settings and returns the exit code.</summary>
    public static RootCommand Command(Func<SampleOptions, int> run)
    {
        var components = new Option<int>("--components") { Description = "Number of mixture components K", DefaultValueFactory = _ => 1000 };
        var latent = new Option<int>("--latent") { Description = "Latent dimension d", DefaultValueFactory = _ => 10 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units of the encoder and decoder MLPs", DefaultValueFactory = _ => 400 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs per model", DefaultValueFactory = _ => 10 };
        var kl = new Option<string>("--kl") { Description = "KL of the mixture-prior VAE: variational (closed-form upper bound) or mc (Monte Carlo)", DefaultValueFactory = _ => "variational" };
        kl.AcceptOnlyFromAmong("variational", "mc");
        var mcSamples = new Option<int>("--mc-samples") { Description = "Posterior draws per example for --kl mc", DefaultValueFactory = _ => 1 };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3 };
        var isSamples = new Option<int>("--is-samples") { Description = "Importance samples per test image for the log-likelihood", DefaultValueFactory = _ => 100 };
        var evalCount = new Option<int>("--eval-count") { Description = "Test images used for the ELBO and log-likelihood", DefaultValueFactory = _ => 10000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every generator", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => Path.Combine("out", "mixture-prior") };
        var data = new Option<string?>("--data") { Description = "Folder with the MNIST IDX files (else VAE_DATA_DIR, else shared/datasets/mnist above the current folder, else the download cache)" };

        var command = new RootCommand("VAE with a Gaussian vs a Gaussian-mixture prior on binarised MNIST (the 2016 mixture-of-Gaussians-prior experiments).")
        {
            components, latent, hidden, epochs, kl, mcSamples, batchSize, lr, isSamples, evalCount, seed, output, data,
        };
        command.SetAction(r =>
        {
            var o = new SampleOptions(
                r.GetValue(components), r.GetValue(latent), r.GetValue(hidden), r.GetValue(epochs), r.GetValue(kl)!, r.GetValue(mcSamples),
                r.GetValue(batchSize), r.GetValue(lr), r.GetValue(isSamples), r.GetValue(evalCount), r.GetValue(seed), r.GetValue(output)!, r.GetValue(data));
            o.Validate();
            return run(o);
        });
        return command;
    }

    private void Validate()
    {
        static void Positive(int v, string name)
        {
            if (v < 1)
            {
                throw new ArgumentOutOfRangeException(name, v, $"{name} must be at least 1.");
            }
        }

        Positive(Components, "--components");
        Positive(Latent, "--latent");
        Positive(Hidden, "--hidden");
        Positive(Epochs, "--epochs");
        Positive(McSamples, "--mc-samples");
        Positive(BatchSize, "--batch-size");
        Positive(IsSamples, "--is-samples");
        Positive(EvalCount, "--eval-count");
        if (!(LearningRate > 0))
        {
            throw new ArgumentOutOfRangeException("--lr", LearningRate, "--lr must be positive.");
        }
    }
}
