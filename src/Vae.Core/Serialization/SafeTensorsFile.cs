namespace Vae.Core.Serialization;

/// <summary>The contents of a safetensors file read by <see cref="SafeTensors.Load(string)"/>.</summary>
public sealed class SafeTensorsFile
{
    internal SafeTensorsFile(List<string> names, Dictionary<string, Tensor> tensors,
        Dictionary<string, string> storedDTypes, Dictionary<string, string>? metadata)
    {
        Names = names;
        Tensors = tensors;
        StoredDTypes = storedDTypes;
        Metadata = metadata;
    }

    /// <summary>The tensor names in file order (by position in the data buffer).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// The tensors by name (shapes as stored; a shape of <c>[]</c> is a scalar). F32 loads as float32 and F64 as
    /// float64; for other stored dtypes see <see cref="SafeTensors.Load(string)"/>.
    /// </summary>
    public Dictionary<string, Tensor> Tensors { get; }

    /// <summary>The dtype code each tensor had in the file (<c>F32</c>, <c>F64</c>, <c>BF16</c>, <c>I64</c>, …), by name.</summary>
    public IReadOnlyDictionary<string, string> StoredDTypes { get; }

    /// <summary>The file's <c>__metadata__</c> string map, or null when the file has none.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    public Tensor this[string name] =>
        Tensors.TryGetValue(name, out var t)
            ? t
            : throw new KeyNotFoundException($"The safetensors file has no tensor named '{name}' (it has {Names.Count}: {string.Join(", ", Names.Take(10))}{(Names.Count > 10 ? ", …" : "")}).");
}
