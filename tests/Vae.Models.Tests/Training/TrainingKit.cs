using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;
using Vae.Models.Training;

namespace Vae.Models.Tests;

/// <summary>Tiny models, synthetic data and helpers shared by the trainer tests.</summary>
internal static class TrainingKit
{
    /// <summary>Synthetic regression data: x ~ N(0, 1) of shape [n, 4], y = tanh(x·W) + 0.1·noise of shape [n, 2].</summary>
    public static TensorDataset Regression(int n, ulong seed)
    {
        var g = new Generator(seed);
        var x = Tensor.Randn(new Shape(n, 4), g);
        var w = Tensor.Randn(new Shape(4, 2), g);
        var y = x.MatMul(w).Tanh() + (Tensor.Randn(new Shape(n, 2), g) * 0.1);
        return new TensorDataset(x, y);
    }

    /// <summary>A loader transform adding N(0, 0.05²) noise to the inputs, drawn from the loader's generator.</summary>
    public static void JitterInputs(Batch batch, Generator? generator) =>
        batch[0] = batch[0] + (Tensor.Randn(batch[0].Shape, generator!) * 0.05);

    /// <summary>
    /// A GradientObjective on a TinyMlp: mean squared error with input noise drawn from the step generator, Adam, and a
    /// StepLR schedule.
    /// </summary>
    public static (TinyMlp Model, GradientObjective Objective) MlpObjective(ulong initSeed, int hidden = 8, double noise = 0.1, bool adam = true)
    {
        var model = new TinyMlp(hidden, new Generator(initSeed));
        Optimizer opt = adam ? new Adam(model.Parameters(), lr: 0.01) : new Sgd(model.Parameters(), lr: 0.05, momentum: 0.9);
        var objective = new GradientObjective(model, opt, (batch, g) => Mse(model, batch, g, noise))
        {
            Schedulers = [new StepLR(opt, stepSize: 2, gamma: 0.5)],
        };
        return (model, objective);
    }

    public static LossOutput Mse(TinyMlp model, Batch batch, Generator g, double noise)
    {
        var (x, y) = batch;
        var input = noise == 0 ? x : x + (Tensor.Randn(x.Shape, g) * noise);
        var err = model.Forward(input) - y;
        var mse = err.Square().Mean();
        return new LossOutput(mse, new Dictionary<string, double> { ["mae"] = err.Abs().Mean().Item() });
    }

    /// <summary>Every parameter and buffer of <paramref name="model"/> as raw float arrays, by name.</summary>
    public static Dictionary<string, float[]> Snapshot(Module model) =>
        model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    /// <summary>Asserts bit-identical snapshots (same keys, same float bits).</summary>
    public static void ShouldBeBitIdentical(Dictionary<string, float[]> actual, Dictionary<string, float[]> expected)
    {
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (name, values) in expected)
        {
            var a = actual[name];
            a.Length.Should().Be(values.Length, name);
            for (int i = 0; i < values.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(values[i]))
                {
                    throw new Xunit.Sdk.XunitException($"{name}[{i}]: {a[i]:R} differs from {values[i]:R}");
                }
            }
        }
    }

    /// <summary>The epochs' metrics without the wall-clock column, for comparing histories of two runs.</summary>
    public static List<Dictionary<string, double>> Metrics(TrainingHistory history) =>
        history.Epochs.Select(e => e.ToDictionary().Where(kv => kv.Key != "seconds").ToDictionary(kv => kv.Key, kv => kv.Value)).ToList();
}

/// <summary>4 → hidden → 2 MLP with a tanh hidden layer.</summary>
internal sealed class TinyMlp : Module<Tensor, Tensor>
{
    private readonly Linear _fc1;
    private readonly Linear _fc2;

    public TinyMlp(int hidden, Generator g)
    {
        _fc1 = RegisterModule("fc1", new Linear(4, hidden, g));
        _fc2 = RegisterModule("fc2", new Linear(hidden, 2, g));
    }

    public Linear Fc1 => _fc1;

    public override Tensor Forward(Tensor input) => _fc2.Forward(_fc1.Forward(input).Tanh());
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vae-trainer-tests", Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A synchronous IProgress that records every report.</summary>
internal sealed class RecordingProgress<T> : IProgress<T>
{
    public List<T> Reports { get; } = [];

    public void Report(T value) => Reports.Add(value);
}
