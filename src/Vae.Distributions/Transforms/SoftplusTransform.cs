using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// y = softplus(x) = log(1 + eˣ) elementwise (ℝ → (0, ∞)), computed without the identity threshold; inverse
/// x = y + log(−expm1(−y)); log|dy/dx| = log σ(x) = −softplus(−x).
/// </summary>
public sealed class SoftplusTransform : Transform
{
    /// <inheritdoc />
    public override int Sign => 1;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => Bernoulli.SoftplusExact(x);

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => y + y.Neg().Expm1().Neg().Log();

    /// <summary>log σ(x), with x's shape.</summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => x.LogSigmoid();
}
