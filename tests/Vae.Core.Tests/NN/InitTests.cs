using Vae.Core;
using Vae.Core.NN;

namespace Vae.Core.Tests;

/// <summary>Init formulas against PyTorch (reference/optim_reference.py) and their sample statistics (fixed seeds).</summary>
public sealed class InitTests
{
    private static (double Mean, double Std, double MaxAbs) Stats(Tensor t)
    {
        var v = t.ToDoubleArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return (mean, std, v.Max(Math.Abs));
    }

    [Fact]
    public void Fans_and_gains_match_pytorch()
    {
        foreach (var (shape, values) in OptimReferenceData.Init)
        {
            var (fanIn, fanOut) = Init.CalculateFanInAndFanOut(Tensor.Zeros(shape));
            fanIn.Should().Be((int)values[0]);
            fanOut.Should().Be((int)values[1]);
        }

        foreach (var (name, param, gain) in OptimReferenceData.Gains)
        {
            Init.CalculateGain(Enum.Parse<Nonlinearity>(name), double.IsNaN(param) ? null : param).Should().Be(gain, name);
        }

        ((Action)(() => Init.CalculateFanInAndFanOut(Tensor.Zeros(3)))).Should().Throw<ArgumentException>().WithMessage("*[3]*");
    }

    [Fact]
    public void Kaiming_uniform_default_has_pytorchs_linear_bound()
    {
        var (shape, v) = OptimReferenceData.Init[0]; // [400, 784]
        var w = Init.KaimingUniform(Tensor.Zeros(shape), new Generator(1));
        var (mean, std, maxAbs) = Stats(w);
        double bound = v[2];
        maxAbs.Should().BeLessThanOrEqualTo(bound).And.BeGreaterThan(0.999 * bound);
        std.Should().BeApproximately(bound / Math.Sqrt(3), 0.01 * bound / Math.Sqrt(3), "n = 313600: the relative error of the std is ~0.1%");
        mean.Should().BeApproximately(0, 0.01 * bound);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Bounds_and_stds_match_pytorch_formulas(int shapeIndex)
    {
        var (shape, v) = OptimReferenceData.Init[shapeIndex];
        var g = new Generator((ulong)(10 + shapeIndex));
        int n = new Shape(shape).Numel;
        double tol = n > 10_000 ? 0.01 : 0.25; // relative tolerance of the sample std (about 4.5/sqrt(2n))

        var ku = Init.KaimingUniform(Tensor.Zeros(new Shape(shape), DType.Float64), g, a: 0, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu);
        Stats(ku).MaxAbs.Should().BeLessThanOrEqualTo(v[3]).And.BeGreaterThan(n > 1000 ? 0.99 * v[3] : 0.5 * v[3]);
        Stats(ku).Std.Should().BeApproximately(v[3] / Math.Sqrt(3), tol * v[3] / Math.Sqrt(3));

        var kn = Init.KaimingNormal(Tensor.Zeros(shape), g);
        Stats(kn).Std.Should().BeApproximately(v[4], tol * v[4]);

        var xu = Init.XavierUniform(Tensor.Zeros(shape), g, gain: 1.5);
        Stats(xu).MaxAbs.Should().BeLessThanOrEqualTo(v[5] * (1 + 1e-6));
        Stats(xu).Std.Should().BeApproximately(v[5] / Math.Sqrt(3), tol * v[5] / Math.Sqrt(3));

        var xn = Init.XavierNormal(Tensor.Zeros(shape), g);
        Stats(xn).Std.Should().BeApproximately(v[6], tol * v[6]);
    }

    [Fact]
    public void Simple_initialisers_fill_in_place_and_are_reproducible()
    {
        var t = Tensor.Zeros(new Shape(1000), DType.Float64);
        Init.Uniform(t, new Generator(1), -2, 3).Should().BeSameAs(t);
        t.ToDoubleArray().Should().OnlyContain(x => x >= -2 && x < 3);
        Stats(t).Mean.Should().BeApproximately(0.5, 0.15);
        var u = Init.Uniform(Tensor.Zeros(new Shape(1000), DType.Float64), new Generator(1), -2, 3);
        u.ToDoubleArray().Should().Equal(t.ToDoubleArray());

        var n = Init.Normal(Tensor.Zeros(10_000), new Generator(2), mean: 1, std: 0.5);
        Stats(n).Mean.Should().BeApproximately(1, 0.02);
        Stats(n).Std.Should().BeApproximately(0.5, 0.02);

        Init.Constant(t, 0.25).ToDoubleArray().Should().OnlyContain(x => x == 0.25);
        Init.Zeros(t).ToDoubleArray().Should().OnlyContain(x => x == 0);
        Init.Ones(t).ToDoubleArray().Should().OnlyContain(x => x == 1);
    }

    [Fact]
    public void Initialising_parameters_is_not_recorded_and_non_leaves_are_rejected()
    {
        var p = new Parameter(Tensor.Zeros(3, 4));
        Init.XavierUniform(p, new Generator(3));
        p.IsLeaf.Should().BeTrue();
        p.RequiresGrad.Should().BeTrue();
        ((Action)(() => Init.Normal(p * 2.0, new Generator(4)))).Should().Throw<ArgumentException>().WithMessage("*'MulScalar'*");
        ((Action)(() => Init.Normal(Tensor.Zeros(2), new Generator(4), std: -1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => Init.Uniform(Tensor.Zeros(2), new Generator(4), 1, 0))).Should().Throw<ArgumentException>();
        Init.KaimingUniform(Tensor.Zeros(0, 3), new Generator(5)).Numel.Should().Be(0);
    }
}
