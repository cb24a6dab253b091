using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vae.Models.Training;

/// <summary>
/// JSON helpers for histories and checkpoint metadata (reflection-free, so trimming/AOT safe). Doubles are written in
/// their shortest round-trip form, non-finite ones as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>,
/// so every value read back is bit-identical to the one written.
/// </summary>
internal static class TrainingJson
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void WriteDouble(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        WriteDoubleValue(w, value);
    }

    public static void WriteDoubleValue(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    public static void WriteMetrics(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, double> metrics)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in metrics)
        {
            WriteDouble(w, k, v);
        }

        w.WriteEndObject();
    }

    public static double ReadDouble(JsonElement e, string what)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double v))
        {
            return v;
        }

        if (e.ValueKind == JsonValueKind.String)
        {
            switch (e.GetString())
            {
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
            }
        }

        throw new FormatException($"{what} must be a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got {e.GetRawText()}.");
    }

    public static OrderedDictionary<string, double> ReadMetrics(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{what} must be an object of numbers.");
        }

        var d = new OrderedDictionary<string, double>();
        foreach (var p in e.EnumerateObject())
        {
            d[p.Name] = ReadDouble(p.Value, $"{what}.{p.Name}");
        }

        return d;
    }

    public static JsonElement Property(JsonElement e, string name, string what) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v
            : throw new FormatException($"{what} has no \"{name}\".");

    public static int ReadInt(JsonElement e, string name, string what)
    {
        var v = Property(e, name, what);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i)
            ? i
            : throw new FormatException($"{what}.{name} must be an integer, got {v.GetRawText()}.");
    }

    public static long ReadLong(JsonElement e, string name, string what)
    {
        var v = Property(e, name, what);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long i)
            ? i
            : throw new FormatException($"{what}.{name} must be an integer, got {v.GetRawText()}.");
    }

    public static string ReadString(JsonElement e, string name, string what)
    {
        var v = Property(e, name, what);
        return v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"{what}.{name} must be a string, got {v.GetRawText()}.");
    }
}
