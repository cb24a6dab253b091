using System.Globalization;
using System.Text;
using System.Text.Json;
using Vae.Models.Visualization;

namespace Vae.Models.Training;

/// <summary>
/// Per-epoch metrics of a training run (<see cref="EpochRecord"/>s), the monitored metric and its best epoch, and why
/// the run ended. The <see cref="Trainer"/> writes it after every epoch as <c>history.csv</c> and
/// <c>history.json</c> in its output folder and stores it in every checkpoint, so a resumed run continues the same
/// history.
/// </summary>
public sealed class TrainingHistory
{
    /// <summary>Identifies the JSON layout written by <see cref="ToJson"/>.</summary>
    public const string JsonFormat = "vae.net.history/1";

    private readonly List<EpochRecord> _epochs = [];

    /// <summary>Creates an empty history.</summary>
    /// <param name="monitor">The monitored metric's flat name (e.g. <c>val_loss</c>).</param>
    /// <param name="mode">Whether lower or higher values of <paramref name="monitor"/> are better.</param>
    public TrainingHistory(string monitor, MetricMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), $"Unknown metric mode {mode}.");
        }

        Monitor = monitor;
        Mode = mode;
    }

    /// <summary>The epochs so far, in order (epoch numbers 1, 2, …).</summary>
    public IReadOnlyList<EpochRecord> Epochs => _epochs;

    /// <summary>The monitored metric's flat name (see <see cref="EpochRecord.ToDictionary"/>).</summary>
    public string Monitor { get; }

    /// <summary>Whether lower or higher values of <see cref="Monitor"/> are better.</summary>
    public MetricMode Mode { get; }

    /// <summary>The epoch with the best value of <see cref="Monitor"/> so far, or null (no epoch, or never finite).</summary>
    public int? BestEpoch { get; internal set; }

    /// <summary>The best value of <see cref="Monitor"/> so far, or null.</summary>
    public double? BestValue { get; internal set; }

    /// <summary>Why the run ended (<see cref="TrainingStopReason.None"/> while it runs).</summary>
    public TrainingStopReason StopReason { get; internal set; }

    /// <summary>
    /// The values of one metric over the epochs (NaN where an epoch lacks it), e.g. <c>Series("val_loss")</c> for a
    /// loss curve.
    /// </summary>
    /// <param name="name">A flat metric name (see <see cref="EpochRecord.ToDictionary"/>).</param>
    public double[] Series(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var values = new double[_epochs.Count];
        for (int i = 0; i < values.Length; i++)
        {
            _epochs[i].TryGetMetric(name, out values[i]);
        }

        return values;
    }

    /// <summary>
    /// The history as CSV (invariant culture, comma-separated, <c>\n</c> line ends): a header with every flat name that
    /// occurs (first-seen order), then one row per epoch; absent values are empty, non-finite ones <c>NaN</c>,
    /// <c>Infinity</c>, <c>-Infinity</c>; numbers in shortest round-trip form.
    /// </summary>
    public string ToCsv()
    {
        var rows = _epochs.Select(e => e.ToDictionary()).ToList();
        var columns = new List<string>();
        var seen = new HashSet<string>();
        foreach (var row in rows)
        {
            foreach (var key in row.Keys)
            {
                if (seen.Add(key))
                {
                    columns.Add(key);
                }
            }
        }

        if (columns.Count == 0)
        {
            columns.AddRange(["epoch", "step", "seconds"]);
        }

        var sb = new StringBuilder();
        sb.AppendJoin(',', columns.Select(Escape)).Append('\n');
        foreach (var row in rows)
        {
            sb.AppendJoin(',', columns.Select(c => row.TryGetValue(c, out double v) ? Format(v) : string.Empty)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The history as indented JSON (layout <see cref="JsonFormat"/>), readable with <see cref="FromJson"/>.</summary>
    public string ToJson() => TrainingJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("format", JsonFormat);
        w.WriteString("monitor", Monitor);
        w.WriteString("mode", Mode == MetricMode.Min ? "min" : "max");
        if (BestEpoch is int be)
        {
            w.WriteNumber("best_epoch", be);
        }
        else
        {
            w.WriteNull("best_epoch");
        }

        if (BestValue is double bv)
        {
            TrainingJson.WriteDouble(w, "best_value", bv);
        }
        else
        {
            w.WriteNull("best_value");
        }

        w.WriteString("stop_reason", StopReasonName(StopReason));
        w.WriteStartArray("epochs");
        foreach (var e in _epochs)
        {
            w.WriteStartObject();
            w.WriteNumber("epoch", e.Epoch);
            w.WriteNumber("step", e.GlobalStep);
            TrainingJson.WriteDouble(w, "seconds", e.Seconds);
            TrainingJson.WriteMetrics(w, "train", e.Train);
            TrainingJson.WriteMetrics(w, "validation", e.Validation);
            TrainingJson.WriteMetrics(w, "lr", e.LearningRates);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Reads a history written by <see cref="ToJson"/>; values come back bit-identical.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="FormatException">The text is not a history in the <see cref="JsonFormat"/> layout (the message says what is wrong).</exception>
    public static TrainingHistory FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            const string what = "history";
            string format = TrainingJson.ReadString(root, "format", what);
            if (format != JsonFormat)
            {
                throw new FormatException($"history: unsupported format \"{format}\" (expected \"{JsonFormat}\").");
            }

            string mode = TrainingJson.ReadString(root, "mode", what);
            var history = new TrainingHistory(
                TrainingJson.ReadString(root, "monitor", what),
                mode switch
                {
                    "min" => MetricMode.Min,
                    "max" => MetricMode.Max,
                    _ => throw new FormatException($"history.mode must be \"min\" or \"max\", got \"{mode}\"."),
                });
            var best = TrainingJson.Property(root, "best_epoch", what);
            history.BestEpoch = best.ValueKind == JsonValueKind.Null ? null : TrainingJson.ReadInt(root, "best_epoch", what);
            var bestValue = TrainingJson.Property(root, "best_value", what);
            history.BestValue = bestValue.ValueKind == JsonValueKind.Null ? null : TrainingJson.ReadDouble(bestValue, "history.best_value");
            history.StopReason = ParseStopReason(TrainingJson.ReadString(root, "stop_reason", what));
            var epochs = TrainingJson.Property(root, "epochs", what);
            if (epochs.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("history.epochs must be an array.");
            }

            foreach (var e in epochs.EnumerateArray())
            {
                string ew = $"history.epochs[{history._epochs.Count}]";
                history.Add(new EpochRecord(
                    TrainingJson.ReadInt(e, "epoch", ew),
                    TrainingJson.ReadLong(e, "step", ew),
                    TrainingJson.ReadMetrics(TrainingJson.Property(e, "train", ew), ew + ".train"),
                    TrainingJson.ReadMetrics(TrainingJson.Property(e, "validation", ew), ew + ".validation"),
                    TrainingJson.ReadMetrics(TrainingJson.Property(e, "lr", ew), ew + ".lr"),
                    TrainingJson.ReadDouble(TrainingJson.Property(e, "seconds", ew), ew + ".seconds")));
            }

            return history;
        }
        catch (JsonException e)
        {
            throw new FormatException($"history: malformed JSON ({e.Message}).", e);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"history: invalid entry ({e.Message}).", e);
        }
    }

    /// <summary>Reads a <c>history.json</c> file written by the trainer.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid history (the message names the file and the problem).</exception>
    public static TrainingHistory Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"History file '{path}' does not exist.", path);
        }

        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"'{path}': {e.Message}", e);
        }
    }

    /// <summary>Writes <c>history.csv</c> and <c>history.json</c> into <paramref name="directory"/>, each atomically.</summary>
    /// <param name="directory">The output folder (created if needed).</param>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "history.csv"), ToCsv());
        AtomicFile.WriteAllText(Path.Combine(directory, "history.json"), ToJson());
    }

    internal void Add(EpochRecord record)
    {
        int expected = _epochs.Count + 1;
        if (record.Epoch != expected)
        {
            throw new ArgumentException($"Epoch records must be numbered 1, 2, …: expected epoch {expected}, got {record.Epoch}.", nameof(record));
        }

        _epochs.Add(record);
    }

    internal static string StopReasonName(TrainingStopReason reason) => reason switch
    {
        TrainingStopReason.Completed => "completed",
        TrainingStopReason.EarlyStopped => "early_stopped",
        TrainingStopReason.Cancelled => "cancelled",
        _ => "none",
    };

    private static TrainingStopReason ParseStopReason(string name) => name switch
    {
        "none" => TrainingStopReason.None,
        "completed" => TrainingStopReason.Completed,
        "early_stopped" => TrainingStopReason.EarlyStopped,
        "cancelled" => TrainingStopReason.Cancelled,
        _ => throw new FormatException($"history.stop_reason \"{name}\" is not one of none, completed, early_stopped, cancelled."),
    };

    private static string Format(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Infinity" : double.IsNegativeInfinity(v) ? "-Infinity"
        : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
