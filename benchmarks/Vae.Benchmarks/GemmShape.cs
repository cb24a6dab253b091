namespace Vae.Benchmarks;

/// <summary>One GEMM problem: C[m×n] = op(A)[m×k]·op(B)[k×n].</summary>
public sealed record GemmShape(string Name, bool TransA, bool TransB, int M, int K, int N)
{
    /// <summary>The canonical VAE (784-400-20-400-784, batch 128) layer shapes plus 1024³.</summary>
    public static IReadOnlyList<GemmShape> Canonical { get; } =
    [
        new("enc fwd x·W1ᵀ", false, true, 128, 784, 400),
        new("dec fwd h·W4ᵀ", false, true, 128, 400, 784),
        new("head fwd h·Wᵀ", false, true, 128, 400, 40),
        new("enc dW1=Gᵀ·X", true, false, 400, 128, 784),
        new("dec dX=G·W4", false, false, 128, 784, 400),
        new("dec dW4=Gᵀ·H", true, false, 784, 128, 400),
        new("plain 128x784x400", false, false, 128, 784, 400),
        new("plain 128x400x784", false, false, 128, 400, 784),
        new("plain 128x400x40", false, false, 128, 400, 40),
        new("square 1024", false, false, 1024, 1024, 1024),
    ];

    /// <summary>Floating-point operations of one multiply (2·m·n·k).</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>Compact label: NN/NT/TN/TT m×k·k×n.</summary>
    public string Label => $"{(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')} {M}x{K}x{N}";

    /// <inheritdoc/>
    public override string ToString() => Label;
}
