using Vae.Core;
using Vae.Core.NN;

namespace Vae.Core.Tests;

/// <summary>Sequential, Identity, Flatten, Unflatten and Dropout.</summary>
public sealed class LayerModuleTests
{
    [Fact]
    public void Sequential_chains_and_indexes_its_modules()
    {
        var g = new Generator(1);
        var a = new Linear(4, 3, g);
        var b = new Linear(3, 2, g);
        var seq = new Sequential(a, new Identity()).Add(b);
        seq.Count.Should().Be(3);
        seq[0].Should().BeSameAs(a);
        seq[-1].Should().BeSameAs(b);
        ((Action)(() => _ = seq[3])).Should().Throw<ArgumentOutOfRangeException>();
        var x = Tensor.Randn(new Shape(5, 4), g);
        seq.Forward(x).ToArray().Should().Equal(b.Forward(a.Forward(x)).ToArray());
        seq.NamedParameters().Select(p => p.Name).Should().Equal("0.weight", "0.bias", "2.weight", "2.bias");
        seq.Add("head", new Identity());
        seq.NamedChildren().Select(c => c.Name).Should().Equal("0", "1", "2", "head");
        new Sequential().Forward(x).Should().BeSameAs(x);
    }

    [Fact]
    public void Flatten_and_Unflatten_reshape_sharing_storage()
    {
        var x = Tensor.Arange(2 * 3 * 4 * 5).Reshape(2, 3, 4, 5);
        var f = new Flatten().Forward(x);
        f.Shape.Should().Equal(2, 60);
        f.ToArray().Should().Equal(x.ToArray());
        new Flatten(0, 1).Forward(x).Shape.Should().Equal(6, 4, 5);
        new Flatten(-2).Forward(x).Shape.Should().Equal(2, 3, 20);
        new Unflatten(1, 3, 4, 5).Forward(f).Shape.Should().Equal(2, 3, 4, 5);
        new Unflatten(-1, 4, -1).Forward(f).Shape.Should().Equal(2, 4, 15);
        ((Action)(() => new Flatten(2, 1).Forward(x))).Should().Throw<ArgumentException>().WithMessage("*[2, 3, 4, 5]*");
        ((Action)(() => new Flatten().Forward(Tensor.Zeros(3)))).Should().Throw<ArgumentException>().WithMessage("*[3]*");
        ((Action)(() => new Unflatten(1, 7, 8).Forward(f))).Should().Throw<ArgumentException>().WithMessage("*[2, 60]*");
        new Unflatten(1, 1, 28, 28).ToString().Should().Be("Unflatten(dim=1, sizes=[1, 28, 28])");

        var xd = TestUtil.RandnD(new Generator(2), 2, 3, 4);
        TestUtil.AssertGrad(t => new Flatten().Forward(t[0]) * 2.0, xd);
    }

    [Fact]
    public void Dropout_zeroes_a_fraction_p_and_scales_survivors_in_training()
    {
        var d = new Dropout(0.3, new Generator(3));
        var x = Tensor.Ones(new Shape(100_000));
        var y = d.Forward(x).ToArray();
        double zeros = y.Count(v => v == 0) / (double)y.Length;
        zeros.Should().BeApproximately(0.3, 0.006, "binomial std is 0.0014; 4 sigma");
        y.Where(v => v != 0).Should().OnlyContain(v => v == (float)(1 / 0.7));
    }

    [Fact]
    public void Dropout_is_reproducible_with_the_same_seed_and_identity_in_eval()
    {
        var x = Tensor.Randn(new Shape(50), new Generator(4));
        var a = new Dropout(0.5, new Generator(5)).Forward(x).ToArray();
        var b = new Dropout(0.5).Forward(x, new Generator(5)).ToArray();
        a.Should().Equal(b);
        new Dropout(0.5).Forward(x, new Generator(6)).ToArray().Should().NotEqual(a);

        var d = new Dropout(0.5);
        d.Eval();
        d.Forward(x).Should().BeSameAs(x, "no generator is needed in eval mode");
        new Dropout(0).Forward(x).Should().BeSameAs(x);
        new Dropout(1, new Generator(1)).Forward(x).ToArray().Should().OnlyContain(v => v == 0);
        ((Action)(() => new Dropout(0.5).Forward(x))).Should().Throw<InvalidOperationException>().WithMessage("*Generator*");
        ((Action)(() => _ = new Dropout(1.5))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Dropout_gradient_is_the_scaled_mask()
    {
        var x = Tensor.Randn(new Shape(20), new Generator(7), DType.Float64).SetRequiresGrad();
        var y = new Dropout(0.4, new Generator(8)).Forward(x);
        y.Sum().Backward();
        var grad = x.Grad!.ToDoubleArray();
        var yv = y.ToDoubleArray();
        var xv = x.ToDoubleArray();
        for (int i = 0; i < grad.Length; i++)
        {
            grad[i].Should().BeOneOf(0, 1 / 0.6);
            yv[i].Should().Be(xv[i] * grad[i]);
        }
    }
}
