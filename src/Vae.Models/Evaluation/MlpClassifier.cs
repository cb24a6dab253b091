using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;

namespace Vae.Models.Evaluation;

/// <summary>
/// A small MLP classifier (by default 784-256-128-10 with ReLU, about 98% on MNIST after a few epochs) with its own
/// training loop: the yardstick for generators, e.g. "are ≥ 90% of a conditional VAE's samples of class k
/// classified as k?" (<see cref="Evaluate"/>). Parameter names: <c>network.layers.{i}.weight</c>/<c>bias</c>.
/// </summary>
public sealed class MlpClassifier : Module<Tensor, Tensor>
{
    private readonly Models.Mlp _network;

    /// <summary>Creates an untrained classifier.</summary>
    /// <param name="inputDim">Size of one flattened input (784 for MNIST).</param>
    /// <param name="numClasses">Number of classes K (≥ 2).</param>
    /// <param name="generator">Random source for the initial weights.</param>
    /// <param name="hidden">Hidden layer widths (default [256, 128]).</param>
    public MlpClassifier(int inputDim, int numClasses, Generator generator, IReadOnlyList<int>? hidden = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        InputDim = inputDim;
        NumClasses = numClasses;
        _network = RegisterModule("network", new Models.Mlp([inputDim, .. hidden ?? [256, 128], numClasses], Activation.Relu, generator));
    }

    /// <summary>Size of one flattened input.</summary>
    public int InputDim { get; }

    /// <summary>Number of classes K.</summary>
    public int NumClasses { get; }

    /// <summary>Class logits.</summary>
    /// <param name="input">Inputs [N, InputDim].</param>
    /// <returns>Logits [N, K].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2 || input.Shape[1] != InputDim)
        {
            throw new ArgumentException($"MlpClassifier: inputs must have shape [N, {InputDim}], got {input.Shape}.", nameof(input));
        }

        return _network.Forward(input);
    }

    /// <summary>
    /// Trains with Adam on the cross-entropy, shuffling every epoch.
    /// </summary>
    /// <param name="inputs">Training inputs [N, InputDim].</param>
    /// <param name="labels">Their classes [N] (integral values in [0, K)).</param>
    /// <param name="generator">Source of the shuffling.</param>
    /// <param name="epochs">Passes over the data (≥ 1).</param>
    /// <param name="batchSize">Examples per step (≥ 1).</param>
    /// <param name="learningRate">Adam's step size.</param>
    /// <param name="epochCompleted">Called after each epoch with the epoch number (1-based) and its mean training loss.</param>
    /// <param name="cancellationToken">Stops after the current step.</param>
    /// <returns>The mean training loss of each epoch.</returns>
    public IReadOnlyList<double> Fit(
        Tensor inputs, Tensor labels, Generator generator, int epochs = 3, int batchSize = 128, double learningRate = 1e-3,
        Action<int, double>? epochCompleted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        CheckBatch(inputs, labels);
        var optimizer = new Adam(Parameters(), lr: learningRate);
        var loader = new DataLoader(new TensorDataset(inputs, labels), batchSize, shuffle: true, generator: generator) { ReuseBuffers = true };
        var losses = new List<double>();
        Train();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            double sum = 0;
            int seen = 0;
            foreach (var (x, y) in loader)
            {
                cancellationToken.ThrowIfCancellationRequested();
                optimizer.ZeroGrad();
                var loss = Losses.CrossEntropy(Forward(x), y);
                loss.Backward();
                optimizer.Step();
                sum += loss.Item() * x.Shape[0];
                seen += x.Shape[0];
            }

            losses.Add(sum / seen);
            epochCompleted?.Invoke(epoch, sum / seen);
        }

        return losses;
    }

    /// <summary>The most likely class of each input, without recording gradients.</summary>
    /// <param name="inputs">Inputs [N, InputDim].</param>
    /// <param name="batchSize">Inputs per forward pass.</param>
    /// <returns>Class indices [N] (float32 tensor of integral values).</returns>
    public Tensor Predict(Tensor inputs, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        bool wasTraining = Training;
        Eval();
        try
        {
            using (Autograd.NoGrad())
            {
                int n = inputs.Rank >= 1 ? inputs.Shape[0] : 0;
                var parts = new List<Tensor>();
                for (int start = 0; start < n; start += batchSize)
                {
                    parts.Add(Forward(inputs.Narrow(0, start, Math.Min(batchSize, n - start))).ArgMax(1).Float());
                }

                return parts.Count == 0 ? Tensor.Zeros(new Shape(0)) : Tensor.Concat(parts, 0);
            }
        }
        finally
        {
            Train(wasTraining);
        }
    }

    /// <summary>Classifies <paramref name="inputs"/> and compares with <paramref name="labels"/>.</summary>
    /// <param name="inputs">Inputs [N, InputDim].</param>
    /// <param name="labels">True (or requested) classes [N].</param>
    /// <param name="batchSize">Inputs per forward pass.</param>
    public ClassificationReport Evaluate(Tensor inputs, Tensor labels, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        CheckBatch(inputs, labels);
        var predicted = ToInts(Predict(inputs, batchSize));
        var truth = labels.ToDoubleArray();
        var t = new int[truth.Length];
        for (int i = 0; i < t.Length; i++)
        {
            t[i] = truth[i] >= 0 && truth[i] < NumClasses && truth[i] == Math.Floor(truth[i]) ? (int)truth[i]
                : throw new ArgumentException($"MlpClassifier.Evaluate: label {truth[i]} at position {i} is not a class index in [0, {NumClasses}).", nameof(labels));
        }

        return ClassificationReport.FromPredictions(t, predicted, NumClasses);
    }

    private void CheckBatch(Tensor inputs, Tensor labels)
    {
        if (inputs.Rank != 2 || inputs.Shape[1] != InputDim || labels.Rank != 1 || labels.Shape[0] != inputs.Shape[0])
        {
            throw new ArgumentException(
                $"MlpClassifier: expected inputs [N, {InputDim}] and labels [N], got {inputs.Shape} and {labels.Shape}.", nameof(labels));
        }
    }

    private static int[] ToInts(Tensor t)
    {
        var v = t.ToDoubleArray();
        var r = new int[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            r[i] = (int)v[i];
        }

        return r;
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"inputDim={InputDim}, numClasses={NumClasses}";
}
