using Vae.Core;
using Vae.Distributions;

namespace Vae.Distributions.Tests;

public class SwissRollTests
{
    /// <summary>Position u along a noiseless roll from a point's radius: r = r₀ + (R − r₀)·√u.</summary>
    private static double Position(SwissRoll roll, double x, double y)
    {
        double t = (Math.Sqrt((x * x) + (y * y)) - roll.MinRadius) / (roll.MaxRadius - roll.MinRadius);
        return t * t;
    }

    [Fact]
    public void Labels_partition_the_roll_in_order_along_its_length()
    {
        var roll = SwissRoll.AdversarialAutoencoderPrior(DType.Float64);
        roll.NumClasses.Should().Be(10);
        roll.EventShape.Should().Equal(2);
        var (x, labels) = roll.SampleWithLabels(new Shape(5000), new Generator(1));
        x.Shape.Should().Equal(5000, 2);
        labels.Shape.Should().Equal(5000);
        var xv = x.ToDoubleArray();
        var lv = labels.ToDoubleArray();
        var meanPosition = new double[10];
        var counts = new long[10];
        for (int i = 0; i < 5000; i++)
        {
            double u = Position(roll, xv[2 * i], xv[(2 * i) + 1]);
            int y = (int)lv[i];
            Math.Floor(u * 10).Should().Be(y, $"sample {i} at position {u}");

            // The angle agrees with the position: θ = 4π√u (mod 2π).
            double theta = 4 * Math.PI * Math.Sqrt(u);
            Math.IEEERemainder(Math.Atan2(xv[(2 * i) + 1], xv[2 * i]) - theta, 2 * Math.PI).Should().BeApproximately(0, 1e-9);
            meanPosition[y] += u;
            counts[y]++;
        }

        for (int c = 0; c < 10; c++)
        {
            meanPosition[c] /= counts[c];
        }

        meanPosition.Should().BeInAscendingOrder();

        // Uniform classes: chi-square at level 0.001 with 9 degrees of freedom (critical value 27.88), seed 1.
        MixtureTestUtil.AssertFrequencies(counts, Enumerable.Repeat(0.1, 10).ToArray());
    }

    [Fact]
    public void Positions_are_uniform_within_a_class_segment_kolmogorov_smirnov()
    {
        // 4000 points of class 6 of a 7-class roll with a non-zero inner radius; KS at level 0.001 (D < 1.949/√n).
        var roll = new SwissRoll(numClasses: 7, maxRadius: 5, turns: 1.5, minRadius: 1, dtype: DType.Float64);
        var (x, labels) = roll.SampleWithLabels(4000, new Generator(2), label: 6);
        labels.ToDoubleArray().Should().OnlyContain(v => v == 6);
        var xv = x.ToDoubleArray();
        var v = Enumerable.Range(0, 4000).Select(i => (Position(roll, xv[2 * i], xv[(2 * i) + 1]) * 7) - 6).ToArray();
        v.Should().OnlyContain(e => e >= -1e-9 && e < 1 + 1e-9);
        MixtureTestUtil.KolmogorovSmirnov(v, u => Math.Clamp(u, 0, 1)).Should().BeLessThan(MixtureTestUtil.KolmogorovSmirnovCritical(4000));
    }

    [Fact]
    public void PointAt_traces_the_centre_line()
    {
        var roll = SwissRoll.AdversarialAutoencoderPrior(DType.Float64);
        var p = roll.PointAt(Tensor.FromArray(new double[] { 0, 0.25, 1 }, 3));
        p.Shape.Should().Equal(3, 2);

        // u = 0.25: r = 3·0.5, θ = 4π·0.5 = 2π → (1.5, 0); u = 1: r = 3, θ = 4π → (3, 0).
        p.ShouldBeCloseTo([0, 0, 1.5, 0, 3, 0], 1e-12);
    }

    [Fact]
    public void Width_and_noise_spread_points_around_the_centre_line()
    {
        var banded = new SwissRoll(width: 0.4, dtype: DType.Float64);
        var (x, labels) = banded.SampleWithLabels(new Shape(2000), new Generator(3));
        var centre = new SwissRoll(dtype: DType.Float64);
        var xv = x.ToDoubleArray();
        var lab = labels.ToDoubleArray();
        double maxOffset = 0;
        for (int i = 0; i < 2000; i++)
        {
            // The band offset is radial: the angle fixes t = √u (θ = 4πt, two turns; the candidate closest to r/3 is
            // unambiguous because the turns are 1.5 apart in radius) and the radius deviates from 3t by at most width/2.
            double r = Math.Sqrt((xv[2 * i] * xv[2 * i]) + (xv[(2 * i) + 1] * xv[(2 * i) + 1]));
            if (r < 0.5)
            {
                continue; // near the centre a negative radius 3t − w/2 reflects the point through the origin
            }

            double phi = Math.Atan2(xv[(2 * i) + 1], xv[2 * i]);
            phi = phi < 0 ? phi + (2 * Math.PI) : phi;
            double t0 = phi / (4 * Math.PI), t1 = t0 + 0.5;
            double t = Math.Abs((3 * t0) - r) < Math.Abs((3 * t1) - r) ? t0 : t1;
            double offset = r - (3 * t);
            Math.Abs(offset).Should().BeLessThanOrEqualTo(0.2 + 1e-12);
            Math.Floor(t * t * 10).Should().Be(lab[i]);
            maxOffset = Math.Max(maxOffset, Math.Abs(offset));
        }

        maxOffset.Should().BeGreaterThan(0.19);

        var noisy = new SwissRoll(noise: 0.1, dtype: DType.Float64);
        var (xn, ln) = noisy.SampleWithLabels(new Shape(2000), new Generator(3));
        var (x0, l0) = centre.SampleWithLabels(new Shape(2000), new Generator(3));
        ln.ToArray().Should().NotBeEmpty();
        var diff = (xn - x0).ToDoubleArray();
        double sd = Math.Sqrt(diff.Select(e => e * e).Average());
        sd.Should().BeInRange(0.09, 0.11);
        ln.ToArray().Should().Equal(l0.ToArray());
    }

    [Fact]
    public void Same_seed_gives_same_bits_and_shapes_follow_the_labels()
    {
        var roll = new SwissRoll(noise: 0.05, width: 0.1);
        var a = roll.SampleWithLabels(new Shape(4, 8), new Generator(9));
        var b = roll.SampleWithLabels(new Shape(4, 8), new Generator(9));
        a.Samples.Shape.Should().Equal(4, 8, 2);
        a.Labels.Shape.Should().Equal(4, 8);
        a.Samples.ToArray().Should().Equal(b.Samples.ToArray());
        a.Labels.ToArray().Should().Equal(b.Labels.ToArray());
        roll.Sample(new Shape(4, 8), new Generator(9)).ToArray().Should().Equal(a.Samples.ToArray());
        roll.Sample(new Shape(4, 8), new Generator(10)).ToArray().Should().NotEqual(a.Samples.ToArray());

        var forLabels = roll.SampleForLabels(Tensor.FromArray(new double[] { 0, 9, 3, 3, 5, 1 }, 3, 2), new Generator(1));
        forLabels.Shape.Should().Equal(3, 2, 2);
        forLabels.DType.Should().Be(DType.Float32);
        ((Action)(() => roll.SampleForLabels(Tensor.FromArray(new float[] { 10 }, 1), new Generator(1)))).Should().Throw<ArgumentException>().WithMessage("*[0, 10)*");
    }

    [Fact]
    public void LogProb_throws_not_supported_with_a_helpful_message()
    {
        var roll = new SwissRoll();
        var act = () => roll.LogProb(Tensor.Zeros(3, 2));
        act.Should().Throw<NotSupportedException>().WithMessage("*sample-only*adversarial autoencoders*GaussianMixture*");
        ((Action)(() => KL.Divergence(roll, roll))).Should().Throw<NotSupportedException>();
        roll.HasRSample.Should().BeFalse();
    }

    [Fact]
    public void Invalid_parameters_throw()
    {
        ((Action)(() => _ = new SwissRoll(numClasses: 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new SwissRoll(maxRadius: 0))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*maxRadius*");
        ((Action)(() => _ = new SwissRoll(minRadius: 3))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*minRadius*");
        ((Action)(() => _ = new SwissRoll(noise: -1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new SwissRoll(turns: double.NaN))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => new SwissRoll().SampleWithLabels(3, new Generator(1), label: 10))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
