using FluentAssertions;
using Vae.Core;
using Xunit;

namespace Vae.Core.Tests;

/// <summary>The bulk random paths draw exactly the stream the per-element methods define.</summary>
public sealed class RandomStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(1000)]
    public void FillUniform_float_equals_NextSingle_in_order_and_leaves_the_generator_in_the_same_state(int n)
    {
        var bulk = new Generator(42);
        var single = new Generator(42);
        var values = new float[n];
        bulk.FillUniform(values, -2f, 3f);
        for (int i = 0; i < n; i++)
        {
            values[i].Should().Be(-2f + (5f * single.NextSingle()), $"element {i}");
        }

        bulk.NextUInt64().Should().Be(single.NextUInt64());
    }

    [Fact]
    public void FillUniform_double_equals_NextDouble_in_order()
    {
        var bulk = new Generator(7);
        var single = new Generator(7);
        var values = new double[333];
        bulk.FillUniform(values);
        values.Should().Equal(Enumerable.Range(0, 333).Select(_ => single.NextDouble()));
        bulk.GetState().Should().Equal(single.GetState());
    }

    [Theory]
    [InlineData(DType.Float32, 2)]
    [InlineData(DType.Float32, 37)]
    [InlineData(DType.Float32, 784 * 3)]
    [InlineData(DType.Float64, 35)]
    [InlineData(DType.Float64, 1001)]
    public void Bernoulli_thresholds_the_uniform_stream_elementwise(DType dtype, int n)
    {
        var probs = Tensor.Rand(new Shape(n), new Generator(3), dtype);
        probs.SetFlat(0, 0);
        probs.SetFlat(n - 1, 1);
        var sample = probs.Bernoulli(new Generator(9));
        var reference = new Generator(9);
        var p = probs.ToDoubleArray();
        var s = sample.ToDoubleArray();
        for (int i = 0; i < n; i++)
        {
            double u = dtype == DType.Float32 ? reference.NextSingle() : reference.NextDouble();
            s[i].Should().Be(u < p[i] ? 1 : 0, $"element {i}");
        }

        s[0].Should().Be(0, "p = 0 never succeeds");
        s[n - 1].Should().Be(1, "p = 1 always succeeds");
    }
}
