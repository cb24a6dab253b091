using Vae.Core;
using Vae.Core.Optim;

namespace Vae.Core.Tests;

/// <summary>Optimizer updates against PyTorch 1.13 (values from reference/optim_reference.py).</summary>
public sealed class OptimizerReferenceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in OptimTestUtil.CaseNames)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64_steps_match_pytorch(string name)
    {
        var ps = OptimTestUtil.MakeParams(DType.Float64);
        var opt = OptimTestUtil.Make(name, ps);
        for (int k = 0; k < OptimReferenceData.Steps; k++)
        {
            OptimTestUtil.SetGrads(ps, k);
            opt.Step();
        }

        var expected = OptimReferenceData.Optimizers[name];
        for (int j = 0; j < ps.Length; j++)
        {
            // Same operation order as PyTorch in double precision: agreement to ~1e-15; 1e-9 relative is a safe bound.
            OptimTestUtil.ShouldBeRelClose(ps[j].ToDoubleArray(), expected[j], rel: 1e-9, abs: 1e-12, $"({name}, parameter {j})");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_steps_match_pytorch_to_float_precision(string name)
    {
        var ps = OptimTestUtil.MakeParams(DType.Float32);
        var opt = OptimTestUtil.Make(name, ps);
        for (int k = 0; k < OptimReferenceData.Steps; k++)
        {
            OptimTestUtil.SetGrads(ps, k);
            opt.Step();
        }

        var expected = OptimReferenceData.Optimizers[name];
        for (int j = 0; j < ps.Length; j++)
        {
            ps[j].DType.Should().Be(DType.Float32);
            OptimTestUtil.ShouldBeRelClose(ps[j].ToDoubleArray(), expected[j], rel: 1e-5, abs: 1e-5, $"({name}, parameter {j})");
        }
    }

    [Fact]
    public void Vector_body_and_scalar_tail_give_identical_results()
    {
        // 37 elements: several full vectors plus a tail. Each element sees the same values, so every element of the
        // result must be bitwise equal, whichever path updated it.
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var p = Tensor.Full(new Shape(37), 0.7, dtype).SetRequiresGrad();
            var opts = new Optimizer[]
            {
                new Adam([p], lr: 0.1, amsgrad: true, weightDecay: 0.01),
            };
            var q = Tensor.Full(new Shape(37), 0.7, dtype).SetRequiresGrad();
            var r = Tensor.Full(new Shape(37), 0.7, dtype).SetRequiresGrad();
            var s = Tensor.Full(new Shape(37), 0.7, dtype).SetRequiresGrad();
            var others = new Optimizer[]
            {
                new RmsProp([q], lr: 0.1, centered: true, momentum: 0.9),
                new Adamax([r], lr: 0.1, weightDecay: 0.1),
                new Sgd([s], lr: 0.1, momentum: 0.9, nesterov: true),
            };
            var all = new[] { p, q, r, s };
            for (int k = 0; k < 3; k++)
            {
                foreach (var t in all)
                {
                    t.Grad = Tensor.Full(new Shape(37), 0.3 - (0.2 * k), dtype);
                }

                foreach (var o in opts.Concat(others))
                {
                    o.Step();
                }
            }

            foreach (var t in all)
            {
                var v = t.ToDoubleArray();
                v.Should().AllSatisfy(x => x.Should().Be(v[0]));
                v[0].Should().NotBe(0.7);
            }
        }
    }
}
