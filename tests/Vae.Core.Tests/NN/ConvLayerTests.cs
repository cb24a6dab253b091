using Vae.Core;
using Vae.Core.NN;

namespace Vae.Core.Tests;

/// <summary>Conv2d and ConvTranspose2d modules: shapes, names, default init, equality with the ops, errors.</summary>
public sealed class ConvLayerTests
{
    [Fact]
    public void Conv2d_has_pytorch_shapes_names_and_matches_the_op()
    {
        var g = new Generator(1);
        var conv = new Conv2d(3, 8, 3, g, stride: 2, padding: 1);
        conv.Weight.Shape.Should().Equal(8, 3, 3, 3);
        conv.Bias!.Shape.Should().Equal(8);
        conv.NamedParameters().Select(p => p.Name).Should().Equal("weight", "bias");
        var x = Tensor.Randn(new Shape(2, 3, 9, 9), g);
        var y = conv.Forward(x);
        y.Shape.Should().Equal(2, 8, 5, 5);
        y.ToArray().Should().Equal(x.Conv2d(conv.Weight, conv.Bias, 2, 1).ToArray());

        var single = conv.Forward(x.Select(0, 1));
        single.Shape.Should().Equal(8, 5, 5);
        single.ToArray().Should().Equal(y.Select(0, 1).ToArray());
        conv.ToString().Should().Contain("Conv2d(inChannels=3, outChannels=8, kernelSize=(3, 3), stride=(2, 2), padding=(1, 1), bias=True)");
    }

    [Fact]
    public void Conv2d_default_init_is_uniform_within_one_over_sqrt_fan_in_weight_first()
    {
        var conv = new Conv2d(4, 6, (3, 2), new Generator(7), groups: 2);
        conv.Weight.Shape.Should().Equal(6, 2, 3, 2);
        double bound = 1 / Math.Sqrt(2 * 3 * 2); // fanIn = in/groups · kH · kW = 12
        var w = conv.Weight.ToDoubleArray();
        w.Should().OnlyContain(v => Math.Abs(v) <= bound);
        w.Max().Should().BeGreaterThan(0.8 * bound);
        w.Min().Should().BeLessThan(-0.8 * bound);
        conv.Bias!.ToDoubleArray().Should().OnlyContain(v => Math.Abs(v) <= bound);

        // Same stream as Init on a fresh tensor: weight drawn first, then bias.
        var g = new Generator(7);
        var w2 = Init.KaimingUniform(Tensor.Zeros(6, 2, 3, 2), g, a: Init.SqrtFive);
        var b2 = Init.Uniform(Tensor.Zeros(6), g, -bound, bound);
        conv.Weight.ToArray().Should().Equal(w2.ToArray());
        conv.Bias.ToArray().Should().Equal(b2.ToArray());
        new Conv2d(4, 6, (3, 2), new Generator(7), groups: 2, bias: false).Bias.Should().BeNull();
    }

    [Fact]
    public void Conv2d_gradients_flow_to_input_and_parameters()
    {
        var g = new Generator(2);
        var conv = new Conv2d(2, 3, 3, g, padding: 1, dilation: 1, dtype: DType.Float64);
        var x = TestUtil.RandnD(g, 1, 2, 4, 5);
        TestUtil.AssertGrad(t => conv.Forward(t[0]), x);

        var xr = x.Clone().SetRequiresGrad();
        conv.Forward(xr).Square().Sum().Backward();
        var w = conv.Weight.Detach().Clone().SetRequiresGrad();
        var b = conv.Bias!.Detach().Clone().SetRequiresGrad();
        x.Conv2d(w, b, 1, 1).Square().Sum().Backward();
        conv.Weight.Grad!.ToDoubleArray().Should().Equal(w.Grad!.ToDoubleArray());
        conv.Bias.Grad!.ToDoubleArray().Should().Equal(b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ConvTranspose2d_has_pytorch_shapes_init_and_matches_the_op()
    {
        var g = new Generator(3);
        var deconv = new ConvTranspose2d(4, 6, 3, g, stride: 2, padding: 1, outputPadding: 1, groups: 2);
        deconv.Weight.Shape.Should().Equal(4, 3, 3, 3);
        deconv.Bias!.Shape.Should().Equal(6);
        double bound = 1 / Math.Sqrt(3 * 3 * 3); // PyTorch's fan-in of a [in, out/groups, k, k] weight: out/groups · k · k
        deconv.Weight.ToDoubleArray().Should().OnlyContain(v => Math.Abs(v) <= bound);
        deconv.Weight.ToDoubleArray().Max().Should().BeGreaterThan(0.8 * bound);

        var x = Tensor.Randn(new Shape(2, 4, 5, 5), g);
        var y = deconv.Forward(x);
        y.Shape.Should().Equal(2, 6, 10, 10); // (5 − 1)·2 − 2 + 2 + 1 + 1
        y.ToArray().Should().Equal(x.ConvTranspose2d(deconv.Weight, deconv.Bias, 2, 1, 1, 1, 2).ToArray());
        deconv.Forward(x.Select(0, 0)).Shape.Should().Equal(6, 10, 10);

        var d64 = new ConvTranspose2d(2, 2, 2, g, stride: 2, dtype: DType.Float64);
        TestUtil.AssertGrad(t => d64.Forward(t[0]), TestUtil.RandnD(g, 1, 2, 2, 3));
        d64.ToString().Should().Be("ConvTranspose2d(inChannels=2, outChannels=2, kernelSize=(2, 2), stride=(2, 2), bias=True)");
    }

    [Fact]
    public void Conv_layers_reject_bad_settings_and_inputs_naming_shapes()
    {
        var g = new Generator(4);
        ((Action)(() => _ = new Conv2d(4, 6, 3, g, groups: 4))).Should().Throw<ArgumentException>().WithMessage("*groups (4)*6*");
        ((Action)(() => _ = new Conv2d(0, 6, 3, g))).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new Conv2d(1, 6, 0, g))).Should().Throw<ArgumentException>().WithMessage("*kernelSize (0, 0)*");
        ((Action)(() => _ = new Conv2d(1, 6, 3, g, stride: 0))).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new Conv2d(1, 6, 3, g, padding: -1))).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new ConvTranspose2d(1, 6, 3, g, stride: 2, outputPadding: 2)))
            .Should().Throw<ArgumentException>().WithMessage("*outputPadding (2, 2)*");

        var conv = new Conv2d(3, 2, 3, g);
        ((Action)(() => conv.Forward(Tensor.Zeros(3, 9)))).Should().Throw<ArgumentException>().WithMessage("*[3, 9]*[N, 3, H, W]*");
        ((Action)(() => conv.Forward(Tensor.Zeros(1, 2, 9, 9)))).Should().Throw<ArgumentException>().WithMessage("*[1, 2, 9, 9]*");
        ((Action)(() => new ConvTranspose2d(3, 2, 3, g).Forward(Tensor.Zeros(2, 2, 2, 2, 2)))).Should().Throw<ArgumentException>()
            .WithMessage("*[2, 2, 2, 2, 2]*");
    }
}
