using Vae.Core;
using Vae.Core.Optim;

namespace Vae.Core.Tests;

/// <summary>Gradient clipping against PyTorch's clip_grad_norm_ / clip_grad_value_ (reference/optim_reference.py).</summary>
public sealed class ClipGradTests
{
    private static Tensor[] WithGrads(DType dtype)
    {
        var g = OptimReferenceData.ClipGrads;
        int[][] shapes = [[2, 3], [2], [1]];
        var ps = new Tensor[g.Length];
        for (int i = 0; i < g.Length; i++)
        {
            ps[i] = Tensor.Zeros(new Shape(shapes[i]), dtype).SetRequiresGrad();
            ps[i].Grad = Tensor.FromArray(g[i], shapes[i]).To(dtype);
        }

        return ps;
    }

    public static TheoryData<string> NormCases()
    {
        var d = new TheoryData<string>();
        foreach (var k in OptimReferenceData.ClipNorm.Keys)
        {
            d.Add(k);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(NormCases))]
    public void Norm_matches_pytorch(string name)
    {
        var (maxNorm, normType, total, grads) = OptimReferenceData.ClipNorm[name];
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            double tol = dtype == DType.Float64 ? 1e-12 : 1e-6;
            var ps = WithGrads(dtype);
            var extra = Tensor.Zeros(new Shape(3), dtype).SetRequiresGrad(); // no grad: ignored
            double result = ClipGrad.Norm(ps.Append(extra), maxNorm, normType);
            result.Should().BeApproximately(total, tol * total, $"{name} {dtype}");
            for (int i = 0; i < ps.Length; i++)
            {
                OptimTestUtil.ShouldBeRelClose(ps[i].Grad!.ToDoubleArray(), grads[i], tol, tol, $"{name} {dtype} grad {i}");
            }

            extra.Grad.Should().BeNull();
        }
    }

    [Fact]
    public void Value_matches_pytorch()
    {
        var ps = WithGrads(DType.Float32);
        ClipGrad.Value(ps, 1.2);
        for (int i = 0; i < ps.Length; i++)
        {
            OptimTestUtil.ShouldBeRelClose(ps[i].Grad!.ToDoubleArray(), OptimReferenceData.ClipValue[i], 1e-7, 1e-7);
        }
    }

    [Fact]
    public void Gradients_sharing_storage_are_scaled_once()
    {
        // y = a + b gives both leaves the same gradient tensor.
        var a = Tensor.FromArray([0.0, 0.0]).SetRequiresGrad();
        var b = Tensor.FromArray([0.0, 0.0]).SetRequiresGrad();
        (a + b).Backward(Tensor.FromArray([3.0, 4.0]));
        double total = ClipGrad.Norm([a, b], maxNorm: 1.0);
        total.Should().BeApproximately(Math.Sqrt(50), 1e-12);
        double coef = 1.0 / (Math.Sqrt(50) + 1e-6);
        a.Grad!.ShouldBeClose([3 * coef, 4 * coef], 1e-12);
        b.Grad!.ShouldBeClose([3 * coef, 4 * coef], 1e-12);
    }

    [Fact]
    public void Edge_cases()
    {
        ClipGrad.Norm([Tensor.Zeros(2).SetRequiresGrad()], 1.0).Should().Be(0, "no gradients");
        var p = Tensor.FromArray([1.0, double.NaN]).SetRequiresGrad();
        p.Grad = Tensor.FromArray([1.0, double.NaN]);
        ((Action)(() => ClipGrad.Norm([p], 1.0, errorIfNonfinite: true))).Should().Throw<InvalidOperationException>().WithMessage("*non-finite*");
        double.IsNaN(ClipGrad.Norm([p], 1.0)).Should().BeTrue();
        double.IsNaN(p.Grad!.ToDoubleArray()[0]).Should().BeTrue("like PyTorch, a NaN norm scales by NaN");
        ((Action)(() => ClipGrad.Norm([p], 1.0, normType: 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => ClipGrad.Value([p], -1))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
