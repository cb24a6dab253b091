using Vae.Core;
using Vae.Models.Evaluation;

namespace Vae.Models.Tests;

public sealed class MlpClassifierTests
{
    [Fact]
    public void Report_counts_per_class_accuracy_and_confusions()
    {
        var report = ClassificationReport.FromPredictions([0, 0, 1, 1, 1, 3], [0, 1, 1, 1, 0, 3], 4);
        report.Count.Should().Be(6);
        report.Accuracy.Should().BeApproximately(4.0 / 6, 1e-12);
        report.ClassAccuracy[0].Should().Be(0.5);
        report.ClassAccuracy[1].Should().BeApproximately(2.0 / 3, 1e-12);
        double.IsNaN(report.ClassAccuracy[2]).Should().BeTrue();
        report.ClassAccuracy[3].Should().Be(1);
        report.ClassCounts.Should().Equal(2, 3, 0, 1);
        report.Confusion(1, 0).Should().Be(1);
        report.Confusion(0, 1).Should().Be(1);

        var bad = () => ClassificationReport.FromPredictions([0, 4], [0, 1], 4);
        bad.Should().Throw<ArgumentException>().WithMessage("*entry 1*true class 4*[0, 4)*");
        var lengths = () => ClassificationReport.FromPredictions([0], [0, 1], 4);
        lengths.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Classifier_learns_separable_clusters_and_evaluates_them()
    {
        // Three Gaussian blobs in 5-D, far apart: a few epochs must classify them perfectly.
        var g = new Generator(1);
        int n = 300;
        var labels = new float[n];
        var x = Tensor.Randn(new Shape(n, 5), g) * 0.3;
        var centres = Tensor.Randn(new Shape(3, 5), new Generator(2)) * 3.0;
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 3;
        }

        var y = Tensor.FromArray(labels, n);
        x = x + centres.IndexSelect(0, y);
        var classifier = new MlpClassifier(5, 3, new Generator(3), hidden: [16]);
        var losses = classifier.Fit(x, y, new Generator(4), epochs: 5, batchSize: 32, learningRate: 1e-2);
        losses[^1].Should().BeLessThan(losses[0]);
        classifier.Predict(x, batchSize: 64).Shape.ToArray().Should().Equal(n);
        var report = classifier.Evaluate(x, y);
        report.Accuracy.Should().Be(1.0);
        report.ClassCounts.Should().Equal(100, 100, 100);

        var wrong = () => classifier.Forward(Tensor.Zeros(new Shape(2, 4)));
        wrong.Should().Throw<ArgumentException>().WithMessage("*[N, 5]*[2, 4]*");
        var badLabel = () => classifier.Evaluate(x.Narrow(0, 0, 2), Tensor.FromArray(new float[] { 0, 3 }, 2));
        badLabel.Should().Throw<ArgumentException>().WithMessage("*label 3*[0, 3)*");
    }
}
