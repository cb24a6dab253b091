using Vae.Core;

namespace Vae.Core.Tests;

/// <summary>Shared helpers for tests: seeded float64 inputs and gradient-check assertions.</summary>
internal static class TestUtil
{
    public static Tensor RandnD(Generator g, params int[] shape) => Tensor.Randn(new Shape(shape), g, DType.Float64);

    /// <summary>Asserts first-order finite-difference agreement.</summary>
    public static void AssertGrad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs);
        r.Passed.Should().BeTrue(r.Message);
    }

    /// <summary>Asserts second-order (gradient of a gradient) finite-difference agreement.</summary>
    public static void AssertGradGrad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.CheckSecondOrder(f, inputs, atol: 1e-4, rtol: 1e-3);
        r.Passed.Should().BeTrue(r.Message);
    }

    public static void ShouldBeClose(this Tensor actual, double[] expected, double tol = 1e-6)
    {
        var a = actual.ToDoubleArray();
        a.Length.Should().Be(expected.Length);
        for (int i = 0; i < a.Length; i++)
        {
            a[i].Should().BeApproximately(expected[i], tol, $"element {i}");
        }
    }
}
