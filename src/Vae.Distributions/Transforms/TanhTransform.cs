using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// y = tanh x elementwise (ℝ → (−1, 1)); inverse atanh(y) = ½(log1p(y) − log1p(−y)); log|dy/dx| = log(1 − tanh² x)
/// computed stably as 2·(log 2 − x − softplus(−2x)).
/// </summary>
public sealed class TanhTransform : Transform
{
    /// <inheritdoc />
    public override int Sign => 1;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => x.Tanh();

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => (y.Log1p() - y.Neg().Log1p()) * 0.5;

    /// <summary>2·(log 2 − x − softplus(−2x)), with x's shape.</summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) =>
        ((NormalMath.Ln2 - x) - Bernoulli.SoftplusExact(x * -2.0)) * 2.0;
}
