using Vae.Core;
using Vae.Core.Data;
using Vae.Models;
using Vae.Models.Evaluation;

namespace Vae.Models.Tests;

public sealed class ImportanceSamplingTests
{
    [Fact]
    public void With_the_exact_posterior_every_sample_gives_the_analytic_log_marginal()
    {
        // With q(z|x) = p(z|x) each importance weight equals p(x), so the estimate is exact for any k.
        var m = new LinearGaussianModel();
        var x = LinearGaussianModel.SampleData(16, seed: 3);
        var exact = LinearGaussianModel.ExactLogMarginal(x);
        foreach (int k in (int[])[1, 37])
        {
            var estimate = ImportanceSampling.LogLikelihood(m.Encoder, m.Decoder, m.Prior, x, k, new Generator(5), chunkSize: 10);
            estimate.Should().HaveCount(16);
            for (int i = 0; i < 16; i++)
            {
                estimate[i].Should().BeApproximately(exact[i], 1e-9, $"example {i}, k = {k}");
            }
        }
    }

    [Fact]
    public void With_a_poor_posterior_the_estimate_rises_towards_the_analytic_log_marginal_as_k_grows()
    {
        var m = new LinearGaussianModel(meanShift: 1.0, varianceScale: 4.0);
        var x = LinearGaussianModel.SampleData(24, seed: 4);
        double exact = LinearGaussianModel.ExactLogMarginal(x).Average();
        double Mean(int k) => ImportanceSampling.LogLikelihood(m.Model, x, k, new Generator(6)).Average();
        double k1 = Mean(1), k50 = Mean(50), k5000 = Mean(5000);

        // The ELBO of this q (means off by ~4 posterior sds, variances 4× too wide: light-tailed weights) is far below
        // log p(x); the bound tightens with k and reaches log p(x) at k = 5000.
        (exact - k1).Should().BeGreaterThan(5);
        k50.Should().BeGreaterThan(k1, $"k1 {k1}, k50 {k50}, k5000 {k5000}, exact {exact}");
        k5000.Should().BeGreaterThan(k50);
        k5000.Should().BeApproximately(exact, 0.03, $"k1 {k1}, k50 {k50}, k5000 {k5000}, exact {exact}");
    }

    [Fact]
    public void Estimate_is_at_least_the_elbo_tightens_with_k_and_k1_matches_the_elbo()
    {
        var (vae, x) = BernoulliSetup();
        var elbo = ElboEvaluator.Evaluate(vae, x, new Generator(11), samples: 200);
        double meanElbo = elbo.Elbo;
        var k1 = ImportanceSampling.LogLikelihood(vae, x, 1, new Generator(12));
        var k50 = ImportanceSampling.LogLikelihood(vae, x, 50, new Generator(13));
        var k5000 = ImportanceSampling.LogLikelihood(vae, x, 5000, new Generator(14), chunkSize: 250);

        // k = 1 is an unbiased single-sample ELBO estimate: its batch mean agrees with the 200-sample ELBO within MC noise.
        double sd = Math.Sqrt(k1.Select(v => (v - k1.Average()) * (v - k1.Average())).Sum() / (k1.Length - 1));
        k1.Average().Should().BeApproximately(meanElbo, 4 * sd / Math.Sqrt(k1.Length));
        k50.Average().Should().BeGreaterThan(k1.Average());
        k5000.Average().Should().BeGreaterThan(k50.Average());
        (k5000.Average() - meanElbo).Should().BeGreaterThan(0.5, "the encoder is deliberately poor, so the bound is loose");

        // Per example the k = 5000 estimate is above that example's (200-sample) ELBO; the gaps here exceed 1 nat,
        // far beyond the MC noise of either estimate.
        for (int i = 0; i < k5000.Length; i++)
        {
            k5000[i].Should().BeGreaterThan(-elbo.NegativeElboPerExample[i], $"example {i}");
        }
    }

    [Fact]
    public void Chunking_changes_nothing_but_memory()
    {
        var (vae, x) = BernoulliSetup();
        var one = ImportanceSampling.LogLikelihood(vae, x, 300, new Generator(21), chunkSize: 300);
        var many = ImportanceSampling.LogLikelihood(vae, x, 300, new Generator(21), chunkSize: 7);
        for (int i = 0; i < one.Length; i++)
        {
            many[i].Should().BeApproximately(one[i], 1e-4);
        }
    }

    [Fact]
    public void Dataset_evaluation_concatenates_batches_reports_progress_and_nll()
    {
        var (vae, x) = BernoulliSetup();
        var reports = new List<int>();
        var progress = new SynchronousProgress(reports.Add);
        var result = ImportanceSampling.Evaluate(vae, new DataLoader(new TensorDataset(x), 20), 40, new Generator(3), progress: progress);
        result.Count.Should().Be(x.Shape[0]);
        result.Samples.Should().Be(40);
        result.Nll.Should().BeApproximately(-result.PerExample.Average(), 1e-12);
        result.StandardError.Should().BeGreaterThan(0);
        reports.Should().Equal(20, 40, 48);
        vae.Training.Should().BeTrue("the model's mode is restored");
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        var (vae, x) = BernoulliSetup();
        var g = new Generator(0);
        FluentActions.Invoking(() => ImportanceSampling.LogLikelihood(vae, x, 0, g)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => ImportanceSampling.LogLikelihood(vae, x, 5, g, chunkSize: 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => ImportanceSampling.LogLikelihood(vae, Tensor.Zeros(new Shape(3, 7)), 5, g)).Should().Throw<ArgumentException>().WithMessage("*[3, 7]*");
    }

    /// <summary>A small Bernoulli VAE whose posterior is made too narrow (log σ² bias −3), and 48 binary examples.</summary>
    internal static (VariationalAutoencoder Vae, Tensor X) BernoulliSetup()
    {
        var g = new Generator(2);
        var vae = VariationalAutoencoder.Mlp(12, [16], 3, g);
        var x = Tensor.Bernoulli(new Shape(48, 12), 0.3, new Generator(9));
        using (Autograd.NoGrad())
        {
            var last = vae.Encoder.Parameters().Last(); // bias of the final layer: μ then log σ²
            var bias = last.ToArray();
            for (int i = 3; i < 6; i++)
            {
                bias[i] = -3;
            }

            last.CopyFrom(Tensor.FromArray(bias, 6));
        }

        return (vae, x);
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
