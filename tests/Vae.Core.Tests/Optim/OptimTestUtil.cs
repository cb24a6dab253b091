using Vae.Core;
using Vae.Core.Optim;

namespace Vae.Core.Tests;

/// <summary>Shared set-up of the optimizer reference tests (mirrors optim_reference.py).</summary>
internal static class OptimTestUtil
{
    public static readonly string[] CaseNames = [.. OptimReferenceData.Optimizers.Keys];

    public static Tensor[] MakeParams(DType dtype)
    {
        var d = OptimReferenceData.InitialParameters;
        return
        [
            Tensor.FromArray(d[0], 2, 3).To(dtype).Clone().SetRequiresGrad(),
            Tensor.FromArray(d[1], 3).To(dtype).Clone().SetRequiresGrad(),
            Tensor.FromArray(d[2], 2).To(dtype).Clone().SetRequiresGrad(),
        ];
    }

    /// <summary>The fake gradient of optim_reference.py: (p − 0.3·cos i)·scale(k) + 0.05·sin(1.7·i + k).</summary>
    public static Tensor FakeGrad(Tensor p, int k)
    {
        var v = p.ToDoubleArray();
        double scale = k % 3 == 2 ? 0.2 : 1.0 + (0.25 * k);
        var g = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            g[i] = ((v[i] - (0.3 * Math.Cos(i))) * scale) + (0.05 * Math.Sin((1.7 * i) + k));
        }

        return Tensor.FromArray(g, p.Shape.ToArray()).To(p.DType);
    }

    /// <summary>Sets the fake gradients of step <paramref name="k"/> (parameter 2 has none at odd steps).</summary>
    public static void SetGrads(Tensor[] ps, int k)
    {
        for (int j = 0; j < ps.Length; j++)
        {
            ps[j].Grad = j == 2 && k % 2 == 1 ? null : FakeGrad(ps[j], k);
        }
    }

    public static Optimizer Make(string name, Tensor[] ps) => name switch
    {
        "sgd" => new Sgd(ps, lr: 0.1),
        "sgd_momentum" => new Sgd(ps, lr: 0.1, momentum: 0.9),
        "sgd_dampening_wd" => new Sgd(ps, lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.01),
        "sgd_nesterov_wd" => new Sgd(ps, lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1),
        "sgd_maximize" => new Sgd(ps, lr: 0.1, momentum: 0.5, maximize: true),
        "adam" => new Adam(ps, lr: 0.01),
        "adam_wd" => new Adam(ps, lr: 0.02, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1),
        "adam_amsgrad" => new Adam(ps, lr: 0.05, amsgrad: true),
        "adam_maximize" => new Adam(ps, lr: 0.01, weightDecay: 0.05, maximize: true),
        "adam_groups" => new Adam(
        [
            new ParamGroup<AdamOptions>([ps[0]], new AdamOptions { LearningRate = 0.01 }),
            new ParamGroup<AdamOptions>([ps[1], ps[2]], new AdamOptions { LearningRate = 0.05, WeightDecay = 0.1, Amsgrad = true }),
        ]),
        "adamw" => new AdamW(ps, lr: 0.01),
        "adamw_amsgrad" => new AdamW(ps, lr: 0.05, beta1: 0.5, beta2: 0.9, weightDecay: 0.2, amsgrad: true),
        "adamax" => new Adamax(ps, lr: 0.02),
        "adamax_wd_max" => new Adamax(ps, lr: 0.05, beta1: 0.7, beta2: 0.95, eps: 1e-3, weightDecay: 0.1, maximize: true),
        "rmsprop" => new RmsProp(ps, lr: 0.01),
        "rmsprop_centered" => new RmsProp(ps, lr: 0.01, alpha: 0.9, centered: true),
        "rmsprop_momentum_wd" => new RmsProp(ps, lr: 0.01, momentum: 0.5, weightDecay: 0.1),
        "rmsprop_all" => new RmsProp(ps, lr: 0.005, alpha: 0.95, eps: 1e-4, weightDecay: 0.01, momentum: 0.9, centered: true, maximize: true),
        _ => throw new ArgumentException($"Unknown case {name}"),
    };

    /// <summary>Asserts |a − e| ≤ rel·|e| + abs elementwise.</summary>
    public static void ShouldBeRelClose(double[] actual, double[] expected, double rel, double abs, string because = "")
    {
        actual.Length.Should().Be(expected.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                double.IsNaN(actual[i]).Should().BeTrue($"element {i} {because}");
                continue;
            }

            Math.Abs(actual[i] - expected[i]).Should().BeLessThanOrEqualTo(
                (rel * Math.Abs(expected[i])) + abs, $"element {i}: {actual[i]} vs {expected[i]} {because}");
        }
    }
}
