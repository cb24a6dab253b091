using Vae.Core;
using Vae.Models.Evaluation;

namespace Vae.Models.Tests;

public sealed class TwoSampleTests
{
    private static Tensor Gaussian(int n, ulong seed, double shift = 0) =>
        (Tensor.Randn(new Shape(n, 2), new Generator(seed)) + shift).Float();

    [Fact]
    public void Mmd_matches_the_closed_form_on_a_tiny_example()
    {
        // x = {0, 1}, y = {3} in 1-D, σ = 1: k(a, b) = exp(-(a - b)² / 2).
        var x = Tensor.FromArray(new double[] { 0, 1 }, [2, 1]);
        var y = Tensor.FromArray(new double[] { 3 }, [1, 1]);
        double k(double a, double b) => Math.Exp(-(a - b) * (a - b) / 2);
        double kxx = (k(0, 0) + k(1, 1) + (2 * k(0, 1))) / 4;
        double kxy = (k(0, 3) + k(1, 3)) / 2;
        var biased = TwoSample.Mmd(x, y, bandwidth: 1);
        biased.Squared.Should().BeApproximately(kxx + 1 - (2 * kxy), 1e-14);
        biased.Bandwidth.Should().Be(1);
        biased.Value.Should().BeApproximately(Math.Sqrt(biased.Squared), 1e-15);

        // Unbiased: within-sample means without i = j.
        var y2 = Tensor.FromArray(new double[] { 3, 5 }, [2, 1]);
        double uxx = k(0, 1);
        double uyy = k(3, 5);
        double uxy = (k(0, 3) + k(0, 5) + k(1, 3) + k(1, 5)) / 4;
        TwoSample.Mmd(x, y2, bandwidth: 1, unbiased: true).Squared.Should().BeApproximately(uxx + uyy - (2 * uxy), 1e-14);
    }

    [Fact]
    public void Median_heuristic_is_the_median_pairwise_distance_of_the_pool()
    {
        // Pool {0, 1, 3}: distances 1, 3, 2 → 2. Pool {0, 1, 3, 7}: 1, 3, 7, 2, 6, 4 → (3 + 4) / 2.
        var x = Tensor.FromArray(new double[] { 0, 1 }, [2, 1]);
        TwoSample.MedianHeuristicBandwidth(x, Tensor.FromArray(new double[] { 3 }, [1, 1])).Should().Be(2);
        TwoSample.MedianHeuristicBandwidth(x, Tensor.FromArray(new double[] { 3, 7 }, [2, 1])).Should().Be(3.5);
        TwoSample.Mmd(x, Tensor.FromArray(new double[] { 3 }, [1, 1])).Bandwidth.Should().Be(2);
        TwoSample.MedianHeuristicBandwidth(Tensor.Zeros(new Shape(3, 2)), Tensor.Zeros(new Shape(2, 2))).Should().Be(1, "all-zero distances fall back to 1");

        // Random samples: the quickselect median equals the sorted one.
        var a = Gaussian(50, 1);
        var b = Gaussian(30, 2, 1);
        var pool = a.ToDoubleArray().Concat(b.ToDoubleArray()).ToArray();
        var d = new List<double>();
        for (int i = 0; i < 80; i++)
        {
            for (int j = i + 1; j < 80; j++)
            {
                d.Add(Math.Sqrt(Math.Pow(pool[2 * i] - pool[2 * j], 2) + Math.Pow(pool[(2 * i) + 1] - pool[(2 * j) + 1], 2)));
            }
        }

        d.Sort();
        double expected = (d[(d.Count / 2) - 1] + d[d.Count / 2]) / 2;
        TwoSample.MedianHeuristicBandwidth(a, b).Should().BeApproximately(expected, 1e-6);
    }

    [Fact]
    public void Mmd_of_identical_samples_is_zero_and_grows_with_a_mean_shift()
    {
        var x = Gaussian(200, 1);
        TwoSample.Mmd(x, x).Squared.Should().BeApproximately(0, 1e-12);

        // Same distribution, independent samples: small; then monotone in the shift.
        var values = new[] { 0.0, 0.25, 0.5, 1.0, 2.0 }.Select(s => TwoSample.Mmd(x, Gaussian(200, 2, s)).Squared).ToArray();
        values[0].Should().BeLessThan(0.01);
        values.Should().BeInAscendingOrder();
        values[^1].Should().BeGreaterThan(0.3);

        // The unbiased estimate is centred on 0 for equal distributions.
        Math.Abs(TwoSample.Mmd(x, Gaussian(200, 3), unbiased: true).Squared).Should().BeLessThan(0.005);
    }

    [Fact]
    public void Mmd_validates_its_inputs()
    {
        var x = Gaussian(4, 1);
        FluentActions.Invoking(() => TwoSample.Mmd(x, Tensor.Zeros(new Shape(4, 3)))).Should().Throw<ArgumentException>().WithMessage("*[4, 2]*[4, 3]*");
        FluentActions.Invoking(() => TwoSample.Mmd(x, x, bandwidth: 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => TwoSample.Mmd(x, Gaussian(1, 2), unbiased: true)).Should().Throw<ArgumentException>();
    }
}
