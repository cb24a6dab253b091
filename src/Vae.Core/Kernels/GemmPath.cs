namespace Vae.Core.Kernels;

/// <summary>GEMM kernel families, widest first.</summary>
internal enum GemmPath
{
    /// <summary>AVX-512 micro-kernels.</summary>
    Vector512,

    /// <summary>AVX2/FMA micro-kernels.</summary>
    Vector256,

    /// <summary>SSE/NEON micro-kernels.</summary>
    Vector128,

    /// <summary>Plain loops.</summary>
    Scalar,
}
