using Vae.Core;
using Vae.Distributions;

namespace Vae.Models.Tests;

public sealed class AdversarialAutoencoderTests
{
    private static readonly Tensor X = AdversarialKit.Data(6, 5).Tensors[0];
    private static readonly Tensor Y = AdversarialKit.Data(6, 5).Tensors[1];

    [Fact]
    public void Mlp_factory_builds_named_parts_that_fit_the_prior()
    {
        var aae = AdversarialKit.Model(1, labels: true);
        aae.LatentDim.Should().Be(2);
        aae.IncorporatesLabels.Should().BeTrue();
        aae.NumClasses.Should().Be(4);
        aae.Discriminator.InputDim.Should().Be(6);
        var names = aae.NamedParameters().Select(p => p.Name).ToList();
        names.Should().Contain(["encoder.body.layers.0.weight", "decoder.body.layers.1.bias", "discriminator.body.layers.1.weight"]);
        names.Should().OnlyContain(n => n.StartsWith("encoder.") || n.StartsWith("decoder.") || n.StartsWith("discriminator."));
    }

    [Fact]
    public void Deterministic_codes_are_the_posterior_mean_and_need_no_generator()
    {
        var aae = AdversarialKit.Model(1);
        var z1 = aae.Encode(X);
        var z2 = aae.Encode(X, new Generator(9));
        z1.Shape.ToArray().Should().Equal(6, 2);
        z1.ToArray().Should().Equal(z2.ToArray());
        z1.ToArray().Should().Equal(aae.EncodeMean(X).ToArray());
    }

    [Fact]
    public void Stochastic_codes_are_reparameterised_draws_from_the_posterior()
    {
        var aae = AdversarialKit.Model(1, mode: AdversarialEncoderMode.Stochastic);
        var a = aae.Encode(X, new Generator(3)).ToArray();
        var b = aae.Encode(X, new Generator(3)).ToArray();
        var c = aae.Encode(X, new Generator(4)).ToArray();
        a.Should().Equal(b);
        a.Should().NotEqual(c);
        a.Should().NotEqual(aae.EncodeMean(X).ToArray());
        FluentActions.Invoking(() => aae.Encode(X)).Should().Throw<ArgumentNullException>();

        // Differentiable in the log-variance head: a stochastic code has a gradient w.r.t. every encoder output.
        var z = aae.Encode(X, new Generator(3));
        z.Sum().Backward();
        var lastWeight = aae.Encoder.Parameters()[^2];
        lastWeight.Grad!.ToArray().Skip(2 * 8).Should().Contain(v => v != 0, "rows of log σ² get a gradient through the noise");
    }

    [Fact]
    public void Parts_that_do_not_fit_are_rejected()
    {
        var g = new Generator(1);
        var encoder = GaussianEncoder.Mlp(12, [8], 2, Activation.Relu, g);
        var decoder = LikelihoodDecoder.Mlp(2, [8], 12, Likelihood.Bernoulli, Activation.Relu, g);
        var normal = new StandardNormalPrior(2).Distribution();
        FluentActions.Invoking(() => new AdversarialAutoencoder(encoder, decoder, new Discriminator(2, [4], g, numClasses: 10), normal))
            .Should().Throw<ArgumentException>().WithMessage("*ILabeledSampler*");
        FluentActions.Invoking(() => new AdversarialAutoencoder(encoder, decoder, new Discriminator(2, [4], g, numClasses: 3), AdversarialKit.SeparatedMixture(4)))
            .Should().Throw<ArgumentException>().WithMessage("*3 classes*4 labels*");
        FluentActions.Invoking(() => new AdversarialAutoencoder(encoder, decoder, new Discriminator(3, [4], g), normal))
            .Should().Throw<ArgumentException>().WithMessage("*3-dimensional*");
        FluentActions.Invoking(() => new AdversarialAutoencoder(encoder, decoder, new Discriminator(2, [4], g), new StandardNormalPrior(3).Distribution()))
            .Should().Throw<ArgumentException>().WithMessage("*3 dimensions*");
        FluentActions.Invoking(() => AdversarialAutoencoder.Mlp(12, [8], normal, g, incorporateLabels: true))
            .Should().Throw<ArgumentException>().WithMessage("*ILabeledSampler*");
    }

    [Fact]
    public void Label_conditioned_prior_samples_come_from_each_labels_component()
    {
        var prior = AdversarialKit.SeparatedMixture(4);
        var aae = AdversarialKit.Model(1, prior, labels: true);
        var labels = Tensor.FromArray(Enumerable.Range(0, 400).Select(i => (float)(i % 4)).ToArray(), [400]);
        var z = aae.SamplePrior(labels, new Generator(2));
        z.Shape.ToArray().Should().Equal(400, 2);
        Vae.Models.Evaluation.LatentMetrics.NearestComponentAccuracy(z, labels, prior).Should().Be(1.0);
        aae.SamplePrior(7, new Generator(2)).Shape.ToArray().Should().Equal(7, 2);
        FluentActions.Invoking(() => AdversarialKit.Model(1, new StandardNormalPrior(2).Distribution()).SamplePrior(labels, new Generator(1)))
            .Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Discriminator_loss_is_the_mean_bce_of_real_and_fake_and_trains_only_the_discriminator()
    {
        var aae = AdversarialKit.Model(1, labels: true);
        var terms = aae.DiscriminatorLoss(X, Y, new Generator(2));
        terms.Total.Item().Should().BeApproximately((terms.RealLoss + terms.FakeLoss) / 2, 1e-6);
        terms.Accuracy.Should().BeInRange(0, 1);

        // Recompute by hand with the same prior draws.
        var real = aae.SamplePrior(Y, new Generator(2));
        var fake = aae.EncodeMean(X);
        var dReal = aae.Discriminator.Forward(real, Y).Sigmoid().ToDoubleArray();
        var dFake = aae.Discriminator.Forward(fake, Y).Sigmoid().ToDoubleArray();
        terms.RealLoss.Should().BeApproximately(-dReal.Average(Math.Log), 1e-5);
        terms.FakeLoss.Should().BeApproximately(-dFake.Average(p => Math.Log(1 - p)), 1e-5);
        double acc = (dReal.Count(p => p > 0.5) + dFake.Count(p => p <= 0.5)) / 12.0;
        terms.Accuracy.Should().BeApproximately(acc, 1e-12);

        terms.Total.Backward();
        aae.Encoder.Parameters().Should().OnlyContain(p => p.Grad == null || p.Grad.ToArray().All(v => v == 0));
        aae.Decoder.Parameters().Should().OnlyContain(p => p.Grad == null);
        aae.Discriminator.Parameters().Should().Contain(p => p.Grad != null && p.Grad.ToArray().Any(v => v != 0));
    }

    [Fact]
    public void Generator_loss_labels_codes_real_and_reaches_the_encoder()
    {
        var aae = AdversarialKit.Model(1, labels: true);
        var loss = aae.GeneratorLoss(X, Y);
        var p = aae.Discriminator.Forward(aae.EncodeMean(X), Y).Sigmoid().ToDoubleArray();
        loss.Item().Should().BeApproximately(-p.Average(Math.Log), 1e-5);
        loss.Backward();
        aae.Encoder.Parameters()[0].Grad!.ToArray().Should().Contain(v => v != 0);
        aae.Decoder.Parameters().Should().OnlyContain(q => q.Grad == null);
    }

    [Fact]
    public void Labels_are_required_exactly_for_the_label_incorporating_variant()
    {
        var plain = AdversarialKit.Model(1);
        var labelled = AdversarialKit.Model(1, labels: true);
        FluentActions.Invoking(() => labelled.GeneratorLoss(X, null)).Should().Throw<ArgumentException>().WithMessage("*needs the batch's labels*");
        FluentActions.Invoking(() => plain.DiscriminatorLoss(X, Y, new Generator(1))).Should().Throw<ArgumentException>().WithMessage("*does not incorporate labels*");
        plain.DiscriminatorLoss(X, null, new Generator(1)).Total.Numel.Should().Be(1);
    }

    [Fact]
    public void Reconstruction_loss_is_the_mean_negative_log_likelihood_of_the_codes()
    {
        var aae = AdversarialKit.Model(1);
        double expected = -aae.Decode(aae.EncodeMean(X)).LogProb(X).Mean().Item();
        aae.ReconstructionLoss(X).Item().Should().BeApproximately(expected, 1e-4);
        aae.Sample(3, new Generator(1)).Shape.ToArray().Should().Equal(3, 12);
        aae.Sample(Y, new Generator(1)).Shape.ToArray().Should().Equal(6, 12);
        ((ILatentVariableModel)aae).Reconstruct(X).Shape.ToArray().Should().Equal(6, 12);
    }

    [Fact]
    public void Works_with_swiss_roll_and_normal_priors()
    {
        var roll = AdversarialKit.Model(1, SwissRoll.AdversarialAutoencoderPrior(), labels: true);
        roll.NumClasses.Should().Be(10);
        var y10 = Tensor.FromArray(new float[] { 0, 3, 5, 9, 1, 2 }, [6]);
        roll.DiscriminatorLoss(X, y10, new Generator(1)).Total.Item().Should().BeGreaterThan(0);
        var normal = AdversarialKit.Model(1, new StandardNormalPrior(2).Distribution());
        normal.DiscriminatorLoss(X, null, new Generator(1)).Total.Item().Should().BeGreaterThan(0);
        normal.SamplePrior(5, new Generator(1)).DType.Should().Be(DType.Float32);
        var float64Prior = AdversarialKit.Model(1, GaussianMixture.AdversarialAutoencoderPrior(dtype: DType.Float64));
        float64Prior.SamplePrior(5, new Generator(1)).DType.Should().Be(DType.Float32, "prior samples are cast to the model's dtype");
    }
}
