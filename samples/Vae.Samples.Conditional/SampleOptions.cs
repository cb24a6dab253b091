using System.CommandLine;

namespace Vae.Samples.Conditional;

/// <summary>Command-line settings of the sample.</summary>
internal sealed record SampleOptions(
    string Variant,
    int Epochs,
    int Latent,
    int[] Hidden,
    int KlSamples,
    double Beta,
    int BatchSize,
    double LearningRate,
    ulong Seed,
    string Output,
    string? Data,
    int PerClass,
    int EvalPerClass,
    string? Classifier,
    int ClassifierEpochs,
    int? TrainSubset,
    int WarmupEpochs,
    double WarmupBeta,
    bool LabelEncoder)
{
    public IEnumerable<char> Variants => Variant == "both" ? ['a', 'b'] : [Variant[0]];

    /// <summary>The root command; <paramref name="run"/> receives the parsed options and returns the exit code.</summary>
    public static RootCommand CreateCommand(Func<SampleOptions, int> run)
    {
        var variant = new Option<string>("--variant") { Description = "a: label-conditioned encoder/decoder with N(0, I) prior; b: per-class prior (the seed's circle of Gaussians); both", DefaultValueFactory = _ => "both" };
        variant.AcceptOnlyFromAmong("a", "b", "both");
        var epochs = new Option<int>("--epochs") { Description = "training epochs per variant", DefaultValueFactory = _ => 10 };
        var latent = new Option<int>("--latent") { Description = "latent dimension of variant a (variant b is 2-D, the prior's dimension)", DefaultValueFactory = _ => 2 };
        var hidden = new Option<string>("--hidden") { Description = "hidden layer widths of the encoder (decoder reversed), comma separated", DefaultValueFactory = _ => "512,256" };
        var klSamples = new Option<int>("--kl-samples") { Description = "Monte Carlo draws for the KL of variant b (0: exact Gaussian KL)", DefaultValueFactory = _ => 128 };
        var beta = new Option<double>("--beta") { Description = "weight of the KL term", DefaultValueFactory = _ => 1.0 };
        var batchSize = new Option<int>("--batch-size") { Description = "examples per step", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<ulong>("--seed") { Description = "seed of all randomness", DefaultValueFactory = _ => 0UL };
        var output = new Option<string>("--out") { Description = "output folder", DefaultValueFactory = _ => Path.Combine("out", "conditional") };
        var data = new Option<string?>("--data") { Description = "folder with the MNIST .gz files (default: $VAE_DATA_DIR, then shared/datasets/mnist above the current folder, then the download cache)" };
        var perClass = new Option<int>("--per-class") { Description = "columns of the per-class sample grids", DefaultValueFactory = _ => 10 };
        var evalPerClass = new Option<int>("--eval-per-class") { Description = "conditional samples per class for the classifier check", DefaultValueFactory = _ => 500 };
        var classifier = new Option<string?>("--classifier") { Description = "classifier checkpoint: loaded when it exists, else trained and saved there (default <out>/classifier.safetensors)" };
        var classifierEpochs = new Option<int>("--classifier-epochs") { Description = "epochs when the classifier is trained", DefaultValueFactory = _ => 4 };
        var subset = new Option<int?>("--train-subset") { Description = "train on the first N training images only (quick runs)" };
        var warmupEpochs = new Option<int>("--warmup-epochs") { Description = "variant b: epochs over which the KL weight decays geometrically from --warmup-beta to --beta (codes first move into their class components)", DefaultValueFactory = _ => 3 };
        var warmupBeta = new Option<double>("--warmup-beta") { Description = "variant b: KL weight at the start of the warm-up", DefaultValueFactory = _ => 50.0 };
        var labelEncoder = new Option<bool>("--label-encoder") { Description = "variant b: the encoder sees the label too, q(z|x, y) (default: q(z|x), as the seed's model)" };

        var root = new RootCommand("Conditional VAE on MNIST: label-conditioned networks (a) and the per-class prior of the ml-playground seed (b).")
        {
            variant, epochs, latent, hidden, klSamples, beta, batchSize, lr, seed, output, data, perClass, evalPerClass, classifier, classifierEpochs, subset, warmupEpochs, warmupBeta, labelEncoder,
        };
        root.SetAction(result =>
        {
            var options = new SampleOptions(
                result.GetValue(variant)!,
                result.GetValue(epochs),
                result.GetValue(latent),
                ParseHidden(result.GetValue(hidden)!),
                result.GetValue(klSamples),
                result.GetValue(beta),
                result.GetValue(batchSize),
                result.GetValue(lr),
                result.GetValue(seed),
                result.GetValue(output)!,
                result.GetValue(data),
                result.GetValue(perClass),
                result.GetValue(evalPerClass),
                result.GetValue(classifier),
                result.GetValue(classifierEpochs),
                result.GetValue(subset),
                result.GetValue(warmupEpochs),
                result.GetValue(warmupBeta),
                result.GetValue(labelEncoder));
            return run(options);
        });
        return root;
    }

    private static int[] ParseHidden(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
}
