using Vae.Core;
using Vae.Distributions;
using Vae.Models;

namespace Vae.Models.Tests;

public sealed class VariationalAutoencoderTests
{
    private static Tensor Images(int n, int d, ulong seed) => Tensor.Rand(new Shape(n, d), new Generator(seed));

    [Fact]
    public void Elbo_terms_have_one_value_per_example_and_loss_is_their_mean()
    {
        var g = new Generator(1);
        var vae = VariationalAutoencoder.Mlp(12, [8], 3, g);
        var x = Images(5, 12, 2);
        var terms = vae.Elbo(x, new Generator(3));
        terms.LogLikelihood.Shape.ToArray().Should().Equal(5);
        terms.Kl.Shape.ToArray().Should().Equal(5);
        terms.Z.Shape.ToArray().Should().Equal(5, 3);
        terms.Kl.ToArray().Should().OnlyContain(v => v >= 0);

        var loss = vae.Loss(x, new Generator(3));
        loss.Reconstruction.Item().Should().BeApproximately(-terms.LogLikelihood.Mean().Item(), 1e-4);
        loss.Kl.Item().Should().BeApproximately(terms.Kl.Mean().Item(), 1e-5);
        loss.Total.Item().Should().BeApproximately(loss.NegativeElbo, 1e-3);
    }

    [Fact]
    public void Beta_scales_only_the_kl_term()
    {
        var vae = VariationalAutoencoder.Mlp(12, [8], 3, new Generator(1));
        var x = Images(4, 12, 2);
        var plain = vae.Loss(x, new Generator(5));
        vae.Beta = 4;
        var beta = vae.Loss(x, new Generator(5));
        beta.Total.Item().Should().BeApproximately(plain.Reconstruction.Item() + (4 * plain.Kl.Item()), 1e-3);
        var act = () => vae.Beta = -1;
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Monte_Carlo_kl_converges_to_the_analytic_kl()
    {
        var vae = VariationalAutoencoder.Mlp(6, [5], 2, new Generator(7));
        var q = vae.Encode(Images(3, 6, 8));
        var analytic = vae.Kl(q, new Generator(1)).ToDoubleArray();
        vae.KlEstimator = KlEstimator.MonteCarlo;
        vae.KlSamples = 20000;
        var mc = vae.Kl(q, new Generator(1)).ToDoubleArray();
        for (int i = 0; i < 3; i++)
        {
            mc[i].Should().BeApproximately(analytic[i], 0.03 + (0.03 * analytic[i]));
        }
    }

    [Fact]
    public void Mixture_prior_without_a_rule_uses_Monte_Carlo_in_auto_mode_and_throws_in_analytic_mode()
    {
        var g = new Generator(3);
        var prior = new DistributionPrior(GaussianMixture.OnCircle(10, 4, 1, 0.3));
        var vae = new VariationalAutoencoder(GaussianEncoder.Mlp(6, [5], 2, Activation.Relu, g), LikelihoodDecoder.Mlp(2, [5], 6, Likelihood.Bernoulli, Activation.Relu, g), prior);
        var x = Images(4, 6, 1);
        vae.Loss(x, g).Kl.Item().Should().BeGreaterThan(0);
        vae.KlEstimator = KlEstimator.Analytic;
        var act = () => vae.Loss(x, g);
        act.Should().Throw<NotSupportedException>().WithMessage("*GaussianMixture*");
    }

    [Fact]
    public void Gradients_reach_encoder_and_decoder()
    {
        var vae = VariationalAutoencoder.Mlp(12, [8], 3, new Generator(1));
        vae.Loss(Images(4, 12, 2), new Generator(3)).Total.Backward();
        foreach (var (name, p) in vae.NamedParameters())
        {
            p.Grad.Should().NotBeNull(name);
            p.Grad!.ToArray().Should().Contain(v => v != 0, name);
        }
    }

    [Fact]
    public void Generation_reconstruction_and_interpolation_have_the_right_shapes_and_endpoints()
    {
        ILatentVariableModel vae = VariationalAutoencoder.Mlp(12, [8], 3, new Generator(1));
        vae.Sample(7, new Generator(2)).Shape.ToArray().Should().Equal(7, 12);
        var x = Images(2, 12, 3);
        var rec = vae.Reconstruct(x);
        rec.Shape.ToArray().Should().Equal(x.Shape.ToArray());
        rec.ToArray().Should().OnlyContain(v => v > 0 && v < 1);
        var path = vae.Interpolate(x.Narrow(0, 0, 1), x.Narrow(0, 1, 1), 5);
        path.Shape.ToArray().Should().Equal(5, 12);
        path.Narrow(0, 0, 1).AllClose(rec.Narrow(0, 0, 1), 1e-5, 1e-6).Should().BeTrue();
        path.Narrow(0, 4, 1).AllClose(rec.Narrow(0, 1, 1), 1e-5, 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Wrong_image_size_names_the_expected_size()
    {
        var vae = VariationalAutoencoder.Mlp(784, [16], 2, new Generator(1));
        var act = () => vae.Loss(Tensor.Zeros(3, 100), new Generator(1));
        act.Should().Throw<ArgumentException>().WithMessage("*[3, 100]*784*");
    }

    [Fact]
    public void Autoencoder_loss_trains_and_samples()
    {
        var ae = Autoencoder.Mlp(12, [8], 3, new Generator(1));
        var x = Images(4, 12, 2);
        var loss = ae.Loss(x);
        loss.Rank.Should().Be(0);
        loss.Backward();
        ae.Parameters().Should().OnlyContain(p => p.Grad != null);
        ae.Sample(3, new Generator(2)).Shape.ToArray().Should().Equal(3, 12);
    }
}
