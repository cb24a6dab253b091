using Vae.Core;
using Vae.Core.NN;

namespace Vae.Core.Tests;

public sealed class LinearTests
{
    [Fact]
    public void Forward_computes_x_times_w_transposed_plus_b()
    {
        var lin = new Linear(3, 2, new Generator(1));
        lin.Weight.CopyFrom(Tensor.FromArray(new float[,] { { 1, 2, 3 }, { -1, 0, 0.5f } }));
        lin.Bias!.CopyFrom(Tensor.FromArray([0.5f, -1f]));
        var x = Tensor.FromArray(new float[,] { { 1, 0, 2 }, { -1, 1, 1 } });
        var y = lin.Forward(x);
        y.Shape.Should().Equal(2, 2);
        y.ShouldBeClose([1 + 6 + 0.5, -1 + 1 - 1, -1 + 2 + 3 + 0.5, 1 + 0.5 - 1], 1e-6);

        // Leading batch dimensions and a single vector.
        var x3 = Tensor.Randn(new Shape(2, 5, 3), new Generator(2));
        var y3 = lin.Forward(x3);
        y3.Shape.Should().Equal(2, 5, 2);
        y3.ToArray().Should().Equal(lin.Forward(x3.Reshape(10, 3)).ToArray());
        var y1 = lin.Forward(Tensor.FromArray([1f, 0f, 2f]));
        y1.Shape.Should().Equal(2);
        y1.ShouldBeClose([7.5, -1], 1e-6);
    }

    [Fact]
    public void Gradients_pass_finite_difference_checks()
    {
        var g = new Generator(3);
        var x = TestUtil.RandnD(g, 4, 3);
        var w = TestUtil.RandnD(g, 2, 3);
        var b = TestUtil.RandnD(g, 2);
        TestUtil.AssertGrad(t => LinearOp.Forward("Linear", t[0], t[1], t[2]), x, w, b);
        TestUtil.AssertGrad(t => LinearOp.Forward("Linear", t[0], t[1], null), TestUtil.RandnD(g, 2, 2, 3), w);
        TestUtil.AssertGradGrad(t => LinearOp.Forward("Linear", t[0] * t[0], t[1], t[2]), x, w, b);

        var lin = new Linear(3, 2, g, dtype: DType.Float64);
        TestUtil.AssertGrad(t => lin.Forward(t[0]), x);
    }

    [Fact]
    public void Backward_fills_parameter_gradients()
    {
        var lin = new Linear(3, 2, new Generator(4), dtype: DType.Float64);
        var x = TestUtil.RandnD(new Generator(5), 4, 3);
        lin.Forward(x).Sum().Backward();
        // d(sum)/dW[o, i] = sum_n x[n, i]; d(sum)/db[o] = N.
        var colSums = x.Sum(0).ToDoubleArray();
        lin.Weight.Grad!.ShouldBeClose([.. colSums, .. colSums], 1e-12);
        lin.Bias!.Grad!.ShouldBeClose([4, 4], 1e-12);
    }

    [Fact]
    public void Default_initialisation_is_pytorchs_and_reproducible()
    {
        var lin = new Linear(784, 400, new Generator(6));
        double bound = OptimReferenceData.Init[0].Values[2]; // 1/sqrt(784), computed with PyTorch's kaiming_uniform_(a=sqrt 5)
        var w = lin.Weight.ToDoubleArray();
        w.Max(Math.Abs).Should().BeLessThanOrEqualTo(bound).And.BeGreaterThan(0.999 * bound);
        var b = lin.Bias!.ToDoubleArray();
        b.Max(Math.Abs).Should().BeLessThanOrEqualTo(bound).And.BeGreaterThan(0.9 * bound);
        new Linear(784, 400, new Generator(6)).Weight.ToArray().Should().Equal(lin.Weight.ToArray());
        new Linear(784, 400, new Generator(7)).Weight.ToArray().Should().NotEqual(lin.Weight.ToArray());
        lin.Weight.Shape.Should().Equal(400, 784);
        lin.Bias.Shape.Should().Equal(400);
    }

    [Fact]
    public void Without_bias_only_the_weight_is_registered()
    {
        var lin = new Linear(3, 2, new Generator(8), bias: false);
        lin.Bias.Should().BeNull();
        lin.NamedParameters().Select(x => x.Name).Should().Equal("weight");
        lin.Forward(Tensor.Zeros(1, 3)).ToArray().Should().Equal(0f, 0f);
    }

    [Fact]
    public void Bad_inputs_throw_naming_the_shapes()
    {
        var lin = new Linear(4, 3, new Generator(9));
        ((Action)(() => lin.Forward(Tensor.Zeros(2, 5)))).Should().Throw<ArgumentException>()
            .WithMessage("Linear: input shape [2, 5] does not end in inFeatures=4 (weight shape [3, 4])*");
        ((Action)(() => lin.Forward(Tensor.Scalar(1)))).Should().Throw<ArgumentException>();
        ((Action)(() => lin.Forward(Tensor.Zeros(new Shape(2, 4), DType.Float64)))).Should().Throw<ArgumentException>()
            .WithMessage("*float64 [2, 4]*float32 [3, 4]*");
        ((Action)(() => _ = new Linear(-1, 2, new Generator(1)))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void MaskedLinear_multiplies_the_mask_into_the_weight()
    {
        var g = new Generator(10);
        var mask = Tensor.FromArray(new double[,] { { 1, 0, 1 }, { 0, 1, 1 } });
        var ml = new MaskedLinear(3, 2, g, mask, dtype: DType.Float64);
        var x = TestUtil.RandnD(g, 5, 3);
        var expected = LinearOp.Forward("Linear", x, ml.Weight * ml.Mask, ml.Bias);
        ml.Forward(x).ToDoubleArray().Should().Equal(expected.ToDoubleArray());

        ml.Forward(x).Sum().Backward();
        var gw = ml.Weight.Grad!.ToDoubleArray();
        gw[1].Should().Be(0);
        gw[3].Should().Be(0);
        gw[0].Should().NotBe(0);

        ml.StateDict().Keys.Should().Equal("weight", "bias", "mask");
        TestUtil.AssertGrad(t => ml.Forward(t[0]), x);

        ml.SetMask(Tensor.Ones(new Shape(2, 3), DType.Float64));
        ml.Mask.ToDoubleArray().Should().OnlyContain(v => v == 1);
        ((Action)(() => ml.SetMask(Tensor.Ones(3, 2)))).Should().Throw<ArgumentException>().WithMessage("*[3, 2]*[2, 3]*");
        ((Action)(() => ml.SetMask(Tensor.Full(new Shape(2, 3), 0.5)))).Should().Throw<ArgumentException>().WithMessage("*only 0 and 1*");
        new MaskedLinear(3, 2, g).Mask.ToArray().Should().OnlyContain(v => v == 1);
    }
}
