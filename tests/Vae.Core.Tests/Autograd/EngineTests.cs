using Vae.Core;

namespace Vae.Core.Tests;

public sealed class EngineTests
{
    [Fact]
    public void Arithmetic_with_broadcasting_passes_first_and_second_order_checks()
    {
        var g = new Generator(1);
        var a = TestUtil.RandnD(g, 3, 4);
        var b = TestUtil.RandnD(g, 4);
        var c = TestUtil.RandnD(g, 3, 1).Add(3.0);
        Tensor F(Tensor[] x) => ((x[0] + x[1]) * x[0] - x[1] / x[2] + 2.0 * x[0]).Sum(1);
        TestUtil.AssertGrad(F, a, b, c);
        TestUtil.AssertGradGrad(F, a, b, c);
    }

    [Fact]
    public void Backward_accumulates_into_leaf_grad()
    {
        var x = Tensor.FromArray([1.0, 2.0, 3.0]).SetRequiresGrad();
        (x * x).Sum().Backward();
        (x * 3.0).Sum().Backward();
        x.Grad!.ShouldBeClose([5, 7, 9]);
    }

    [Fact]
    public void Grad_with_createGraph_gives_differentiable_gradients()
    {
        var x = Tensor.FromArray([2.0]).SetRequiresGrad();
        var y = (x * x * x).Sum();
        var dy = Autograd.Grad(y, x, createGraph: true);
        dy.ShouldBeClose([12]);
        var d2 = Autograd.Grad(dy.Sum(), x);
        d2.ShouldBeClose([12]);
        x.Grad.Should().BeNull();
    }

    [Fact]
    public void Grad_with_respect_to_intermediate_tensor()
    {
        var x = Tensor.FromArray([1.0, 2.0]).SetRequiresGrad();
        var z = x * 2.0;
        var y = (z * z).Sum();
        Autograd.Grad(y, z).ShouldBeClose([4, 8]);
    }

    [Fact]
    public void Backward_on_non_scalar_without_gradient_throws()
    {
        var x = Tensor.FromArray([1.0, 2.0]).SetRequiresGrad();
        var act = () => (x * 2.0).Backward();
        act.Should().Throw<InvalidOperationException>().WithMessage("*scalar*[2]*");
    }

    [Fact]
    public void Second_backward_through_freed_graph_throws_and_retainGraph_allows_it()
    {
        var x = Tensor.FromArray([1.0, 2.0]).SetRequiresGrad();
        var y = (x * x).Sum();
        y.Backward();
        var act = () => y.Backward();
        act.Should().Throw<InvalidOperationException>().WithMessage("*second time*");

        var y2 = (x * x).Sum();
        y2.Backward(retainGraph: true);
        y2.Backward();
        x.Grad!.ShouldBeClose([2 + 4, 4 + 8]);
    }

    [Fact]
    public void NoGrad_scope_stops_recording_and_restores()
    {
        var x = Tensor.FromArray([1.0]).SetRequiresGrad();
        using (Autograd.NoGrad())
        {
            (x * 2.0).RequiresGrad.Should().BeFalse();
        }

        (x * 2.0).RequiresGrad.Should().BeTrue();
    }

    [Fact]
    public void Detach_cuts_the_graph()
    {
        var x = Tensor.FromArray([3.0]).SetRequiresGrad();
        var y = (x.Detach() * x).Sum();
        Autograd.Grad(y, x).ShouldBeClose([3]);
    }

    [Fact]
    public void Unused_input_throws_unless_allowed()
    {
        var x = Tensor.FromArray([1.0]).SetRequiresGrad();
        var w = Tensor.FromArray([1.0]).SetRequiresGrad();
        var y = (x * 2.0).Sum();
        var act = () => Autograd.Grad([y], [x, w], retainGraph: true);
        act.Should().Throw<InvalidOperationException>().WithMessage("*Input 1*not used*");
        Autograd.Grad([y], [x, w], allowUnused: true)[1].Should().BeNull();
    }

    [Fact]
    public void Broadcast_error_names_both_shapes()
    {
        var act = () => Tensor.Zeros(3, 4) + Tensor.Zeros(5);
        act.Should().Throw<ArgumentException>().WithMessage("*[3, 4]*[5]*");
    }

    [Fact]
    public void GradCheck_detects_a_wrong_gradient()
    {
        // x.Detach() * x pretends d/dx(x²) = x: the check must fail.
        var x = Tensor.FromArray([1.5, -0.5]);
        var r = GradCheck.Check(t => (t[0].Detach() * t[0]).Sum(), [x]);
        r.Passed.Should().BeFalse();
    }

    [Fact]
    public void Leaf_gradients_never_share_storage()
    {
        var a = Tensor.FromArray([1.0, 2.0]).SetRequiresGrad();
        var b = Tensor.FromArray([3.0, 4.0]).SetRequiresGrad();
        (a + b).Sum().Backward();
        a.Grad!.Fill(5);
        b.Grad!.ShouldBeClose([1, 1]);
    }
}
