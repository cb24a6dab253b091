using System.Globalization;

namespace Vae.Compare;

/// <summary>
/// Command-line settings, named and defaulted like <c>benchmarks/compare/torch_reference.py</c> so that one set of
/// flags drives both sides. <see cref="Threads"/> is ours only: null keeps the runtime's processor count.
/// </summary>
internal sealed record RunOptions
{
    public static readonly string[] Models = ["vae", "iwae-paper-vae", "conv-vae", "iwae"];

    public required string Model { get; init; }

    public int Epochs { get; init; } = 1;

    public int BatchSize { get; init; }

    public int K { get; init; }

    public int? Threads { get; init; }

    public ulong Seed { get; init; } = 1;

    public double LearningRate { get; init; } = 1e-3;

    public int? MaxBatches { get; init; }

    public int? TrainLimit { get; init; }

    public int? TestLimit { get; init; }

    public int TestBatchSize { get; init; }

    public bool SkipTest { get; init; }

    public string? DataDirectory { get; init; }

    public string? Json { get; init; }

    public bool Quiet { get; init; }

    /// <summary>Data preprocessing of the model: gray, dynamic-binary or threshold-binary.</summary>
    public string DataKind => Model switch
    {
        "vae" => "gray",
        "conv-vae" => "threshold-binary",
        _ => "dynamic-binary",
    };

    /// <summary>Adam's ε: the IWAE paper's 1e-4 for its network, PyTorch's default 1e-8 otherwise.</summary>
    public double AdamEps => Model is "iwae-paper-vae" or "iwae" ? 1e-4 : 1e-8;

    public const string Usage = """
        Vae.Compare: trains one of the models of benchmarks/compare/ARCHITECTURES.md with Vae.NET and times each epoch
        exactly like torch_reference.py (same flags, same JSON fields).

          --model vae|iwae-paper-vae|conv-vae|iwae   (required)
          --epochs N             default 1
          --batch-size N         default: vae 128, iwae-paper-vae 20, iwae 20, conv-vae 256
          --k N                  importance samples (1 = ELBO with analytic KL); default iwae 50, others 1
          --threads N            cores our kernels may use (sets DOTNET_PROCESSOR_COUNT and restarts the process);
                                 default: all the runtime sees
          --seed N               default 1
          --lr X                 default 1e-3
          --max-batches N        stop each training epoch after N batches
          --train-limit N        first N training images (h-vae notebook: 10000)
          --test-limit N         first N test images (h-vae notebook: 1000)
          --test-batch-size N    default 1000 for k = 1, 100 for k > 1
          --skip-test            no test evaluation
          --data DIR             folder with the MNIST *.gz files (default: $VAE_DATA_DIR, else the nearest
                                 shared/datasets/mnist above the current directory or this program)
          --json FILE            write the results there
          --quiet
        """;

    /// <returns>The options, or null when help was asked for.</returns>
    public static RunOptions? Parse(string[] args)
    {
        var c = CultureInfo.InvariantCulture;
        string? model = null;
        int epochs = 1, testBatch = 0, batch = 0, k = 0;
        int? threads = null, maxBatches = null, trainLimit = null, testLimit = null;
        ulong seed = 1;
        double lr = 1e-3;
        bool skipTest = false, quiet = false;
        string? data = null, json = null;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value.");
            int Int() => int.Parse(Value(), c);
            switch (a)
            {
                case "--model": model = Value(); break;
                case "--epochs": epochs = Int(); break;
                case "--batch-size": batch = Int(); break;
                case "--k": k = Int(); break;
                case "--threads": threads = Int(); break;
                case "--seed": seed = ulong.Parse(Value(), c); break;
                case "--lr": lr = double.Parse(Value(), c); break;
                case "--max-batches": maxBatches = Int(); break;
                case "--train-limit": trainLimit = Int(); break;
                case "--test-limit": testLimit = Int(); break;
                case "--test-batch-size": testBatch = Int(); break;
                case "--skip-test": skipTest = true; break;
                case "--data": data = Value(); break;
                case "--json": json = Value(); break;
                case "--quiet": quiet = true; break;
                case "-h" or "--help": return null;
                default: throw new ArgumentException($"Unknown option {a}.");
            }
        }

        if (model is null || !Models.Contains(model))
        {
            throw new ArgumentException($"--model must be one of {string.Join(", ", Models)}.");
        }

        if (batch == 0)
        {
            batch = model switch { "vae" => 128, "conv-vae" => 256, _ => 20 };
        }

        if (k == 0)
        {
            k = model == "iwae" ? 50 : 1;
        }

        if (testBatch == 0)
        {
            testBatch = k == 1 ? 1000 : 100;
        }

        if (epochs < 1 || batch < 1 || k < 1 || testBatch < 1 || threads < 1 || maxBatches < 1 || trainLimit < 1 || testLimit < 1)
        {
            throw new ArgumentException("--epochs, --batch-size, --k, --threads, --test-batch-size, --max-batches and the limits must be ≥ 1.");
        }

        return new RunOptions
        {
            Model = model, Epochs = epochs, BatchSize = batch, K = k, Threads = threads, Seed = seed, LearningRate = lr,
            MaxBatches = maxBatches, TrainLimit = trainLimit, TestLimit = testLimit, TestBatchSize = testBatch,
            SkipTest = skipTest, DataDirectory = data, Json = json, Quiet = quiet,
        };
    }
}
