using MathNet.Numerics.LinearAlgebra;
using Vae.Core;

namespace Vae.Distributions.Tests;

public class TransformTests
{
    public static TheoryData<string> Elementwise => new() { "Affine", "AffineNeg", "Exp", "Sigmoid", "Tanh", "Softplus", "Compose" };

    private static Transform Make(string name) => name switch
    {
        "Affine" => new AffineTransform(DistTestUtil.D(0.5, -1, 2, 0), DistTestUtil.D(2, 0.3, 1.5, 4)),
        "AffineNeg" => new AffineTransform(1.0, -2.5),
        "Exp" => new ExpTransform(),
        "Sigmoid" => new SigmoidTransform(),
        "Tanh" => new TanhTransform(),
        "Softplus" => new SoftplusTransform(),
        "Compose" => new ComposeTransform(new AffineTransform(0.3, 1.7), new TanhTransform(), new AffineTransform(1.0, 3.0), new ExpTransform()),
        _ => throw new ArgumentException(name),
    };

    private static readonly double[] Xs = [-2.1, -0.3, 0.4, 1.7];

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void Inverse_RoundTrips(string name)
    {
        var t = Make(name);
        var x = DistTestUtil.D(Xs);
        t.Inverse(t.Forward(x)).ShouldBeClose(Xs, 1e-12);
        var y = t.Forward(x);
        t.Forward(t.Inverse(y)).ShouldBeClose(y.ToDoubleArray(), 1e-12);
        t.Inv.Forward(y).ShouldBeClose(Xs, 1e-12);
        t.Inv.LogAbsDetJacobian(y, x).ShouldBeClose(t.LogAbsDetJacobian(x, y).Neg().ToDoubleArray(), 1e-14);
        t.IsBijective.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void LogAbsDet_MatchesFiniteDifferenceDerivative(string name)
    {
        var t = Make(name);
        var x = DistTestUtil.D(Xs);
        var ld = t.LogAbsDetJacobian(x, t.Forward(x)).ToDoubleArray();
        const double h = 1e-6;
        var yp = t.Forward(DistTestUtil.D(Xs.Select(v => v + h).ToArray())).ToDoubleArray();
        var ym = t.Forward(DistTestUtil.D(Xs.Select(v => v - h).ToArray())).ToDoubleArray();
        for (int i = 0; i < Xs.Length; i++)
        {
            double deriv = (yp[i] - ym[i]) / (2 * h);
            ld[i].Should().BeApproximately(Math.Log(Math.Abs(deriv)), 1e-7, $"{name} at x = {Xs[i]}");
            if (t.Sign != 0)
            {
                Math.Sign(deriv).Should().Be(t.Sign);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void GradCheck_ForwardInverseLogDet(string name)
    {
        var t = Make(name);
        DistTestUtil.AssertGrad(p => t.Forward(p[0]) + t.LogAbsDetJacobian(p[0], t.Forward(p[0])), DistTestUtil.D(Xs));
        var y = t.Forward(DistTestUtil.D(Xs));
        DistTestUtil.AssertGrad(p => t.Inverse(p[0]), y);
    }

    [Fact]
    public void Tanh_LogDet_IsStableInTheTails()
    {
        var t = new TanhTransform();
        var x = DistTestUtil.D(-50, 30, 400);
        var ld = t.LogAbsDetJacobian(x, t.Forward(x)).ToDoubleArray();
        ld.All(double.IsFinite).Should().BeTrue();
        // log(1 − tanh² x) = log 4 − 2|x| − 2·log1p(e^(−2|x|)).
        ld[0].Should().BeApproximately(Math.Log(4) - 100, 1e-12);
        ld[1].Should().BeApproximately(Math.Log(4) - 60, 1e-12);
        ld[2].Should().BeApproximately(Math.Log(4) - 800, 1e-12);
        var naive = (1.0 - x.Tanh().Square()).Log().ToDoubleArray();
        naive[0].Should().Be(double.NegativeInfinity);   // the unstable form fails where the stable one does not
        var f32 = t.LogAbsDetJacobian(Tensor.FromArray([-20f, 20f], 2), Tensor.FromArray([-1f, 1f], 2)).ToArray();
        f32.All(float.IsFinite).Should().BeTrue();
    }

    [Fact]
    public void Sigmoid_And_Softplus_LogDets_AreStable()
    {
        var x = DistTestUtil.D(-800, 800);
        new SigmoidTransform().LogAbsDetJacobian(x, x.Sigmoid()).ShouldBeClose([-800, -800], 1e-9);
        new SoftplusTransform().LogAbsDetJacobian(x, x).ShouldBeClose([-800, 0], 1e-12);
    }

    [Fact]
    public void AffineWithEventDims_MatchesNumericalJacobian()
    {
        var gen = new Generator(2);
        var t = new AffineTransform(Tensor.Randn(new Shape(3), gen, DType.Float64), DistTestUtil.D(0.5, -2, 3), eventDims: 1);
        var x = Tensor.Randn(new Shape(2, 3), gen, DType.Float64);
        var ld = t.LogAbsDetJacobian(x, t.Forward(x));
        ld.Shape.Should().Equal(2);
        for (int b = 0; b < 2; b++)
        {
            ld[b].Should().BeApproximately(NumericLogAbsDet(t, x, b), 1e-7);
        }

        t.Sign.Should().Be(0);
        new AffineTransform(DistTestUtil.D(0.0), DistTestUtil.D(-1, -2)).Sign.Should().Be(-1);
    }

    [Fact]
    public void Compose_WithEventDims_MatchesNumericalJacobian()
    {
        var gen = new Generator(4);
        var w = Tensor.FromArray(new double[,] { { 1.2, 0, 0 }, { -0.4, 0.8, 0 }, { 0.3, 0.5, -1.5 } });
        var t = new ComposeTransform(new TanhTransform(), new LowerTriangularLinear(w), new SoftplusTransform());
        t.EventDims.Should().Be(1);
        var x = Tensor.Randn(new Shape(4, 3), gen, DType.Float64);
        var y = t.Forward(x);
        t.Inverse(y).ShouldBeClose(x.ToDoubleArray(), 1e-10);
        var ld = t.LogAbsDetJacobian(x, y);
        ld.Shape.Should().Equal(4);
        var (y2, ld2) = t.ForwardWithLogAbsDet(x);
        y2.ShouldBeClose(y.ToDoubleArray(), 0);
        ld2.ShouldBeClose(ld.ToDoubleArray(), 1e-14);
        for (int b = 0; b < 4; b++)
        {
            ld[b].Should().BeApproximately(NumericLogAbsDet(t, x, b), 1e-6);
        }
    }

    [Fact]
    public void InvalidAffine_Throws()
    {
        var act = () => new AffineTransform(DistTestUtil.D(0.0), DistTestUtil.D(1, 0));
        act.Should().Throw<ArgumentException>().WithMessage("*scale*zero*");
    }

    /// <summary>log|det J| of one event (row <paramref name="b"/> of x [B, d]) from a central-difference Jacobian.</summary>
    internal static double NumericLogAbsDet(Transform t, Tensor x, int b)
    {
        int d = x.Shape[-1];
        const double h = 1e-6;
        var xs = x.ToDoubleArray();
        var j = Matrix<double>.Build.Dense(d, d);
        for (int c = 0; c < d; c++)
        {
            var plus = (double[])xs.Clone();
            var minus = (double[])xs.Clone();
            plus[(b * d) + c] += h;
            minus[(b * d) + c] -= h;
            var yp = t.Forward(Tensor.FromArray(plus, x.Shape.ToArray())).ToDoubleArray();
            var ym = t.Forward(Tensor.FromArray(minus, x.Shape.ToArray())).ToDoubleArray();
            for (int r = 0; r < d; r++)
            {
                j[r, c] = (yp[(b * d) + r] - ym[(b * d) + r]) / (2 * h);
            }
        }

        return Math.Log(Math.Abs(j.Determinant()));
    }
}

/// <summary>
/// A test-only event transform y = W·x with W lower triangular (EventDims = 1): shows that <see cref="Transform"/>
/// can be extended, and gives a non-diagonal Jacobian for the numerical log-determinant checks.
/// </summary>
internal sealed class LowerTriangularLinear(Tensor w) : Transform(eventDims: 1)
{
    public override Tensor Forward(Tensor x) => x.MatMul(w.Transpose(0, 1));

    public override Tensor Inverse(Tensor y) =>
        Tensor.SolveTriangular(w, y.Reshape(-1, w.Shape[0]).Transpose(0, 1), upper: false).Transpose(0, 1).Reshape(y.Shape);

    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        var logDiag = (w * Tensor.Eye(w.Shape[0], dtype: w.DType)).Sum(-1).Abs().Log().Sum();
        return logDiag.Expand(new Shape(x.Shape.Dims[..^1]));
    }
}
