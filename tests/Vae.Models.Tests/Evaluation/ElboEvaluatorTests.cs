using Vae.Core;
using Vae.Core.Data;
using Vae.Models;
using Vae.Models.Evaluation;

namespace Vae.Models.Tests;

public sealed class ElboEvaluatorTests
{
    [Fact]
    public void Terms_are_per_example_means_of_the_models_elbo()
    {
        var (vae, x) = ImportanceSamplingTests.BernoulliSetup();
        var result = ElboEvaluator.Evaluate(vae, new DataLoader(new TensorDataset(x), 20), new Generator(4));

        // Same draws as calling Elbo batch by batch with the same generator.
        var g = new Generator(4);
        var ll = new List<double>();
        var kl = new List<double>();
        for (int start = 0; start < 48; start += 20)
        {
            var t = vae.Elbo(x.Narrow(0, start, Math.Min(20, 48 - start)), g);
            ll.AddRange(t.LogLikelihood.ToDoubleArray());
            kl.AddRange(t.Kl.ToDoubleArray());
        }

        result.Count.Should().Be(48);
        result.Samples.Should().Be(1);
        result.Reconstruction.Should().BeApproximately(-ll.Average(), 1e-9);
        result.Kl.Should().BeApproximately(kl.Average(), 1e-9);
        result.NegativeElbo.Should().BeApproximately(result.Reconstruction + result.Kl, 1e-12);
        result.NegativeElboPerExample[5].Should().BeApproximately(kl[5] - ll[5], 1e-9);
        result.ToMetrics()["neg_elbo"].Should().Be(result.NegativeElbo);
        vae.Training.Should().BeTrue();
    }

    [Fact]
    public void More_samples_reduce_the_spread_of_the_estimate_around_the_same_value()
    {
        var (vae, x) = ImportanceSamplingTests.BernoulliSetup();
        var single = Enumerable.Range(0, 6).Select(s => ElboEvaluator.Evaluate(vae, x, new Generator((ulong)s)).NegativeElbo).ToArray();
        var many = Enumerable.Range(0, 6).Select(s => ElboEvaluator.Evaluate(vae, x, new Generator((ulong)s), samples: 16).NegativeElbo).ToArray();
        double Spread(double[] v) => v.Max() - v.Min();
        Spread(many).Should().BeLessThan(Spread(single));
        many.Average().Should().BeApproximately(single.Average(), 3 * Spread(single));
    }

    [Fact]
    public void Beta_does_not_change_the_elbo()
    {
        var (vae, x) = ImportanceSamplingTests.BernoulliSetup();
        var plain = ElboEvaluator.Evaluate(vae, x, new Generator(4));
        vae.Beta = 5;
        ElboEvaluator.Evaluate(vae, x, new Generator(4)).NegativeElbo.Should().Be(plain.NegativeElbo);
    }

    [Fact]
    public void Autoencoder_reconstruction_loss_is_the_mean_of_its_loss_over_batches()
    {
        var ae = Autoencoder.Mlp(12, [8], 3, new Generator(1));
        var x = Tensor.Bernoulli(new Shape(30, 12), 0.4, new Generator(2));
        double expected;
        using (Autograd.NoGrad())
        {
            expected = ae.Loss(x).Item();
        }

        ElboEvaluator.ReconstructionLoss(ae, x, batchSize: 7).Should().BeApproximately(expected, 1e-4);
    }

    [Fact]
    public void Empty_data_and_bad_sample_counts_throw()
    {
        var (vae, x) = ImportanceSamplingTests.BernoulliSetup();
        FluentActions.Invoking(() => ElboEvaluator.Evaluate(vae, x, new Generator(0), samples: 0)).Should().Throw<ArgumentOutOfRangeException>();
        var empty = new DataLoader(new TensorDataset(x), 100, dropLast: true);
        FluentActions.Invoking(() => ElboEvaluator.Evaluate(vae, empty, new Generator(0))).Should().Throw<ArgumentException>().WithMessage("*no examples*");
    }
}
