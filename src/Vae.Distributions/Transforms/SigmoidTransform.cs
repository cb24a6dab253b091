using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// y = σ(x) = 1/(1 + e⁻ˣ) elementwise (ℝ → (0, 1)); inverse logit(y) = log y − log1p(−y);
/// log|dy/dx| = log σ(x) + log σ(−x) = −softplus(−x) − softplus(x), finite for any finite x.
/// </summary>
public sealed class SigmoidTransform : Transform
{
    /// <inheritdoc />
    public override int Sign => 1;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => x.Sigmoid();

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => y.Log() - y.Neg().Log1p();

    /// <summary>log σ(x) + log σ(−x), with x's shape.</summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => x.LogSigmoid() + x.Neg().LogSigmoid();
}
