using FluentAssertions;
using Vae.Core;
using Vae.Core.NN;
using Vae.Core.Optim;
using Xunit;

namespace Vae.Core.Tests;

public sealed class TensorScopeTests
{
    [Fact]
    public void Tensors_created_in_a_scope_are_released_when_it_ends()
    {
        Tensor a, b;
        using (TensorScope.Begin())
        {
            a = Tensor.Ones(64, 64);
            b = a * 2;
            b.Sum().Item().Should().Be(2 * 64 * 64);
        }

        a.IsReleased.Should().BeTrue();
        b.IsReleased.Should().BeTrue();
        var act = () => b.Sum();
        act.Should().Throw<ObjectDisposedException>().WithMessage("*float32 [64, 64]*released*TensorScope*");
    }

    [Fact]
    public void Tensors_created_outside_any_scope_are_untouched()
    {
        var outside = Tensor.Ones(64, 64);
        using (TensorScope.Begin())
        {
            _ = outside * 3;
        }

        outside.IsReleased.Should().BeFalse();
        outside.Sum().Item().Should().Be(64 * 64);
    }

    [Fact]
    public void Released_storage_is_reused_by_the_next_scope()
    {
        Array first;
        using (TensorScope.Begin())
        {
            first = Tensor.Zeros(33, 77).Data;
        }

        using (TensorScope.Begin())
        {
            var again = Tensor.Zeros(33, 77);
            again.Data.Should().BeSameAs(first);
            again.ToArray().Should().OnlyContain(v => v == 0, "Zeros must clear reused storage");
        }
    }

    [Fact]
    public void Kept_tensor_survives_with_its_values_even_when_its_views_are_released_and_the_pool_is_reused()
    {
        var g = new Generator(1);
        Tensor kept, view;
        float[] expected;
        using (var scope = TensorScope.Begin())
        {
            var x = Tensor.Randn(new Shape(40, 50), g);
            view = x.Reshape(2000);
            kept = scope.Keep(x);
            expected = kept.ToArray();
        }

        view.IsReleased.Should().BeTrue();
        kept.IsReleased.Should().BeFalse();
        using (TensorScope.Begin())
        {
            for (int i = 0; i < 4; i++)
            {
                Tensor.Full(new Shape(40, 50), 7.0);
                Tensor.Full(new Shape(2000), 7.0);
            }
        }

        kept.ToArray().Should().Equal(expected);
    }

    [Fact]
    public void Keep_in_a_nested_scope_hands_the_tensor_to_the_enclosing_scope()
    {
        Tensor t;
        using (var outer = TensorScope.Begin())
        {
            using (var inner = TensorScope.Begin())
            {
                t = inner.Keep(Tensor.Ones(100, 20));
            }

            t.IsReleased.Should().BeFalse();
            outer.Count.Should().Be(1);
        }

        t.IsReleased.Should().BeTrue();
    }

    [Fact]
    public void Persist_and_Pause_make_tensors_outlive_every_scope()
    {
        Tensor persisted, paused;
        using (TensorScope.Begin())
        {
            using (TensorScope.Begin())
            {
                persisted = TensorScope.Persist(Tensor.Full(new Shape(3000), 2.0));
                using (TensorScope.Pause())
                {
                    paused = Tensor.Full(new Shape(3000), 5.0);
                }
            }
        }

        persisted.Sum().Item().Should().Be(6000);
        paused.Sum().Item().Should().Be(15000);
    }

    [Fact]
    public void View_created_while_paused_keeps_the_scope_from_recycling_the_shared_storage()
    {
        Tensor view;
        using (TensorScope.Begin())
        {
            var x = Tensor.Full(new Shape(50, 50), 3.0);
            using (TensorScope.Pause())
            {
                view = x.Reshape(2500);
            }
        }

        using (TensorScope.Begin())
        {
            Tensor.Full(new Shape(50, 50), -1.0);
            view.Sum().Item().Should().Be(7500);
        }
    }

    [Fact]
    public void Disposing_an_outer_scope_before_its_inner_one_throws()
    {
        var outer = TensorScope.Begin();
        var inner = TensorScope.Begin();
        var act = () => outer.Dispose();
        act.Should().Throw<InvalidOperationException>().WithMessage("*innermost first*");
        inner.Dispose();
        outer.Dispose();
        TensorScope.Current.Should().BeNull();
    }

    [Fact]
    public void Parameters_buffers_optimizer_state_and_leaf_gradients_created_in_a_scope_survive_it()
    {
        var g = new Generator(3);
        Linear layer;
        BatchNorm1d norm;
        Adam adam;
        using (TensorScope.Begin())
        {
            layer = new Linear(30, 40, g);
            norm = new BatchNorm1d(40);
            adam = new Adam(layer.Parameters(), 1e-3);
            var loss = norm.Forward(layer.Forward(Tensor.Randn(new Shape(8, 30), g))).Square().Sum();
            loss.Backward();
            adam.Step();
        }

        layer.Weight.Grad.Should().NotBeNull();
        layer.Weight.Grad!.IsReleased.Should().BeFalse();
        norm.RunningMean!.IsReleased.Should().BeFalse();
        adam.StateDict().Values.Should().OnlyContain(t => !t.IsReleased);
        using (TensorScope.Begin())
        {
            adam.ZeroGrad();
            layer.Forward(Tensor.Randn(new Shape(8, 30), g)).Sum().Backward();
            adam.Step();
        }

        layer.Weight.ToArray().Should().OnlyContain(v => float.IsFinite(v));
    }

    [Fact]
    public void Training_inside_scopes_is_bit_identical_to_training_without_them()
    {
        float[] Train(bool scoped)
        {
            var g = new Generator(11);
            var net = new Sequential(new Linear(20, 64, g), new ReLU(), new Linear(64, 5, g));
            var adam = new Adam(net.Parameters(), 1e-2);
            var data = new Generator(12);
            for (int step = 0; step < 6; step++)
            {
                using var scope = scoped ? TensorScope.Begin() : null;
                adam.ZeroGrad();
                var x = Tensor.Randn(new Shape(32, 20), data);
                var loss = net.Forward(x).Tanh().Square().Mean();
                loss.Backward();
                adam.Step();
            }

            return net.Parameters().SelectMany(p => p.ToArray()).ToArray();
        }

        Train(scoped: true).Should().Equal(Train(scoped: false));
    }

    [Fact]
    public void ZeroGrad_releases_engine_gradients_and_a_scoped_step_reuses_their_storage()
    {
        var w = Tensor.Ones(40, 40).SetRequiresGrad();
        Array firstStorage;
        Tensor first;
        using (TensorScope.Begin())
        {
            (w * w).Sum().Backward();
            first = w.Grad!;
            firstStorage = first.Data;
            first.ToArray().Should().OnlyContain(v => v == 2);
        }

        first.IsReleased.Should().BeFalse("leaf gradients outlive the scope of the backward pass");
        using (TensorScope.Begin())
        {
            w.ClearGrad();
            w.Grad.Should().BeNull();
            first.IsReleased.Should().BeTrue("a released gradient must not be readable once its storage is reused");
            var next = w * 5;
            next.Data.Should().BeSameAs(firstStorage, "the released gradient's storage is the next one handed out");
            next.Sum().Backward();
            w.Grad!.ToArray().Should().OnlyContain(v => v == 5);
        }
    }

    [Fact]
    public void A_gradient_passed_to_Backward_is_never_recycled_by_ZeroGrad()
    {
        var w = Tensor.Zeros(50, 50).SetRequiresGrad();
        var seed = Tensor.Full(new Shape(50, 50), 3.0);
        using (TensorScope.Begin())
        {
            w.Backward(seed);
            w.ClearGrad();
            Tensor.Full(new Shape(50, 50), -1.0);
        }

        seed.IsReleased.Should().BeFalse();
        seed.ToArray().Should().OnlyContain(v => v == 3);
    }

    [Fact]
    public void Gradients_accumulate_in_place_across_backward_passes_and_scopes()
    {
        var w = Tensor.FromArray(new double[] { 1, -2 }).SetRequiresGrad();
        using (TensorScope.Begin())
        {
            (w * w).Sum().Backward();
        }

        using (TensorScope.Begin())
        {
            (w * 3).Sum().Backward();
        }

        w.Grad!.ToDoubleArray().Should().Equal(5, -1);
    }

    [Fact]
    public void A_user_assigned_gradient_is_not_reused_as_engine_storage()
    {
        var w = Tensor.FromArray(new float[] { 1, 2 }).SetRequiresGrad();
        (w * 2).Sum().Backward();
        var mine = Tensor.FromArray(new float[] { 9, 9 });
        w.Grad = mine;
        w.ClearGrad();
        (w * 4).Sum().Backward();
        mine.ToArray().Should().Equal(9, 9);
        w.Grad!.ToArray().Should().Equal(4, 4);
    }

    [Fact]
    public void Scopes_are_per_thread()
    {
        Tensor? fromOtherThread = null;
        using (TensorScope.Begin())
        {
            var thread = new Thread(() => fromOtherThread = Tensor.Ones(2000));
            thread.Start();
            thread.Join();
        }

        fromOtherThread!.IsReleased.Should().BeFalse();
    }

    [Fact]
    public void DataLoader_reused_batch_buffers_survive_an_epoch_scope()
    {
        var data = new Vae.Core.Data.TensorDataset(Tensor.Arange(0, 6000).Reshape(3000, 2));
        var loader = new Vae.Core.Data.DataLoader(data, batchSize: 1000) { ReuseBuffers = true };
        double[] sums = new double[2];
        for (int epoch = 0; epoch < 2; epoch++)
        {
            using var epochScope = TensorScope.Begin();
            foreach (var batch in loader)
            {
                using var step = TensorScope.Begin();
                sums[epoch] += (batch[0] * 1).Sum().Item();
            }
        }

        sums[1].Should().Be(sums[0]).And.Be(5999.0 * 6000 / 2);
    }
}
