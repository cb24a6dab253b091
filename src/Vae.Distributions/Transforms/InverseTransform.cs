using Vae.Core;

namespace Vae.Distributions;

/// <summary>The inverse of a transform: forward and inverse swapped, log-determinant negated.</summary>
internal sealed class InverseTransform(Transform inner) : Transform(inner.EventDims)
{
    public override bool IsBijective => inner.IsBijective;

    public override int Sign => inner.Sign;

    public override Transform Inv => inner;

    public override Tensor Forward(Tensor x) => inner.Inverse(x);

    public override Tensor Inverse(Tensor y) => inner.Forward(y);

    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => inner.LogAbsDetJacobian(y, x).Neg();

    public override Shape ForwardShape(Shape shape) => inner.InverseShape(shape);

    public override Shape InverseShape(Shape shape) => inner.ForwardShape(shape);

    public override string ToString() => $"Inverse({inner})";
}
