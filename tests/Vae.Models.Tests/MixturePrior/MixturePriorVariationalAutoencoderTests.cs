using Vae.Core;
using Vae.Core.Optim;
using Vae.Distributions;

namespace Vae.Models.Tests;

public sealed class MixturePriorVariationalAutoencoderTests
{
    private static Tensor Images(int n, int d, ulong seed) => Tensor.Rand(new Shape(n, d), new Generator(seed));

    [Fact]
    public void Variational_kl_is_the_default_is_deterministic_and_bounds_the_monte_carlo_kl()
    {
        var vae = MixturePriorVariationalAutoencoder.Mlp(12, [8], 3, 20, new Generator(1));
        vae.MixtureKl.Should().Be(MixtureKlEstimator.Variational);
        var q = vae.Encode(Images(6, 12, 2));
        var a = vae.Kl(q, new Generator(1)).ToDoubleArray();
        vae.Kl(q, new Generator(99)).ToDoubleArray().Should().Equal(a);
        a.Should().Equal(GaussianMixtureKl.Variational(q, vae.MixturePrior.Mixture()).ToDoubleArray());

        vae.MixtureKl = MixtureKlEstimator.MonteCarlo;
        vae.KlSamples = 2000;
        var mc = vae.Kl(q, new Generator(3)).ToDoubleArray();
        var (_, se) = MixtureTestKit.MonteCarloKl(q, vae.Prior.Distribution(), 2000, new Generator(3));
        for (int i = 0; i < a.Length; i++)
        {
            a[i].Should().BeGreaterThanOrEqualTo(mc[i] - (4 * se[i]), $"example {i}");
        }
    }

    [Fact]
    public void Loss_gradients_reach_the_networks_and_the_learnable_prior_parameters_only()
    {
        foreach (var estimator in new[] { MixtureKlEstimator.Variational, MixtureKlEstimator.MonteCarlo })
        {
            var vae = MixturePriorVariationalAutoencoder.Mlp(12, [8], 3, 10, new Generator(1));
            vae.MixtureKl = estimator;
            vae.KlSamples = 2;
            vae.Loss(Images(4, 12, 2), new Generator(3)).Total.Backward();
            foreach (var (name, p) in vae.NamedParameters())
            {
                if (name == "prior.logits")
                {
                    p.Grad.Should().BeNull("the weights are fixed by default");
                    continue;
                }

                p.Grad.Should().NotBeNull($"{name} ({estimator})");
                p.Grad!.ToArray().Should().Contain(v => v != 0, $"{name} ({estimator})");
            }
        }
    }

    [Fact]
    public void A_few_adam_steps_lower_the_loss()
    {
        var vae = MixturePriorVariationalAutoencoder.Mlp(16, [16], 2, 8, new Generator(4));
        var x = Images(32, 16, 5).Bernoulli(new Generator(6));
        var optimizer = new Adam(vae.Parameters(), lr: 1e-2);
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            optimizer.ZeroGrad();
            var loss = vae.Loss(x, new Generator((ulong)step));
            loss.Total.Backward();
            optimizer.Step();
            if (step == 0)
            {
                first = loss.NegativeElbo;
            }

            last = loss.NegativeElbo;
        }

        last.Should().BeLessThan(first - 1);
    }

    [Fact]
    public void Component_means_decode_to_characteristic_images_and_components_can_be_sampled()
    {
        var vae = MixturePriorVariationalAutoencoder.Mlp(12, [8], 3, 20, new Generator(1));
        var images = vae.DecodeComponentMeans(0, 10);
        images.Shape.ToArray().Should().Equal(10, 12);
        images.ToArray().Should().OnlyContain(v => v >= 0 && v <= 1);
        images.RequiresGrad.Should().BeFalse();
        vae.DecodeComponentMeans(5, 3).ToArray().Should().Equal(vae.DecodeMean(vae.MixturePrior.Means.Narrow(0, 5, 3)).ToArray());
        var act = () => vae.DecodeComponentMeans(15, 10);
        act.Should().Throw<ArgumentOutOfRangeException>();

        vae.SampleComponent(4, 5, new Generator(2)).Shape.ToArray().Should().Equal(5, 12);
        vae.Sample(7, new Generator(3)).Shape.ToArray().Should().Equal(7, 12);
        var r = vae.ComponentResponsibilities(Images(3, 12, 4));
        r.Shape.ToArray().Should().Equal(3, 20);
        r.Sum(-1).ToDoubleArray().Should().OnlyContain(s => Math.Abs(s - 1) < 1e-5);
    }

    [Fact]
    public void The_mixture_prior_also_works_in_a_plain_vae_through_monte_carlo()
    {
        var g = new Generator(8);
        var prior = new GaussianMixturePrior(10, 3, g);
        var vae = new VariationalAutoencoder(GaussianEncoder.Mlp(12, [8], 3, Activation.Relu, g), LikelihoodDecoder.Mlp(3, [8], 12, Likelihood.Bernoulli, Activation.Relu, g), prior);
        var loss = vae.Loss(Images(4, 12, 1), g);
        double.IsFinite(loss.Total.Item()).Should().BeTrue();
        loss.Total.Backward();
        prior.Means.Grad.Should().NotBeNull();
    }
}
