using MathNet.Numerics.LinearAlgebra;
using Vae.Core;

namespace Vae.Distributions.Tests;

public class MultivariateNormalTests
{
    private static readonly double[,] Cov =
    {
        { 2.0, 0.6, -0.3 },
        { 0.6, 1.0, 0.2 },
        { -0.3, 0.2, 0.5 },
    };

    private static readonly double[] Mu = [0.5, -1.0, 2.0];

    /// <summary>log N(x; μ, Σ) = −½(x − μ)ᵀΣ⁻¹(x − μ) − ½ log|2πΣ|, evaluated with MathNet matrices.</summary>
    private static double MathNetLogDensity(double[] mu, double[,] cov, double[] x)
    {
        var s = Matrix<double>.Build.DenseOfArray(cov);
        var diff = Vector<double>.Build.DenseOfArray(x) - Vector<double>.Build.DenseOfArray(mu);
        double maha = diff * (s.Inverse() * diff);
        return (-0.5 * maha) - (0.5 * Math.Log(Math.Pow(2 * Math.PI, mu.Length) * s.Determinant()));
    }

    [Fact]
    public void LogProb_Entropy_Moments_MatchMathNet()
    {
        var d = new MultivariateNormal(DistTestUtil.D(Mu), Tensor.FromArray(Cov));
        d.BatchShape.Should().BeEmpty();
        d.EventShape.Should().Equal(3);
        double[][] xs = [[0.1, 0.2, 0.3], [3, -2, 1], [0.5, -1, 2]];
        var lp = d.LogProb(Tensor.FromArray(xs.SelectMany(v => v).ToArray(), 3, 3)).ToDoubleArray();
        for (int i = 0; i < xs.Length; i++)
        {
            lp[i].ShouldBeRelClose(MathNetLogDensity(Mu, Cov, xs[i]), 1e-13, 1e-13);
        }

        double det = Matrix<double>.Build.DenseOfArray(Cov).Determinant();
        d.Entropy().Item().ShouldBeRelClose((1.5 * (1 + Math.Log(2 * Math.PI))) + (0.5 * Math.Log(det)), 1e-13);
        d.Mean.ShouldBeClose(Mu, 0);
        d.Variance.ShouldBeClose([2.0, 1.0, 0.5], 1e-14);
        d.CovarianceMatrix.ShouldBeClose(Cov.Cast<double>().ToArray(), 1e-14);
        var l = Matrix<double>.Build.DenseOfArray(Cov).Cholesky().Factor;
        d.ScaleTril.ShouldBeClose(l.ToRowMajorArray(), 1e-14);
        d.PrecisionMatrix.ShouldBeClose(Matrix<double>.Build.DenseOfArray(Cov).Inverse().ToRowMajorArray(), 1e-12);
    }

    [Fact]
    public void FromScaleTril_EqualsCovarianceForm()
    {
        var l = Tensor.FromArray(Cov).Cholesky();
        var a = MultivariateNormal.FromScaleTril(DistTestUtil.D(Mu), l);
        var b = MultivariateNormal.FromCovariance(DistTestUtil.D(Mu), Tensor.FromArray(Cov));
        var x = Tensor.FromArray(new double[] { 0.3, 0.3, 0.3, -1, 0, 4 }, 2, 3);
        a.LogProb(x).ShouldBeClose(b.LogProb(x).ToDoubleArray(), 1e-13);
        a.CovarianceMatrix.ShouldBeClose(Cov.Cast<double>().ToArray(), 1e-14);
    }

    [Fact]
    public void BatchShapes_BroadcastBetweenLocAndMatrix()
    {
        var gen = new Generator(3);
        var loc = Tensor.Randn(new Shape(2, 1, 3), gen, DType.Float64);
        var covs = Tensor.Stack([Tensor.FromArray(Cov), Tensor.Eye(3, dtype: DType.Float64) * 0.7, Tensor.FromArray(Cov) + (Tensor.Eye(3, dtype: DType.Float64) * 2)]);
        var d = new MultivariateNormal(loc, covs);
        d.BatchShape.Should().Equal(2, 3);
        d.Loc.Shape.Should().Equal(2, 3, 3);
        d.ScaleTril.Shape.Should().Equal(2, 3, 3, 3);
        var x = Tensor.Randn(new Shape(4, 1, 3, 3), gen, DType.Float64);   // sample 4, batch broadcast [1, 3]
        var lp = d.LogProb(x);
        lp.Shape.Should().Equal(4, 2, 3);
        for (int s = 0; s < 4; s++)
        {
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    var cov = new double[3, 3];
                    for (int r = 0; r < 3; r++)
                    {
                        for (int c = 0; c < 3; c++)
                        {
                            cov[r, c] = covs[j, r, c];
                        }
                    }

                    double[] mu = [loc[i, 0, 0], loc[i, 0, 1], loc[i, 0, 2]];
                    double[] xv = [x[s, 0, j, 0], x[s, 0, j, 1], x[s, 0, j, 2]];
                    lp[s, i, j].ShouldBeRelClose(MathNetLogDensity(mu, cov, xv), 1e-12, 1e-12);
                }
            }
        }

        d.RSample(new Shape(5), gen).Shape.Should().Equal(5, 2, 3, 3);
        d.Entropy().Shape.Should().Equal(2, 3);
    }

    [Fact]
    public void Samples_MatchMeanAndCovariance()
    {
        var d = new MultivariateNormal(DistTestUtil.D(Mu), Tensor.FromArray(Cov));
        const int n = 200_000;
        var x = d.Sample(new Shape(n), new Generator(23));
        var mean = x.Mean(0).ToDoubleArray();
        var centred = x - x.Mean(0);
        var cov = centred.Transpose(0, 1).MatMul(centred) / (n - 1);
        for (int i = 0; i < 3; i++)
        {
            mean[i].Should().BeApproximately(Mu[i], 5 * Math.Sqrt(Cov[i, i] / n));
            for (int j = 0; j < 3; j++)
            {
                // Var of a sample covariance entry: (Σᵢᵢ·Σⱼⱼ + Σᵢⱼ²)/n.
                double se = Math.Sqrt(((Cov[i, i] * Cov[j, j]) + (Cov[i, j] * Cov[i, j])) / n);
                cov[i, j].Should().BeApproximately(Cov[i, j], 5 * se, $"covariance [{i}, {j}]");
            }
        }
    }

    [Fact]
    public void GradCheck_RSample_And_LogProb()
    {
        var gen = new Generator(7);
        var loc = Tensor.Randn(new Shape(2, 3), gen, DType.Float64);
        var a = (Tensor.Randn(new Shape(3, 3), gen, DType.Float64) * 0.3) + Tensor.Eye(3, dtype: DType.Float64);
        var x = Tensor.Randn(new Shape(2, 3), gen, DType.Float64);

        // L = tril(A): perturbations above the diagonal are ignored on both sides of the check.
        DistTestUtil.AssertGrad(p => MultivariateNormal.FromScaleTril(p[0], p[1].Tril()).RSample(new Shape(2), new Generator(99)), loc, a);
        DistTestUtil.AssertGrad(p => MultivariateNormal.FromScaleTril(p[0], p[1].Tril()).LogProb(p[2]), loc, a, x);

        // Σ = A·Aᵀ + I keeps every perturbation symmetric positive definite.
        static MultivariateNormal FromA(Tensor mu, Tensor aa) =>
            new(mu, aa.MatMul(aa.Transpose(0, 1)) + Tensor.Eye(3, dtype: DType.Float64));
        DistTestUtil.AssertGrad(p => FromA(p[0], p[1]).LogProb(p[2]) + FromA(p[0], p[1]).Entropy(), loc, a, x);
    }

    [Fact]
    public void InvalidParameters_Throw()
    {
        var notPd = () => new MultivariateNormal(DistTestUtil.D(0, 0), Tensor.FromArray(new double[,] { { 1, 2 }, { 2, 1 } }));
        notPd.Should().Throw<ArgumentException>().WithMessage("*positive definite*");
        var notSym = () => new MultivariateNormal(DistTestUtil.D(0, 0), Tensor.FromArray(new double[,] { { 1, 0.5 }, { 0, 1 } }));
        notSym.Should().Throw<ArgumentException>().WithMessage("*symmetric*");
        var shape = () => new MultivariateNormal(DistTestUtil.D(0, 0, 0), Tensor.Eye(2, dtype: DType.Float64));
        shape.Should().Throw<ArgumentException>().WithMessage("*[..., 3, 3]*[3]*[2, 2]*");
        var diag = () => MultivariateNormal.FromScaleTril(DistTestUtil.D(0, 0), Tensor.FromArray(new double[,] { { 1, 0 }, { 0.3, -1 } }));
        diag.Should().Throw<ArgumentException>().WithMessage("*diagonal*positive*");
        var upper = () => MultivariateNormal.FromScaleTril(DistTestUtil.D(0, 0), Tensor.FromArray(new double[,] { { 1, 0.1 }, { 0.3, 1 } }));
        upper.Should().Throw<ArgumentException>().WithMessage("*lower triangular*");
        var batch = () => new MultivariateNormal(Tensor.Zeros(new Shape(3, 2), DType.Float64), Tensor.Eye(2, dtype: DType.Float64).Expand(4, 2, 2));
        batch.Should().Throw<ArgumentException>().WithMessage("*[3]*[4]*");
        var d = new MultivariateNormal(DistTestUtil.D(0, 0), Tensor.Eye(2, dtype: DType.Float64));
        var value = () => d.LogProb(DistTestUtil.D(1, 2, 3));
        value.Should().Throw<ArgumentException>().WithMessage("*[3]*[2]*");
    }

    [Fact]
    public void SameSeed_GivesIdenticalBits()
    {
        var d = new MultivariateNormal(Tensor.Zeros(new Shape(3)), Tensor.FromArray(Cov).Float());
        d.Sample(new Shape(20), new Generator(5)).ToArray().Should().Equal(d.Sample(new Shape(20), new Generator(5)).ToArray());
    }
}
