using Vae.Core.Data;

namespace Vae.Core.Tests;

public sealed class TransformsTests
{
    [Fact]
    public void ScaleBytes_divides_by_255_exactly_including_the_unvectorised_tail()
    {
        var bytes = Enumerable.Range(0, 300).Select(i => (byte)(i * 7 % 256)).ToArray();
        var t = Transforms.ScaleBytes(bytes, new Shape(3, 100));

        t.Shape.Should().Equal(3, 100);
        t.ToArray().Should().Equal(bytes.Select(b => b / 255f));
        var bad = () => Transforms.ScaleBytes(bytes, new Shape(301));
        bad.Should().Throw<ArgumentException>().WithMessage("*300 bytes*[301]*");
    }

    [Fact]
    public void Flatten_keeps_the_first_dimension_and_shares_storage()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        var f = Transforms.Flatten(x);
        f.Shape.Should().Equal(2, 12);
        f.ToArray().Should().Equal(x.ToArray());
        Transforms.Flatten(Tensor.Zeros(0, 5, 5)).Shape.Should().Equal(0, 0);
        var scalar = () => Transforms.Flatten(Tensor.Scalar(1));
        scalar.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Binarize_thresholds_strictly(DType dtype)
    {
        var values = Enumerable.Range(0, 37).Select(i => i / 36.0).Append(double.NaN).ToArray();
        var x = Tensor.FromArray(values).To(dtype);

        var y = Transforms.Binarize(x, 0.5);

        y.DType.Should().Be(dtype);
        y.ToDoubleArray().Should().Equal(values.Select(v => v > 0.5 ? 1.0 : 0.0));
    }

    [Fact]
    public void Static_binarization_is_one_reproducible_Bernoulli_draw()
    {
        var p = Tensor.Full(new Shape(100_000), 0.3);
        var a = Transforms.StaticBinarize(p, new Generator(1));
        var b = Transforms.StaticBinarize(p, new Generator(1));
        var c = Transforms.StaticBinarize(p, new Generator(2));

        a.ToArray().Should().Equal(b.ToArray());
        a.ToArray().Should().NotEqual(c.ToArray());
        a.ToArray().Should().Equal(p.Bernoulli(new Generator(1)).ToArray(), "same draws as Tensor.Bernoulli");
        a.ToArray().Average(v => (double)v).Should().BeApproximately(0.3, 0.008); // std 0.00145: ~5.5 sigma
        p.ToArray().Should().OnlyContain(v => v == 0.3f, "the input is not modified");

        var edges = Transforms.StaticBinarize(Tensor.FromArray([0f, 1f, 0f, 1f]), new Generator(3));
        edges.ToArray().Should().Equal(0f, 1f, 0f, 1f);
    }

    [Fact]
    public void Dynamic_binarization_needs_a_generator_and_compose_runs_in_order()
    {
        var batch = new Batch([Tensor.Full(new Shape(2, 2, 2), 1.0)], new[] { 0, 1 });
        var act = () => Transforms.DynamicBinarize()(batch, null);
        act.Should().Throw<InvalidOperationException>().WithMessage("*generator*");

        Transforms.Compose(Transforms.DynamicBinarize(generator: new Generator(1)), Transforms.FlattenBatch())(batch, null);
        batch[0].Shape.Should().Equal(2, 4);
        batch[0].ToArray().Should().OnlyContain(v => v == 1f);
    }
}
