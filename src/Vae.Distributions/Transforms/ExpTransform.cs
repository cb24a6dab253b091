using Vae.Core;

namespace Vae.Distributions;

/// <summary>y = eˣ elementwise (ℝ → (0, ∞)); log|dy/dx| = x.</summary>
public sealed class ExpTransform : Transform
{
    /// <inheritdoc />
    public override int Sign => 1;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => x.Exp();

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => y.Log();

    /// <summary>log|dy/dx| = x, with x's shape.</summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => x;
}
