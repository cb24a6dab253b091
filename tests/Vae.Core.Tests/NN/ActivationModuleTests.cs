using Vae.Core;
using Vae.Core.NN;

namespace Vae.Core.Tests;

/// <summary>Activation modules and Upsample: each equals its tensor op and validates its settings.</summary>
public sealed class ActivationModuleTests
{
    private static readonly Tensor X = Tensor.FromArray([-3f, -0.5f, 0f, 0.25f, 2f, 30f], 2, 3);

    [Fact]
    public void Activation_modules_apply_their_tensor_ops()
    {
        new ReLU().Forward(X).ToArray().Should().Equal(X.Relu().ToArray());
        new LeakyReLU(0.2).Forward(X).ToArray().Should().Equal(X.LeakyRelu(0.2).ToArray());
        new ELU(0.7).Forward(X).ToArray().Should().Equal(X.Elu(0.7).ToArray());
        new Softplus(2, 10).Forward(X).ToArray().Should().Equal(X.Softplus(2, 10).ToArray());
        new Tanh().Forward(X).ToArray().Should().Equal(X.Tanh().ToArray());
        new Sigmoid().Forward(X).ToArray().Should().Equal(X.Sigmoid().ToArray());
        new ReLU().Forward(X).ToDoubleArray().Should().Equal(0, 0, 0, 0.25, 2, 30);
        new LeakyReLU(0.2).Forward(X).ToDoubleArray()[0].Should().BeApproximately(-0.6, 1e-6);
    }

    [Fact]
    public void Activation_modules_have_no_parameters_and_print_their_settings()
    {
        Module[] modules = [new ReLU(), new LeakyReLU(), new ELU(), new Softplus(), new Tanh(), new Sigmoid(), new Upsample(2)];
        modules.Should().OnlyContain(m => m.ParameterCount == 0 && m.StateDict().Count == 0);
        new LeakyReLU(0.2).ToString().Should().Be("LeakyReLU(negativeSlope=0.2)");
        new ELU(0.5).ToString().Should().Be("ELU(alpha=0.5)");
        new Softplus(2, 10).ToString().Should().Be("Softplus(beta=2, threshold=10)");
        new ReLU().ToString().Should().Be("ReLU()");
        new Upsample((2, 3)).ToString().Should().Be("Upsample(scaleFactor=(2, 3), mode=Nearest)");
    }

    [Fact]
    public void Activation_modules_reject_bad_settings()
    {
        ((Action)(() => _ = new Softplus(beta: 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new Softplus(threshold: double.NaN))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new LeakyReLU(double.NaN))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new ELU(double.PositiveInfinity))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new Upsample(0))).Should().Throw<ArgumentException>().WithMessage("*(0, 0)*");
        ((Action)(() => _ = new Upsample(2, (UpsampleMode)7))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Activation_modules_pass_gradients()
    {
        var x = TestUtil.RandnD(new Generator(5), 3, 4);
        TestUtil.AssertGrad(t => new ELU(0.7).Forward(t[0]), x);
        TestUtil.AssertGrad(t => new Softplus(2).Forward(t[0]), x);
        TestUtil.AssertGrad(t => new Tanh().Forward(t[0]), x);
        TestUtil.AssertGrad(t => new Sigmoid().Forward(t[0]), x);
        TestUtil.AssertGrad(t => new LeakyReLU(0.1).Forward(t[0]), x);
    }

    [Fact]
    public void Upsample_repeats_pixels_and_checks_the_rank()
    {
        var x = Tensor.Arange(6).Reshape(1, 1, 2, 3);
        var y = new Upsample((2, 1)).Forward(x);
        y.Shape.Should().Equal(1, 1, 4, 3);
        y.ToDoubleArray().Should().Equal(0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5);
        new Upsample(2).Forward(x).ToArray().Should().Equal(x.UpsampleNearest2d(2).ToArray());
        ((Action)(() => new Upsample(2).Forward(Tensor.Zeros(2, 3)))).Should().Throw<ArgumentException>().WithMessage("*[2, 3]*");
    }
}
