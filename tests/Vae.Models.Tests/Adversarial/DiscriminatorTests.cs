using Vae.Core;

namespace Vae.Models.Tests;

public sealed class DiscriminatorTests
{
    [Fact]
    public void Plain_discriminator_maps_codes_to_one_logit_each()
    {
        var d = new Discriminator(2, [16, 8], new Generator(1));
        d.InputDim.Should().Be(2);
        d.IncorporatesLabels.Should().BeFalse();
        var logits = d.Forward(Tensor.Randn(new Shape(5, 2), new Generator(2)));
        logits.Shape.ToArray().Should().Equal(5);
        d.NamedParameters().Select(p => p.Name).Should().Equal(
            "body.layers.0.weight", "body.layers.0.bias", "body.layers.1.weight", "body.layers.1.bias", "body.layers.2.weight", "body.layers.2.bias");
        d.Parameters()[0].Shape.ToArray().Should().Equal(16, 2);
        d.Parameters()[^2].Shape.ToArray().Should().Equal(1, 8);
    }

    [Fact]
    public void Label_incorporating_discriminator_sees_the_code_followed_by_the_one_hot_class()
    {
        var d = new Discriminator(2, [8], new Generator(1), numClasses: 10);
        d.InputDim.Should().Be(12);
        d.Parameters()[0].Shape.ToArray().Should().Equal(8, 12);
        var z = Tensor.FromArray(new float[] { 0.5f, -1f, 2f, 3f }, [2, 2]);
        var labels = Tensor.FromArray(new float[] { 3, 9 }, [2]);
        var input = d.Input(z, labels);
        input.Shape.ToArray().Should().Equal(2, 12);
        var row0 = new float[12];
        row0[0] = 0.5f;
        row0[1] = -1f;
        row0[2 + 3] = 1;
        var row1 = new float[12];
        row1[0] = 2f;
        row1[1] = 3f;
        row1[2 + 9] = 1;
        input.ToArray().Should().Equal([.. row0, .. row1]);
        d.Forward(z, labels).Shape.ToArray().Should().Equal(2);
    }

    [Fact]
    public void The_logit_depends_on_the_class()
    {
        var d = new Discriminator(2, [8], new Generator(3), numClasses: 4);
        var z = Tensor.Zeros(new Shape(4, 2));
        var logits = d.Forward(z, Tensor.FromArray(new float[] { 0, 1, 2, 3 }, [4])).ToArray();
        logits.Distinct().Should().HaveCount(4);
    }

    [Fact]
    public void Bad_inputs_throw_naming_the_shapes()
    {
        var plain = new Discriminator(2, [4], new Generator(1));
        var labelled = new Discriminator(2, [4], new Generator(1), numClasses: 3);
        var z = Tensor.Zeros(new Shape(3, 2));
        var y = Tensor.FromArray(new float[] { 0, 1, 2 }, [3]);
        FluentActions.Invoking(() => plain.Forward(Tensor.Zeros(new Shape(3, 5)))).Should().Throw<ArgumentException>().WithMessage("*[N, 2]*[3, 5]*");
        FluentActions.Invoking(() => plain.Forward(z, y)).Should().Throw<ArgumentException>().WithMessage("*does not incorporate labels*");
        FluentActions.Invoking(() => labelled.Forward(z)).Should().Throw<ArgumentException>().WithMessage("*needs labels*");
        FluentActions.Invoking(() => labelled.Forward(z, Tensor.Zeros(new Shape(2)))).Should().Throw<ArgumentException>().WithMessage("*[3]*[2]*");
        FluentActions.Invoking(() => labelled.Forward(z, Tensor.FromArray(new float[] { 0, 1, 3 }, [3]))).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new Discriminator(2, [0], new Generator(1))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
