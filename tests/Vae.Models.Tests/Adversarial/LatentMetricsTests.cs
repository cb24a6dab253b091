using Vae.Core;
using Vae.Distributions;
using Vae.Models.Evaluation;

namespace Vae.Models.Tests;

public sealed class LatentMetricsTests
{
    private static Tensor Shift(Tensor labels, int by) =>
        Tensor.FromArray(labels.ToArray().Select(v => (float)((v + by) % 10)).ToArray(), labels.Shape.ToArray());

    [Fact]
    public void Nearest_component_accuracy_of_labelled_mixture_samples_is_about_one()
    {
        var mixture = GaussianMixture.OnCircle(10, 4.0, 0.3, 0.1);
        var (z, labels) = mixture.SampleWithLabels(2000, new Generator(1));
        LatentMetrics.NearestComponentAccuracy(z, labels, mixture).Should().BeGreaterThan(0.99);

        // Shuffled labels: about chance (1/10).
        var shifted = Shift(labels, 3);
        LatentMetrics.NearestComponentAccuracy(z, shifted, mixture).Should().BeLessThan(0.05);
    }

    [Fact]
    public void Nearest_component_is_the_argmin_distance()
    {
        var means = Tensor.FromArray(new float[] { 0, 0, 10, 0, 0, 10 }, [3, 2]);
        var codes = Tensor.FromArray(new float[] { 1, 1, 9, -1, 4, 6, 6, 4 }, [4, 2]);
        LatentMetrics.NearestComponent(codes, means).Should().Equal(0, 1, 2, 1);
        LatentMetrics.NearestComponentAccuracy(codes, Tensor.FromArray(new float[] { 0, 1, 2, 2 }, [4]), means).Should().Be(0.75);
        FluentActions.Invoking(() => LatentMetrics.NearestComponentAccuracy(codes, Tensor.FromArray(new float[] { 0, 1, 2, 3 }, [4]), means))
            .Should().Throw<ArgumentException>().WithMessage("*label 3*[0, 3)*");
    }

    [Fact]
    public void Mean_nearest_distance_is_small_on_the_roll_and_large_off_it()
    {
        var roll = SwissRoll.AdversarialAutoencoderPrior();
        var reference = roll.Sample(new Shape(5000), new Generator(1));
        double onRoll = LatentMetrics.MeanNearestDistance(roll.Sample(new Shape(500), new Generator(2)), reference);
        double normal = LatentMetrics.MeanNearestDistance(Tensor.Randn(new Shape(500, 2), new Generator(3)), reference);
        onRoll.Should().BeLessThan(0.02);
        normal.Should().BeGreaterThan(5 * onRoll);

        var exact = LatentMetrics.MeanNearestDistance(
            Tensor.FromArray(new float[] { 0, 0, 3, 4 }, [2, 2]), Tensor.FromArray(new float[] { 0, 1, 0, 4 }, [2, 2]));
        exact.Should().BeApproximately((1 + 3) / 2.0, 1e-12);
    }

    [Fact]
    public void Nearest_neighbour_label_accuracy_checks_the_segment()
    {
        var roll = SwissRoll.AdversarialAutoencoderPrior();
        var (reference, referenceLabels) = roll.SampleWithLabels(5000, new Generator(1));
        var (codes, labels) = roll.SampleWithLabels(500, new Generator(2));
        LatentMetrics.NearestNeighbourLabelAccuracy(codes, labels, reference, referenceLabels).Should().BeGreaterThan(0.97);
        var wrong = Shift(labels, 5);
        LatentMetrics.NearestNeighbourLabelAccuracy(codes, wrong, reference, referenceLabels).Should().BeLessThan(0.03);
    }
}
