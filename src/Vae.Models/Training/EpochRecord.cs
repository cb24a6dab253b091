using System.Globalization;

namespace Vae.Models.Training;

/// <summary>
/// The outcome of one epoch: means of the training and validation metrics (weighted by batch size), the learning
/// rates the epoch ran with, its duration and the optimiser step count at its end.
/// </summary>
public sealed class EpochRecord
{
    /// <summary>Creates a record (the trainer does; public for tests and tools that rebuild histories).</summary>
    /// <param name="epoch">Epoch number, 1-based.</param>
    /// <param name="globalStep">Training steps taken since the start of training, at the end of this epoch.</param>
    /// <param name="train">Mean training metrics of the epoch, by metric name (e.g. <c>loss</c>).</param>
    /// <param name="validation">Mean validation metrics, by metric name; empty without validation data.</param>
    /// <param name="learningRates">Learning rates used during the epoch, by name (<c>lr</c>, or <c>lr_{i}</c> / <c>lr_{i}_{g}</c> for several optimizers or groups).</param>
    /// <param name="seconds">Wall-clock duration of the epoch, validation included.</param>
    public EpochRecord(
        int epoch,
        long globalStep,
        IReadOnlyDictionary<string, double> train,
        IReadOnlyDictionary<string, double> validation,
        IReadOnlyDictionary<string, double> learningRates,
        double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(globalStep);
        Epoch = epoch;
        GlobalStep = globalStep;
        Train = Copy(train, nameof(train));
        Validation = Copy(validation, nameof(validation));
        LearningRates = Copy(learningRates, nameof(learningRates));
        Seconds = seconds;
    }

    /// <summary>Epoch number, 1-based.</summary>
    public int Epoch { get; }

    /// <summary>Training steps taken since the start of training, at the end of this epoch.</summary>
    public long GlobalStep { get; }

    /// <summary>Mean training metrics, by name.</summary>
    public IReadOnlyDictionary<string, double> Train { get; }

    /// <summary>Mean validation metrics, by name (empty without validation data).</summary>
    public IReadOnlyDictionary<string, double> Validation { get; }

    /// <summary>Learning rates used during the epoch, by name.</summary>
    public IReadOnlyDictionary<string, double> LearningRates { get; }

    /// <summary>Wall-clock duration of the epoch in seconds, validation included.</summary>
    public double Seconds { get; }

    /// <summary>
    /// All values under flat names, in column order: <c>epoch</c>, <c>step</c>, <c>train_{name}</c>…,
    /// <c>val_{name}</c>…, the learning rates, <c>seconds</c>. These are the names monitored metrics and history
    /// columns use.
    /// </summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var d = new OrderedDictionary<string, double> { ["epoch"] = Epoch, ["step"] = GlobalStep };
        foreach (var (k, v) in Train)
        {
            d["train_" + k] = v;
        }

        foreach (var (k, v) in Validation)
        {
            d["val_" + k] = v;
        }

        foreach (var (k, v) in LearningRates)
        {
            d[k] = v;
        }

        d["seconds"] = Seconds;
        return d;
    }

    /// <summary>Looks up a value by its flat name (see <see cref="ToDictionary"/>), e.g. <c>val_loss</c>.</summary>
    /// <param name="name">The flat name.</param>
    /// <param name="value">The value, or NaN when absent.</param>
    /// <returns>Whether the record has the value.</returns>
    public bool TryGetMetric(string name, out double value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith("train_", StringComparison.Ordinal) && Train.TryGetValue(name[6..], out value))
        {
            return true;
        }

        if (name.StartsWith("val_", StringComparison.Ordinal) && Validation.TryGetValue(name[4..], out value))
        {
            return true;
        }

        if (LearningRates.TryGetValue(name, out value))
        {
            return true;
        }

        (bool found, value) = name switch
        {
            "epoch" => (true, Epoch),
            "step" => (true, GlobalStep),
            "seconds" => (true, Seconds),
            _ => (false, double.NaN),
        };
        return found;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Epoch {Epoch}: {string.Join(", ", ToDictionary().Where(kv => kv.Key != "epoch").Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:G6}")))}";

    private static OrderedDictionary<string, double> Copy(IReadOnlyDictionary<string, double> source, string paramName)
    {
        ArgumentNullException.ThrowIfNull(source, paramName);
        var copy = new OrderedDictionary<string, double>(source.Count);
        foreach (var (k, v) in source)
        {
            if (string.IsNullOrEmpty(k))
            {
                throw new ArgumentException("Metric names must be non-empty.", paramName);
            }

            copy.Add(k, v);
        }

        return copy;
    }
}
