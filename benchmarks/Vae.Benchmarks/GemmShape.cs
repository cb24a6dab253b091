namespace Vae.Benchmarks;

/// <summary>One GEMM problem: C[m×n] = op(A)[m×k]·op(B)[k×n].</summary>
public sealed record GemmShape(string Name, bool TransA, bool TransB, int M, int K, int N)
{
    /// <summary>
    /// The GEMMs of one training step of the canonical MLP VAE (784-400-20-400-784, batch 128, the two 20-wide heads
    /// fused into one 40-wide layer; weights stored [out, in]): forward y = x·Wᵀ (NT), weight gradients dW = Gᵀ·X
    /// (TN) and input gradients dX = G·W (NN); plus 1024³. Keep in sync with benchmarks/reference/gemm_torch.py.
    /// </summary>
    public static IReadOnlyList<GemmShape> Canonical { get; } =
    [
        new("enc1.fwd", false, true, 128, 784, 400),
        new("dec2.fwd", false, true, 128, 400, 784),
        new("heads.fwd", false, true, 128, 400, 40),
        new("dec1.fwd", false, true, 128, 20, 400),
        new("enc1.dW", true, false, 400, 128, 784),
        new("dec2.dW", true, false, 784, 128, 400),
        new("heads.dW", true, false, 40, 128, 400),
        new("dec2.dX", false, false, 128, 784, 400),
        new("heads.dX", false, false, 128, 40, 400),
        new("dec1.dX", false, false, 128, 400, 20),
        new("square", false, false, 1024, 1024, 1024),
    ];

    /// <summary>Floating-point operations of one multiply (2·m·n·k).</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>Compact label: role and op, e.g. <c>enc1.fwd:NT_128x784x400</c> (m×k×n).</summary>
    public string Label => $"{Name}:{(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')}_{M}x{K}x{N}";

    /// <inheritdoc/>
    public override string ToString() => Label;
}
