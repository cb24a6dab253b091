using System.CommandLine;
using System.Globalization;

namespace Vae.Samples.Adversarial;

/// <summary>Settings of the sample, parsed from the command line.</summary>
internal sealed record SampleOptions(
    string Prior,
    bool Labels,
    int Epochs,
    int BatchSize,
    ulong Seed,
    string Output,
    string? DataDirectory,
    double ReconstructionLr,
    double DiscriminatorLr,
    double GeneratorLr,
    int[] Hidden,
    int[] DiscriminatorHidden,
    bool Stochastic,
    double? SkipThreshold,
    int EvaluationCodes,
    int FrameEvery,
    int? TrainSubset,
    double LrDecay)
{
    public const string Gmm = "gmm";
    public const string SwissRollPrior = "swiss-roll";
    public const string Normal = "normal";

    /// <summary>Folder name describing the run, e.g. <c>gmm-labels</c>.</summary>
    public string RunName => Labels ? $"{Prior}-labels" : Prior;

    /// <summary>Builds the root command; <paramref name="run"/> receives the parsed options.</summary>
    public static RootCommand Command(Func<SampleOptions, int> run)
    {
        var prior = new Option<string>("--prior") { Description = "Target prior of the 2-D codes: gmm (10 rotated Gaussians on a circle), swiss-roll or normal.", DefaultValueFactory = _ => Gmm };
        prior.AcceptOnlyFromAmong(Gmm, SwissRollPrior, Normal);
        var labels = new Option<bool>("--labels") { Description = "Label-incorporating variant: the discriminator sees the class, each class maps to its own component / roll segment." };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 12 };
        var batch = new Option<int>("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of initialisation, shuffling and sampling.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Output folder (default out/adversarial/<prior>[-labels])." };
        var data = new Option<string?>("--data") { Description = "Folder with the MNIST IDX files (default: $VAE_DATA_DIR, then shared/datasets/mnist above the current folder, then the download cache)." };
        var lr = new Option<double>("--lr") { Description = "Learning rate of the reconstruction phase (Adam).", DefaultValueFactory = _ => 1e-3 };
        var discLr = new Option<double>("--disc-lr") { Description = "Learning rate of the discriminator (Adam, β1 = 0.5).", DefaultValueFactory = _ => 2e-3 };
        var genLr = new Option<double>("--gen-lr") { Description = "Learning rate of the generator phase (Adam, β1 = 0.5).", DefaultValueFactory = _ => 2e-3 };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths of encoder (decoder reversed), comma separated.", DefaultValueFactory = _ => "512,512" };
        var discHidden = new Option<string>("--disc-hidden") { Description = "Hidden widths of the discriminator, comma separated.", DefaultValueFactory = _ => "256,256" };
        var stochastic = new Option<bool>("--stochastic") { Description = "Stochastic encoder (z ~ q(z|x)) instead of the deterministic z = mean." };
        var skip = new Option<double?>("--skip-threshold") { Description = "Skip discriminator updates while its running loss is below this (e.g. 0.3); off by default." };
        var evalCodes = new Option<int>("--eval-codes") { Description = "Test codes (and prior samples) used for the per-epoch MMD and plots.", DefaultValueFactory = _ => 2000 };
        var frameEvery = new Option<int>("--frame-every") { Description = "Write a latent frame every this many epochs.", DefaultValueFactory = _ => 1 };
        var subset = new Option<int?>("--train-subset") { Description = "Train on the first N training images only (quick runs)." };
        var decay = new Option<double>("--lr-decay") { Description = "Per-epoch factor of all three learning rates (ExponentialLR; 1 = constant).", DefaultValueFactory = _ => 0.8 };

        var root = new RootCommand("Adversarial autoencoder on MNIST with a 2-D latent space matched to a Gaussian-mixture, swiss-roll or normal prior.")
        {
            prior, labels, epochs, batch, seed, output, data, lr, discLr, genLr, hidden, discHidden, stochastic, skip, evalCodes, frameEvery, subset, decay,
        };
        root.SetAction(r =>
        {
            var o = new SampleOptions(
                r.GetValue(prior)!, r.GetValue(labels), r.GetValue(epochs), r.GetValue(batch), r.GetValue(seed), r.GetValue(output) ?? string.Empty,
                r.GetValue(data), r.GetValue(lr), r.GetValue(discLr), r.GetValue(genLr), Widths(r.GetValue(hidden)!), Widths(r.GetValue(discHidden)!),
                r.GetValue(stochastic), r.GetValue(skip), r.GetValue(evalCodes), r.GetValue(frameEvery), r.GetValue(subset), r.GetValue(decay));
            if (o.Output.Length == 0)
            {
                o = o with { Output = Path.Combine("out", "adversarial", o.RunName) };
            }

            return run(o);
        });
        return root;
    }

    private static int[] Widths(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
}
