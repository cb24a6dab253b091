using Vae.Core;

namespace Vae.Distributions.Tests;

public class IndependentTests
{
    private static Normal BaseNormal(Generator gen) =>
        new(Tensor.Randn(new Shape(4, 2, 3), gen, DType.Float64), Tensor.Rand(new Shape(4, 2, 3), gen, DType.Float64) + 0.5);

    [Fact]
    public void Shapes_AreReinterpreted()
    {
        var b = BaseNormal(new Generator(1));
        var d = new Independent(b, 2);
        d.BatchShape.Should().Equal(4);
        d.EventShape.Should().Equal(2, 3);
        d.HasRSample.Should().BeTrue();
        d.RSample(new Shape(5), new Generator(2)).Shape.Should().Equal(5, 4, 2, 3);
        d.Mean.Shape.Should().Equal(4, 2, 3);
        new Independent(b, 0).BatchShape.Should().Equal(4, 2, 3);
    }

    [Fact]
    public void LogProb_And_Entropy_SumOverReinterpretedDims()
    {
        var b = BaseNormal(new Generator(3));
        var d = new Independent(b, 1);
        var x = Tensor.Randn(new Shape(7, 4, 2, 3), new Generator(4), DType.Float64);
        d.LogProb(x).ShouldBeClose(b.LogProb(x).Sum(-1).ToDoubleArray(), 1e-13);
        d.LogProb(x).Shape.Should().Equal(7, 4, 2);
        d.Entropy().ShouldBeClose(b.Entropy().Sum(-1).ToDoubleArray(), 1e-13);
        var nested = new Independent(new Independent(b, 1), 1);
        nested.EventShape.Should().Equal(2, 3);
        nested.LogProb(x).ShouldBeClose(b.LogProb(x).Sum([-2, -1]).ToDoubleArray(), 1e-12);
    }

    [Fact]
    public void Invalid_Throws()
    {
        var b = BaseNormal(new Generator(5));
        var act = () => new Independent(b, 4);
        act.Should().Throw<ArgumentException>().WithMessage("*4*[4, 2, 3]*");
        var d = new Independent(b, 2);
        var value = () => d.LogProb(Tensor.Zeros(new Shape(4, 3, 2), DType.Float64));
        value.Should().Throw<ArgumentException>().WithMessage("*[4, 3, 2]*[4, 2, 3]*");
        var kl = () => KL.Divergence(new Independent(b, 1), new Independent(b, 2));
        kl.Should().Throw<ArgumentException>().WithMessage("*reinterpret*");
    }

    [Fact]
    public void GradCheck_LogProb()
    {
        DistTestUtil.AssertGrad(
            p => new Independent(new Normal(p[0], p[1]), 1).LogProb(DistTestUtil.D(0.3, -0.2)),
            DistTestUtil.D(0.1, 0.2), DistTestUtil.D(1.5, 0.7));
    }
}
