using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Vae.Core.Serialization;

/// <summary>One tensor described by a safetensors header; offsets are relative to the data buffer.</summary>
internal sealed record SafeTensorsEntry(string Name, SafeTensorsDType DType, int[] Shape, long Begin, long End);

/// <summary>
/// Parses and validates a safetensors JSON header with <see cref="Utf8JsonReader"/> (no reflection). Every problem is
/// reported as an <see cref="InvalidDataException"/> naming the source and what was wrong.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The largest header accepted, as in the reference implementation (100 MB).</summary>
    public const int MaxLength = 100_000_000;

    /// <summary>The reserved key holding the string-to-string metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    private SafeTensorsHeader(List<SafeTensorsEntry> entries, Dictionary<string, string>? metadata)
    {
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>The tensors, sorted by their position in the data buffer.</summary>
    public List<SafeTensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> map, or null when the header has none.</summary>
    public Dictionary<string, string>? Metadata { get; }

    /// <summary>The error for a malformed file.</summary>
    public static InvalidDataException Invalid(string source, string problem) =>
        new($"Invalid safetensors file '{source}': {problem}");

    /// <summary>
    /// Parses <paramref name="header"/> (the N header bytes) and checks that the tensors it describes exactly tile a
    /// data buffer of <paramref name="bufferLength"/> bytes.
    /// </summary>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> header, long bufferLength, string source)
    {
        if (header.IsEmpty || header[0] != (byte)'{')
        {
            throw Invalid(source, "the JSON header does not start with '{'.");
        }

        if (!Utf8.IsValid(header))
        {
            throw Invalid(source, "the JSON header is not valid UTF-8.");
        }

        List<SafeTensorsEntry> entries;
        Dictionary<string, string>? metadata;
        try
        {
            (entries, metadata) = ReadJson(header, bufferLength, source);
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"the header is not valid JSON ({e.Message})");
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString on escapes that do not form valid UTF-16 (lone surrogates).
            throw Invalid(source, $"the header holds an invalid JSON string ({e.Message})");
        }

        // Tile the buffer: sorted by (begin, end), each tensor must start where the previous one ended.
        entries.Sort(static (a, b) =>
        {
            int c = a.Begin.CompareTo(b.Begin);
            c = c != 0 ? c : a.End.CompareTo(b.End);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        long cursor = 0;
        SafeTensorsEntry? previous = null;
        foreach (var e in entries)
        {
            if (e.Begin < cursor)
            {
                throw Invalid(source, $"tensor '{e.Name}' (bytes [{e.Begin}, {e.End})) overlaps tensor '{previous!.Name}' (bytes [{previous.Begin}, {previous.End})).");
            }

            if (e.Begin > cursor)
            {
                throw Invalid(source, $"data bytes [{cursor}, {e.Begin}) before tensor '{e.Name}' belong to no tensor.");
            }

            cursor = e.End;
            previous = e;
        }

        if (cursor != bufferLength)
        {
            throw Invalid(source, $"the data buffer has {bufferLength} bytes but the tensors cover only [0, {cursor}) (trailing bytes belong to no tensor).");
        }

        return new SafeTensorsHeader(entries, metadata);
    }

    /// <summary>Writes the compact JSON header, tensors in the given order, padded with spaces to a multiple of 8.</summary>
    public static byte[] Write(IReadOnlyList<(byte[] Name, SafeTensorsDType DType, Shape Shape, long Begin, long End)> tensors,
        IReadOnlyList<(byte[] Key, byte[] Value)>? metadata)
    {
        var w = new SafeTensorsJsonWriter();
        w.Raw("{"u8);
        bool first = true;
        if (metadata is not null)
        {
            w.String(Encoding.UTF8.GetBytes(MetadataKey));
            w.Raw(":{"u8);
            for (int i = 0; i < metadata.Count; i++)
            {
                if (i > 0)
                {
                    w.Raw(","u8);
                }

                w.String(metadata[i].Key);
                w.Raw(":"u8);
                w.String(metadata[i].Value);
            }

            w.Raw("}"u8);
            first = false;
        }

        foreach (var (name, dtype, shape, begin, end) in tensors)
        {
            if (!first)
            {
                w.Raw(","u8);
            }

            first = false;
            w.String(name);
            w.Raw(":{\"dtype\":\""u8);
            w.Ascii(dtype.Code());
            w.Raw("\",\"shape\":["u8);
            for (int i = 0; i < shape.Rank; i++)
            {
                if (i > 0)
                {
                    w.Raw(","u8);
                }

                w.Number(shape.Dims[i]);
            }

            w.Raw("],\"data_offsets\":["u8);
            w.Number(begin);
            w.Raw(","u8);
            w.Number(end);
            w.Raw("]}"u8);
        }

        w.Raw("}"u8);
        w.PadWithSpaces(8);
        return w.ToArray();
    }

    private static (List<SafeTensorsEntry> Entries, Dictionary<string, string>? Metadata) ReadJson(ReadOnlySpan<byte> header, long bufferLength, string source)
    {
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        reader.Read(); // StartObject: the first byte is '{'.
        var entries = new List<SafeTensorsEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string>? metadata = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            if (!seen.Add(name))
            {
                throw Invalid(source, name == MetadataKey ? $"'{MetadataKey}' appears twice." : $"tensor name '{name}' appears twice.");
            }

            reader.Read();
            if (name == MetadataKey)
            {
                metadata = ReadMetadata(ref reader, source);
            }
            else
            {
                entries.Add(ReadEntry(ref reader, name, bufferLength, source));
            }
        }

        // The root object has ended; anything but whitespace after it makes Read throw a JsonException.
        if (reader.Read())
        {
            throw Invalid(source, "unexpected content after the JSON header object.");
        }

        return (entries, metadata);
    }

    private static Dictionary<string, string>? ReadMetadata(ref Utf8JsonReader reader, string source)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(source, $"'{MetadataKey}' must be an object of strings, got {Describe(reader.TokenType)}.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Invalid(source, $"metadata value for key '{key}' must be a string, got {Describe(reader.TokenType)}.");
            }

            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Invalid(source, $"metadata key '{key}' appears twice.");
            }
        }

        return metadata;
    }

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, string name, long bufferLength, string source)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(source, $"tensor '{name}' must be an object with dtype, shape and data_offsets, got {Describe(reader.TokenType)}.");
        }

        string? dtypeCode = null;
        ulong[]? shape = null, offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "dtype":
                    CheckFirst(dtypeCode is null, name, field, source);
                    dtypeCode = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()!
                        : throw Invalid(source, $"tensor '{name}': dtype must be a string, got {Describe(reader.TokenType)}.");
                    break;
                case "shape":
                    CheckFirst(shape is null, name, field, source);
                    shape = ReadIntegers(ref reader, name, field, source);
                    break;
                case "data_offsets":
                    CheckFirst(offsets is null, name, field, source);
                    offsets = ReadIntegers(ref reader, name, field, source);
                    if (offsets.Length != 2)
                    {
                        throw Invalid(source, $"tensor '{name}': data_offsets must hold exactly two integers [begin, end], got {offsets.Length}.");
                    }

                    break;
                default:
                    reader.Skip(); // Unknown fields are ignored, as by the reference implementation.
                    break;
            }
        }

        if (dtypeCode is null || shape is null || offsets is null)
        {
            string missing = dtypeCode is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Invalid(source, $"tensor '{name}' has no '{missing}' field.");
        }

        if (!SafeTensorsDTypes.TryParse(dtypeCode, out var dtype))
        {
            throw Invalid(source, $"tensor '{name}' has unknown or unsupported dtype '{dtypeCode}'.");
        }

        return Build(name, dtype, shape, offsets, bufferLength, source);
    }

    private static SafeTensorsEntry Build(string name, SafeTensorsDType dtype, ulong[] shape, ulong[] offsets, long bufferLength, string source)
    {
        ulong numel = 1;
        foreach (ulong d in shape)
        {
            if (d != 0 && numel > ulong.MaxValue / d)
            {
                throw Invalid(source, $"tensor '{name}': the element count of shape [{string.Join(", ", shape)}] overflows.");
            }

            numel *= d;
        }

        ulong size = (ulong)dtype.Size();
        if (numel > ulong.MaxValue / size)
        {
            throw Invalid(source, $"tensor '{name}': the byte size of shape [{string.Join(", ", shape)}] × {dtype.Code()} overflows.");
        }

        ulong nbytes = numel * size, begin = offsets[0], end = offsets[1];
        if (begin > end)
        {
            throw Invalid(source, $"tensor '{name}': data_offsets [{begin}, {end}] has begin > end.");
        }

        if (end > (ulong)bufferLength)
        {
            throw Invalid(source, $"tensor '{name}': data_offsets [{begin}, {end}] end beyond the {bufferLength}-byte data buffer.");
        }

        if (end - begin != nbytes)
        {
            throw Invalid(source, $"tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes but {dtype.Code()} shape [{string.Join(", ", shape)}] needs {nbytes}.");
        }

        if (numel > (ulong)Array.MaxLength || shape.Any(d => d > int.MaxValue))
        {
            throw Invalid(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] is too large for a Vae.Core tensor (at most {Array.MaxLength} elements and {int.MaxValue} per dimension).");
        }

        return new SafeTensorsEntry(name, dtype, Array.ConvertAll(shape, d => (int)d), (long)begin, (long)end);
    }

    private static ulong[] ReadIntegers(ref Utf8JsonReader reader, string name, string field, string source)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Invalid(source, $"tensor '{name}': {field} must be an array of non-negative integers, got {Describe(reader.TokenType)}.");
        }

        var values = new List<ulong>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw Invalid(source, $"tensor '{name}': {field} must hold only integers, got {Describe(reader.TokenType)}.");
            }

            var text = reader.ValueSpan;
            if (text.IndexOfAny("-.eE"u8) >= 0 || !reader.TryGetUInt64(out ulong v))
            {
                string why = text[0] == (byte)'-' ? "a negative number" : text.IndexOfAny(".eE"u8) >= 0 ? "not an integer" : "too large";
                throw Invalid(source, $"tensor '{name}': {field} entry {Encoding.UTF8.GetString(text)} is {why}.");
            }

            values.Add(v);
        }

        return [.. values];
    }

    private static void CheckFirst(bool first, string name, string field, string source)
    {
        if (!first)
        {
            throw Invalid(source, $"tensor '{name}' has field '{field}' twice.");
        }
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };
}
