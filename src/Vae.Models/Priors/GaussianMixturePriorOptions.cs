using Vae.Core;

namespace Vae.Models;

/// <summary>
/// How a <see cref="GaussianMixturePrior"/> is initialised and which of its parameters are trained. The defaults are the
/// 2016 mixture-prior experiments' learnable prior: means drawn from N(0, I), unit variances, uniform fixed weights.
/// </summary>
public sealed record GaussianMixturePriorOptions
{
    /// <summary>Standard deviation of the initial means: μ_k ~ N(0, I)·<see cref="MeanScale"/> (≥ 0; 0 puts every mean at the origin).</summary>
    public double MeanScale { get; init; } = 1.0;

    /// <summary>Initial log-variance of every component in every dimension (finite; 0 means unit variances).</summary>
    public double InitialLogVariance { get; init; }

    /// <summary>Whether the means (<c>means</c>) are trained.</summary>
    public bool LearnMeans { get; init; } = true;

    /// <summary>Whether the log-variances (<c>log_vars</c>) are trained.</summary>
    public bool LearnLogVariances { get; init; } = true;

    /// <summary>Whether the mixture logits (<c>logits</c>, initially 0: uniform weights) are trained.</summary>
    public bool LearnWeights { get; init; }

    /// <summary>Element type of the parameters.</summary>
    public DType DType { get; init; } = DType.Float32;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message names it).</exception>
    public void Validate()
    {
        if (!(MeanScale >= 0 && double.IsFinite(MeanScale)))
        {
            throw new ArgumentOutOfRangeException(nameof(MeanScale), MeanScale, "GaussianMixturePriorOptions.MeanScale must be finite and ≥ 0.");
        }

        if (!double.IsFinite(InitialLogVariance))
        {
            throw new ArgumentOutOfRangeException(nameof(InitialLogVariance), InitialLogVariance, "GaussianMixturePriorOptions.InitialLogVariance must be finite.");
        }
    }
}
