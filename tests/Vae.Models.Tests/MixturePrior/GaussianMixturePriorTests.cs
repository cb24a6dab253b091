using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models.Tests;

public sealed class GaussianMixturePriorTests
{
    [Fact]
    public void Parameters_have_pytorch_names_shapes_and_the_requested_learnability()
    {
        var prior = new GaussianMixturePrior(1000, 10, new Generator(1));
        prior.NumComponents.Should().Be(1000);
        prior.LatentDim.Should().Be(10);
        prior.NamedParameters().Select(p => p.Name).Should().Equal("means", "log_vars", "logits");
        prior.Means.Shape.ToArray().Should().Equal(1000, 10);
        prior.LogVars.Shape.ToArray().Should().Equal(1000, 10);
        prior.Logits.Shape.ToArray().Should().Equal(1000);
        (prior.Means.RequiresGrad, prior.LogVars.RequiresGrad, prior.Logits.RequiresGrad).Should().Be((true, true, false));

        var fixedPrior = new GaussianMixturePrior(5, 2, new Generator(1), new GaussianMixturePriorOptions { LearnMeans = false, LearnLogVariances = false, LearnWeights = true });
        (fixedPrior.Means.RequiresGrad, fixedPrior.LogVars.RequiresGrad, fixedPrior.Logits.RequiresGrad).Should().Be((false, false, true));

        var g = new Generator(2);
        var vae = new VariationalAutoencoder(GaussianEncoder.Mlp(6, [5], 2, Activation.Relu, g), LikelihoodDecoder.Mlp(2, [5], 6, Likelihood.Bernoulli, Activation.Relu, g), fixedPrior);
        vae.StateDict().Keys.Should().Contain(["prior.means", "prior.log_vars", "prior.logits"]);
    }

    [Fact]
    public void Initialisation_draws_scaled_standard_normal_means_with_the_generator_and_constant_log_variances()
    {
        var options = new GaussianMixturePriorOptions { MeanScale = 2.5, InitialLogVariance = -1 };
        var prior = new GaussianMixturePrior(1000, 10, new Generator(7), options);
        var m = prior.Means.ToDoubleArray();
        double mean = m.Average();
        double std = Math.Sqrt(m.Select(v => (v - mean) * (v - mean)).Average());
        mean.Should().BeApproximately(0, 4 * 2.5 / Math.Sqrt(m.Length));
        std.Should().BeApproximately(2.5, 0.05);
        prior.LogVars.ToDoubleArray().Should().OnlyContain(v => v == -1);
        prior.Logits.ToDoubleArray().Should().OnlyContain(v => v == 0);

        // Same seed, same bits; means are exactly N(0, I)·scale from the generator.
        var again = new GaussianMixturePrior(1000, 10, new Generator(7), options);
        again.Means.ToArray().Should().Equal(prior.Means.ToArray());
        var unit = Tensor.Randn(new Shape(1000, 10), new Generator(7));
        prior.Means.ToArray().Should().Equal((unit * 2.5).ToArray());
    }

    [Fact]
    public void Log_prob_is_the_mixture_density_and_differentiable_in_the_parameters()
    {
        var g = new Generator(3);
        var (means, logVars, logits) = MixtureTestKit.RandomMixture(g, 6, 3);
        var prior = new GaussianMixturePrior(means, logVars, logits, learnWeights: true);
        var z = MixtureTestKit.Randn(g, DType.Float64, 4, 3);
        prior.LogProb(z).ToDoubleArray().Should().Equal(
            GaussianMixture.FromLogVariances(means, logVars, logits).LogProb(z).ToDoubleArray(), (a, e) => Math.Abs(a - e) < 1e-12);
        prior.Distribution().Should().BeOfType<GaussianMixture>();

        prior.LogProb(z).Sum().Backward();
        foreach (var (name, p) in prior.NamedParameters())
        {
            p.Grad.Should().NotBeNull(name);
            p.Grad!.ToDoubleArray().Should().Contain(v => v != 0, name);
        }

        // The constructor copies its inputs; the check perturbs the prior's own parameters in place.
        MixtureTestKit.ShouldPassGradCheck(_ => prior.LogProb(z), prior.Means, prior.LogVars, prior.Logits);
        MixtureTestKit.ShouldPassGradCheck(t => prior.LogProb(t[0]), z);
    }

    [Fact]
    public void Sampling_returns_codes_with_their_components_and_respects_a_fixed_component()
    {
        var means = Tensor.FromArray(new float[] { -10, 0, 10, 0, 0, 10 }, 3, 2);
        var prior = new GaussianMixturePrior(means, Tensor.Full(new Shape(3, 2), -4.0));
        var (z, components) = prior.Sample(300, new Generator(5));
        z.Shape.ToArray().Should().Equal(300, 2);
        var zs = z.ToDoubleArray();
        var cs = components.ToDoubleArray();
        cs.Distinct().Should().HaveCount(3);
        for (int i = 0; i < 300; i++)
        {
            int c = (int)cs[i];
            Math.Abs(zs[2 * i] - means[c, 0]).Should().BeLessThan(1);
            Math.Abs(zs[(2 * i) + 1] - means[c, 1]).Should().BeLessThan(1);
        }

        var (_, fixedComponents) = prior.Sample(10, new Generator(6), component: 2);
        fixedComponents.ToDoubleArray().Should().OnlyContain(c => c == 2);
        z.RequiresGrad.Should().BeFalse();
    }

    [Fact]
    public void Parameters_are_copies_and_bad_arguments_throw()
    {
        var means = Tensor.Zeros(new Shape(3, 2));
        var prior = new GaussianMixturePrior(means, Tensor.Zeros(new Shape(3, 2)));
        prior.Means.Should().NotBeSameAs(means);
        prior.Means.Should().BeOfType<Parameter>();

        var act = () => new GaussianMixturePrior(Tensor.Zeros(new Shape(3)), Tensor.Zeros(new Shape(3)));
        act.Should().Throw<ArgumentException>().WithMessage("*[K, d]*[3]*");
        act = () => new GaussianMixturePrior(means, Tensor.Zeros(new Shape(3, 3)));
        act.Should().Throw<ArgumentException>().WithMessage("*logVariances*[3, 2]*[3, 3]*");
        act = () => new GaussianMixturePrior(means, Tensor.Zeros(new Shape(3, 2)), Tensor.Zeros(new Shape(2)));
        act.Should().Throw<ArgumentException>().WithMessage("*logits*[3]*[2]*");
        act = () => new GaussianMixturePrior(means, Tensor.Zeros(new Shape(3, 2), DType.Float64));
        act.Should().Throw<ArgumentException>().WithMessage("*float64*");
        act = () => new GaussianMixturePrior(means, Tensor.Full(new Shape(3, 2), double.NaN));
        act.Should().Throw<ArgumentException>().WithMessage("*finite*");
        act = () => new GaussianMixturePrior(0, 2, new Generator(1));
        act.Should().Throw<ArgumentOutOfRangeException>();
        act = () => new GaussianMixturePrior(3, 2, new Generator(1), new GaussianMixturePriorOptions { MeanScale = -1 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MeanScale*");
    }
}
