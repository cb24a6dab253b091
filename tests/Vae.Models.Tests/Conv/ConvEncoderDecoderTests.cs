using Vae.Core;
using Vae.Distributions;
using Vae.Models;

namespace Vae.Models.Tests;

public sealed class ConvEncoderDecoderTests
{
    [Fact]
    public void Parameter_counts_match_the_hvae_notebook()
    {
        var g = new Generator(1);
        new ConvEncoder(g).ParameterCount.Should().Be(328_520);
        new ConvDecoder(g).ParameterCount.Should().Be(306_615);
    }

    [Fact]
    public void Encoder_accepts_flat_and_image_inputs_and_returns_a_diagonal_gaussian()
    {
        var enc = new ConvEncoder(new Generator(1));
        var x = Tensor.Rand(new Shape(3, 784), new Generator(2));
        var q = enc.Forward(x);
        q.BatchShape.ToArray().Should().Equal(3);
        q.EventShape.ToArray().Should().Equal(64);
        var (mean, logScale) = enc.Parameters(x);
        mean.Shape.ToArray().Should().Equal(3, 64);
        q.StdDev.ToArray().Should().Equal(logScale.Exp().ToArray());   // the head is log σ, not log σ²
        enc.Forward(x.Reshape(3, 1, 28, 28)).Mean.ToArray().Should().Equal(mean.ToArray());

        enc.NamedParameters().Select(p => (p.Name, p.Parameter.Shape.ToString())).Should()
            .Contain(("conv.1.weight", "[16, 1, 5, 5]")).And.Contain(("fc.3.weight", "[128, 450]"));
        FluentActions.Invoking(() => enc.Forward(Tensor.Zeros(3, 100))).Should().Throw<ArgumentException>().WithMessage("*[3, 100]*[N, 784]*");
    }

    [Fact]
    public void Decoder_maps_codes_with_leading_dimensions_to_784_logits()
    {
        var dec = new ConvDecoder(new Generator(3));
        var z = Tensor.Randn(new Shape(2, 3, 64), new Generator(4));
        var logits = dec.Logits(z);
        logits.Shape.ToArray().Should().Equal(2, 3, 784);
        logits.ToArray().Should().Equal(dec.Logits(z.Reshape(6, 64)).Reshape(2, 3, 784).ToArray());
        var p = dec.Forward(z);
        p.BatchShape.ToArray().Should().Equal(2, 3);
        p.EventShape.ToArray().Should().Equal(784);
        p.LogProb(Tensor.Zeros(3, 784)).Shape.ToArray().Should().Equal(2, 3);
        dec.NamedParameters().Select(q => (q.Name, q.Parameter.Shape.ToString())).Should()
            .Contain(("fc.1.weight", "[450, 64]")).And.Contain(("conv.12.weight", "[1, 16, 5, 5]"));
        FluentActions.Invoking(() => dec.Logits(Tensor.Zeros(3, 10))).Should().Throw<ArgumentException>().WithMessage("*[3, 10]*[*, 64]*");
        FluentActions.Invoking(() => new ConvDecoder(new Generator(1), likelihood: Likelihood.Categorical256)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Conv_vae_trains_on_a_tiny_batch_and_evaluates_with_running_statistics()
    {
        var g = new Generator(5);
        var vae = new VariationalAutoencoder(new ConvEncoder(g, 8), new ConvDecoder(g, 8));
        var x = Tensor.Rand(new Shape(4, 784), new Generator(6)).Bernoulli(new Generator(7));
        vae.Loss(x, new Generator(8)).Total.Backward();
        foreach (var (name, p) in vae.NamedParameters())
        {
            p.Grad.Should().NotBeNull(name);
        }

        vae.Eval();
        using (Autograd.NoGrad())
        {
            double a = vae.Loss(x.Narrow(0, 0, 1), new Generator(9)).Total.Item();   // batch of one works in eval mode
            double.IsFinite(a).Should().BeTrue();
        }

        var iwae = new ImportanceWeightedAutoencoder(vae.Encoder, vae.Decoder, samples: 3);
        iwae.LogWeights(x, new Generator(10)).LogWeights.Shape.ToArray().Should().Equal(3, 4);
    }
}
