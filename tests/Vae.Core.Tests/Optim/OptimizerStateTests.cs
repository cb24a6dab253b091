using Vae.Core;
using Vae.Core.Optim;

namespace Vae.Core.Tests;

public sealed class OptimizerStateTests
{
    public static TheoryData<string, DType> CasesAndDTypes()
    {
        var data = new TheoryData<string, DType>();
        foreach (var name in OptimTestUtil.CaseNames)
        {
            data.Add(name, DType.Float64);
            data.Add(name, DType.Float32);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CasesAndDTypes))]
    public void Restoring_state_continues_bit_identically(string name, DType dtype)
    {
        var ps = OptimTestUtil.MakeParams(dtype);
        var opt = OptimTestUtil.Make(name, ps);
        for (int k = 0; k < 3; k++)
        {
            OptimTestUtil.SetGrads(ps, k);
            opt.Step();
        }

        var saved = opt.StateDict();
        var savedParams = ps.Select(p => p.Detach().Clone()).ToArray();
        for (int k = 3; k < 5; k++)
        {
            OptimTestUtil.SetGrads(ps, k);
            opt.Step();
        }

        var fresh = savedParams.Select(p => p.Clone().SetRequiresGrad()).ToArray();
        var restored = OptimTestUtil.Make(name, fresh);
        restored.LoadStateDict(saved);
        for (int k = 3; k < 5; k++)
        {
            OptimTestUtil.SetGrads(fresh, k);
            restored.Step();
        }

        for (int j = 0; j < ps.Length; j++)
        {
            fresh[j].ToDoubleArray().Should().Equal(ps[j].ToDoubleArray(), $"parameter {j} of {name} must continue bit-identically");
        }
    }

    [Fact]
    public void State_dict_uses_pytorch_style_names_and_counts_steps_per_parameter()
    {
        var ps = OptimTestUtil.MakeParams(DType.Float32);
        var opt = new Adam(ps, lr: 0.01, amsgrad: true);
        for (int k = 0; k < 3; k++)
        {
            OptimTestUtil.SetGrads(ps, k);
            opt.Step();
        }

        var sd = opt.StateDict();
        sd["param_groups.0.lr"].Item().Should().Be(0.01);
        sd["param_groups.0.betas.0"].Item().Should().Be(0.9);
        sd["param_groups.0.betas.1"].Item().Should().Be(0.999);
        sd["param_groups.0.amsgrad"].Item().Should().Be(1);
        sd["param_groups.0.params"].ToDoubleArray().Should().Equal(0, 1, 2);
        sd["state.0.step"].Item().Should().Be(3);
        sd["state.2.step"].Item().Should().Be(2, "parameter 2 has no gradient at step 1 and is skipped");
        sd["state.1.exp_avg"].Shape.Should().Equal(3);
        sd["state.0.max_exp_avg_sq"].DType.Should().Be(DType.Float32);
        sd.Keys.Should().NotContain(k => k.StartsWith("param_groups.0.initial_lr", StringComparison.Ordinal));

        // The dict is a snapshot: later steps do not change it.
        double before = sd["state.0.exp_avg"].ToDoubleArray()[0];
        OptimTestUtil.SetGrads(ps, 3);
        opt.Step();
        sd["state.0.exp_avg"].ToDoubleArray()[0].Should().Be(before);
    }

    [Fact]
    public void Loading_a_mismatched_state_lists_every_problem_and_changes_nothing()
    {
        var ps = OptimTestUtil.MakeParams(DType.Float64);
        var adam = new Adam(ps, lr: 0.01);
        OptimTestUtil.SetGrads(ps, 0);
        adam.Step();
        var sd = new Dictionary<string, Tensor>(adam.StateDict());
        sd["state.1.exp_avg"] = Tensor.Zeros(new Shape(4), DType.Float64);
        sd.Remove("param_groups.0.eps");
        sd["param_groups.0.momentum"] = Tensor.Scalar(0.9, DType.Float64);
        sd["bogus"] = Tensor.Scalar(1, DType.Float64);

        var other = OptimTestUtil.MakeParams(DType.Float64);
        var target = new Adam(other, lr: 0.5);
        var act = () => target.LoadStateDict(sd);
        var e = act.Should().Throw<ArgumentException>().Which;
        e.Message.Should().Contain("\"state.1.exp_avg\" has shape [4], parameter 1 has shape [3]")
            .And.Contain("missing key \"param_groups.0.eps\"")
            .And.Contain("unexpected key \"param_groups.0.momentum\"")
            .And.Contain("unexpected key \"bogus\"");
        target.ParamGroups.Should().HaveCount(1);
        target.ParamGroups[0].LearningRate.Should().Be(0.5);
        target.StateDict().Keys.Should().NotContain(k => k.StartsWith("state.", StringComparison.Ordinal));
    }

    [Fact]
    public void Loading_into_a_different_optimizer_or_layout_fails()
    {
        var ps = OptimTestUtil.MakeParams(DType.Float32);
        var adam = new Adam(ps);
        OptimTestUtil.SetGrads(ps, 0);
        adam.Step();
        var sd = adam.StateDict();

        var sgd = new Sgd(OptimTestUtil.MakeParams(DType.Float32), lr: 0.1, momentum: 0.9);
        var e = ((Action)(() => sgd.LoadStateDict(sd))).Should().Throw<ArgumentException>().Which;
        e.Message.Should().Contain("unexpected key \"state.0.exp_avg\"").And.Contain("missing key \"param_groups.0.momentum\"");

        var two = OptimTestUtil.MakeParams(DType.Float32);
        var grouped = new Adam([new ParamGroup<AdamOptions>([two[0]], new AdamOptions()), new ParamGroup<AdamOptions>([two[1], two[2]], new AdamOptions())]);
        ((Action)(() => grouped.LoadStateDict(sd))).Should().Throw<ArgumentException>().WithMessage("*1 parameter groups, the optimizer has 2*");
    }

    [Fact]
    public void Parameters_without_grad_are_skipped()
    {
        var a = Tensor.FromArray([1.0, 2.0]).SetRequiresGrad();
        var b = Tensor.FromArray([3.0]).SetRequiresGrad();
        var opt = new Adam([a, b], lr: 0.1);
        a.Grad = Tensor.FromArray([1.0, -1.0]);
        opt.Step();
        b.ToDoubleArray().Should().Equal(3.0);
        a.ToDoubleArray()[0].Should().BeApproximately(0.9, 1e-8, "Adam's first step moves by lr·g/(|g| + eps)");
        opt.StateDict().Keys.Should().Contain("state.0.step").And.NotContain("state.1.step");
    }

    [Fact]
    public void ZeroGrad_clears_gradients_and_learning_rates_can_change_between_steps()
    {
        var p = Tensor.FromArray([1.0]).SetRequiresGrad();
        var opt = new Sgd([p], lr: 0.5);
        p.Grad = Tensor.FromArray([1.0]);
        opt.Step();
        p.Item().Should().Be(0.5);
        opt.ParamGroups[0].LearningRate = 0.25;
        opt.Step();
        p.Item().Should().Be(0.25);
        opt.ZeroGrad();
        p.Grad.Should().BeNull();
        opt.Step();
        p.Item().Should().Be(0.25);
    }

    [Fact]
    public void Groups_copy_their_options()
    {
        var defaults = new AdamOptions { LearningRate = 0.01 };
        var a = Tensor.FromArray([1.0]).SetRequiresGrad();
        var b = Tensor.FromArray([1.0]).SetRequiresGrad();
        var opt = new Adam([new ParamGroup<AdamOptions>([a], defaults), new ParamGroup<AdamOptions>([b], defaults with { Beta1 = 0.5 })]);
        opt.ParamGroups[0].LearningRate = 1;
        opt.ParamGroups[1].LearningRate.Should().Be(0.01);
        defaults.LearningRate.Should().Be(0.01);
        opt.ParamGroups[1].Options.Beta1.Should().Be(0.5);
        opt.ParamGroups[0].Options.GetHyperParameter("betas.0").Should().Be(0.9);

        var c = Tensor.FromArray([1.0]).SetRequiresGrad();
        opt.AddParamGroup(new ParamGroup<AdamOptions>([c], defaults));
        opt.ParamGroups.Should().HaveCount(3);
        ((Optimizer)opt).ParamGroups.Should().HaveCount(3);
    }

    [Fact]
    public void Bad_parameters_and_hyper_parameters_throw()
    {
        var p = Tensor.FromArray([1.0]).SetRequiresGrad();
        ((Action)(() => _ = new Adam(Array.Empty<Tensor>()))).Should().Throw<ArgumentException>().WithMessage("*empty parameter list*");
        ((Action)(() => _ = new Adam([p, p]))).Should().Throw<ArgumentException>().WithMessage("*more than once*");
        ((Action)(() => _ = new Adam([p * 2.0]))).Should().Throw<ArgumentException>().WithMessage("*leaves*");
        ((Action)(() => _ = new Adam([p], lr: -1))).Should().Throw<ArgumentException>().WithMessage("*learning rate*");
        ((Action)(() => _ = new Adam([p], beta2: 1.0))).Should().Throw<ArgumentException>().WithMessage("*beta parameter at index 1*");
        ((Action)(() => _ = new Sgd([p], lr: 0.1, nesterov: true))).Should().Throw<ArgumentException>().WithMessage("*Nesterov*");
        ((Action)(() => _ = new RmsProp([p], alpha: -0.5))).Should().Throw<ArgumentException>().WithMessage("*alpha*");

        var opt = new Adam([p]);
        opt.ParamGroups[0].Options.Eps = -1;
        p.Grad = Tensor.FromArray([1.0]);
        ((Action)opt.Step).Should().Throw<ArgumentException>().WithMessage("*epsilon*");

        var q = Tensor.FromArray([1.0, 2.0]).SetRequiresGrad();
        var sgd = new Sgd([q], lr: 0.1);
        q.Grad = Tensor.FromArray([1.0f, 2.0f]);
        ((Action)sgd.Step).Should().Throw<InvalidOperationException>().WithMessage("*float32 [2]*float64 [2]*");
    }

    [Fact]
    public void Steady_state_steps_do_not_allocate()
    {
        var w = Tensor.Zeros(new Shape(400, 784)).SetRequiresGrad();
        var b = Tensor.Zeros(new Shape(400)).SetRequiresGrad();
        w.Grad = Tensor.Full(new Shape(400, 784), 0.01);
        b.Grad = Tensor.Full(new Shape(400), -0.02);
        var opts = new Optimizer[]
        {
            new Adam([w, b], amsgrad: true), new AdamW([w, b]), new Adamax([w, b]),
            new RmsProp([w, b], momentum: 0.9, centered: true), new Sgd([w, b], lr: 0.1, momentum: 0.9, nesterov: true),
        };
        foreach (var o in opts)
        {
            for (int i = 0; i < 3; i++)
            {
                o.Step();
            }

            // 50 steps under 200 bytes: any per-step allocation (≥ 24 bytes per object) fails, while a one-off object
            // of the kernel-threading machinery (a lock inflated the first time a helper was late) does not.
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++)
            {
                o.Step();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            allocated.Should().BeLessThan(200, $"{o.GetType().Name}.Step must not allocate in steady state");
        }
    }
}
