using System.Globalization;

namespace Vae.Samples.Classifier;

/// <summary>Command-line settings of the sample.</summary>
internal sealed record Options(string? DataDirectory, int Epochs, int BatchSize, double LearningRate, ulong Seed, string Output)
{
    public static Options Parse(string[] args)
    {
        var o = new Options(null, 6, 128, 1e-3, 0, "classifier.safetensors");
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            var c = CultureInfo.InvariantCulture;
            o = args[i] switch
            {
                "--data" => o with { DataDirectory = Value() },
                "--epochs" => o with { Epochs = int.Parse(Value(), c) },
                "--batch-size" => o with { BatchSize = int.Parse(Value(), c) },
                "--lr" => o with { LearningRate = double.Parse(Value(), c) },
                "--seed" => o with { Seed = ulong.Parse(Value(), c) },
                "--out" => o with { Output = Value() },
                _ => throw new ArgumentException($"Unknown option {args[i]} (known: --data, --epochs, --batch-size, --lr, --seed, --out)."),
            };
        }

        return o;
    }
}
