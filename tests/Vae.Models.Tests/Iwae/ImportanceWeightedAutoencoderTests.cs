using Vae.Core;
using Vae.Distributions;
using Vae.Models;

namespace Vae.Models.Tests;

public sealed class ImportanceWeightedAutoencoderTests
{
    private static Tensor BinaryImages(int n, int d, ulong seed) => Tensor.Rand(new Shape(n, d), new Generator(seed)).Bernoulli(new Generator(seed + 100));

    [Fact]
    public void Log_weights_are_sample_major_and_the_loss_is_the_negative_mean_bound()
    {
        var iwae = ImportanceWeightedAutoencoder.Mlp(12, [8], 3, 7, new Generator(1), activation: Activation.Tanh);
        var x = BinaryImages(5, 12, 2);
        var terms = iwae.LogWeights(x, new Generator(3));
        terms.Samples.Should().Be(7);
        terms.LogWeights.Shape.ToArray().Should().Equal(7, 5);
        terms.Z.Shape.ToArray().Should().Equal(7, 5, 3);
        terms.Bound.Shape.ToArray().Should().Equal(5);

        // log-mean-exp by hand, in double precision.
        var lw = terms.LogWeights.ToDoubleArray();
        var bound = terms.Bound.ToDoubleArray();
        for (int i = 0; i < 5; i++)
        {
            double m = Enumerable.Range(0, 7).Max(j => lw[(j * 5) + i]);
            double lme = m + Math.Log(Enumerable.Range(0, 7).Sum(j => Math.Exp(lw[(j * 5) + i] - m)) / 7);
            bound[i].Should().BeApproximately(lme, 1e-4);
        }

        iwae.Loss(x, new Generator(3)).Item().Should().BeApproximately(-bound.Average(), 1e-4);
        var ess = terms.EffectiveSampleSize().ToDoubleArray();
        ess.Should().OnlyContain(v => v >= 1 - 1e-4 && v <= 7 + 1e-4);
    }

    [Fact]
    public void With_one_sample_the_bound_is_the_single_sample_elbo_for_the_same_noise()
    {
        var iwae = ImportanceWeightedAutoencoder.Mlp(12, [8], 3, 1, new Generator(4), activation: Activation.Tanh);
        var vae = new VariationalAutoencoder(iwae.Encoder, iwae.Decoder, iwae.Prior);
        var x = BinaryImages(6, 12, 5);

        var elbo = vae.Elbo(x, new Generator(9));   // analytic KL: the generator only draws z
        var terms = iwae.LogWeights(x, new Generator(9));
        terms.Z.Reshape(6, 3).ToArray().Should().Equal(elbo.Z.ToArray());
        var singleSample = elbo.LogLikelihood + iwae.Prior.Distribution().LogProb(elbo.Z) - elbo.Posterior.LogProb(elbo.Z);
        terms.Bound.ToArray().Should().Equal(singleSample.ToArray());

        // Its mean over many draws is the analytic ELBO (same expectation).
        var many = Tensor.Concat([.. Enumerable.Repeat(x, 400)], 0);
        double mcElbo = iwae.Bound(many, new Generator(11)).Mean().Item();
        double analytic = vae.Elbo(x, new Generator(12)).Kl.Neg().Mean().Item()
            + Enumerable.Range(0, 50).Average(s => vae.Elbo(x, new Generator(100 + (ulong)s)).LogLikelihood.Mean().Item());
        mcElbo.Should().BeApproximately(analytic, 0.1);
    }

    [Fact]
    public void Bound_increases_with_k_towards_the_log_likelihood_found_by_quadrature()
    {
        // One latent dimension, so log p(x) = log ∫ p(x|z) N(z; 0, 1) dz can be computed on a grid.
        var iwae = ImportanceWeightedAutoencoder.Mlp(10, [16], 1, 1, new Generator(21), activation: Activation.Tanh);
        var x = BinaryImages(8, 10, 22);

        const int grid = 1601;
        const double lo = -8, hi = 8;
        double dz = (hi - lo) / (grid - 1);
        var zGrid = Tensor.Linspace(lo, hi, grid).Reshape(grid, 1, 1);
        var joint = iwae.Decode(zGrid).LogProb(x) + iwae.Prior.Distribution().LogProb(zGrid);   // [grid, 8]
        var logPx = joint.Double().LogSumExp(0) + Math.Log(dz);
        double exact = logPx.Mean().Item();

        var replicated = Tensor.Concat([.. Enumerable.Repeat(x, 25)], 0);   // 200 rows, averages the noise
        double l1 = iwae.Bound(replicated, new Generator(1), 1).Mean().Item();
        double l5 = iwae.Bound(replicated, new Generator(2), 5).Mean().Item();
        double l50 = iwae.Bound(replicated, new Generator(3), 50).Mean().Item();
        double l1000 = iwae.Bound(x, new Generator(4), 1000).Mean().Item();

        l1.Should().BeLessThan(l5);
        l5.Should().BeLessThan(l50);
        l50.Should().BeLessThan(exact + 0.01);
        l1000.Should().BeApproximately(exact, 0.01);   // seen: L1 −7.026, L5 −6.908, L50 −6.870, L1000 −6.863, exact −6.865
    }

    [Fact]
    public void Gradients_reach_every_parameter()
    {
        var iwae = ImportanceWeightedAutoencoder.Mlp(12, [8], 3, 5, new Generator(1));
        iwae.Loss(BinaryImages(4, 12, 2), new Generator(3)).Backward();
        foreach (var (name, p) in iwae.NamedParameters())
        {
            p.Grad.Should().NotBeNull(name);
            p.Grad!.ToArray().Should().Contain(v => v != 0, name);
        }

        iwae.NamedParameters().Select(p => p.Name).Should().Contain("encoder.body.layers.0.weight").And.Contain("decoder.body.layers.1.bias");
    }

    [Fact]
    public void Model_api_and_validation()
    {
        var iwae = ImportanceWeightedAutoencoder.Mlp(12, [8], 3, 5, new Generator(1));
        iwae.LatentDim.Should().Be(3);
        iwae.Sample(4, new Generator(2)).Shape.ToArray().Should().Equal(4, 12);
        iwae.EncodeMean(BinaryImages(2, 12, 3)).Shape.ToArray().Should().Equal(2, 3);
        FluentActions.Invoking(() => iwae.Samples = 0).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => iwae.Bound(BinaryImages(2, 12, 3), new Generator(1), 0)).Should().Throw<ArgumentOutOfRangeException>();
        var g = new Generator(5);
        FluentActions.Invoking(() => new ImportanceWeightedAutoencoder(
                GaussianEncoder.Mlp(12, [8], 3, Activation.Relu, g), LikelihoodDecoder.Mlp(3, [8], 12, Likelihood.Bernoulli, Activation.Relu, g), new StandardNormalPrior(2)))
            .Should().Throw<ArgumentException>().WithMessage("*2 dimensions*3*");
    }
}
