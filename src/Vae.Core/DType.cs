namespace Vae.Core;

/// <summary>Element type of a <see cref="Tensor"/>.</summary>
public enum DType
{
    /// <summary>32-bit IEEE 754 floating point (the default).</summary>
    Float32,

    /// <summary>64-bit IEEE 754 floating point (used for gradient checks and precise statistics).</summary>
    Float64,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>Size of one element in bytes.</summary>
    public static int ElementSize(this DType dtype) => dtype == DType.Float64 ? 8 : 4;

    /// <summary>The PyTorch / safetensors spelling (<c>float32</c>, <c>float64</c>).</summary>
    public static string Name(this DType dtype) => dtype == DType.Float64 ? "float64" : "float32";
}
