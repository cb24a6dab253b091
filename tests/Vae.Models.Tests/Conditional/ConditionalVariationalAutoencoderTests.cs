using Vae.Core;
using Vae.Distributions;

namespace Vae.Models.Tests;

public sealed class ConditionalVariationalAutoencoderTests
{
    private const int D = 12;

    private static Tensor Images(int n, int d, ulong seed) => Tensor.Rand(new Shape(n, d), new Generator(seed));

    private static Tensor Labels(params int[] labels) => Tensor.FromArray(labels.Select(l => (float)l).ToArray(), labels.Length);

    [Fact]
    public void Label_conditioned_variant_has_per_example_terms_and_loss_is_their_mean()
    {
        var cvae = ConditionalVariationalAutoencoder.Mlp(D, [8], 3, 10, new Generator(1));
        var x = Images(5, D, 2);
        var terms = cvae.Elbo(x, Labels(0, 1, 2, 3, 9), new Generator(3));
        terms.LogLikelihood.Shape.ToArray().Should().Equal(5);
        terms.Kl.Shape.ToArray().Should().Equal(5);
        terms.Z.Shape.ToArray().Should().Equal(5, 3);
        terms.Kl.ToArray().Should().OnlyContain(v => v >= 0);

        var loss = cvae.Loss(x, [0, 1, 2, 3, 9], new Generator(3));
        loss.Reconstruction.Item().Should().BeApproximately(-terms.LogLikelihood.Mean().Item(), 1e-4);
        loss.Kl.Item().Should().BeApproximately(terms.Kl.Mean().Item(), 1e-5);
        cvae.ConditionEncoder.Should().BeTrue();
        cvae.ConditionDecoder.Should().BeTrue();
        cvae.ClassPrior.Should().BeNull();
    }

    [Fact]
    public void Gradients_reach_exactly_the_label_inputs_of_the_present_classes()
    {
        // Encoder input = concat(x, onehot(y)), decoder input = concat(z, onehot(y)): the first-layer weight column of
        // label input k gets a gradient iff class k occurs in the batch.
        const int k = 10, d = 3;
        var cvae = ConditionalVariationalAutoencoder.Mlp(D, [8], d, k, new Generator(1));
        cvae.Loss(Images(4, D, 2), Labels(0, 3, 3, 7), new Generator(3)).Total.Backward();
        var parameters = cvae.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        CheckColumns(parameters["encoder.body.layers.0.weight"], D);
        CheckColumns(parameters["decoder.body.layers.0.weight"], d);

        static void CheckColumns(Tensor weight, int offset)
        {
            weight.Shape[1].Should().Be(offset + k);
            var grad = weight.Grad!;
            for (int c = 0; c < k; c++)
            {
                double norm = grad.Narrow(1, offset + c, 1).Abs().Sum().Item();
                if (c is 0 or 3 or 7)
                {
                    norm.Should().BeGreaterThan(0, $"class {c} is in the batch");
                }
                else
                {
                    norm.Should().Be(0, $"class {c} is not in the batch");
                }
            }
        }
    }

    [Fact]
    public void Decoder_of_the_label_conditioned_variant_receives_prior_codes_and_the_requested_one_hot()
    {
        const int d = 3, k = 4;
        var cvae = new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(d), new CvaeIdentityDecoder(d + k), k, conditionEncoder: false);
        var samples = cvae.Sample(500, 2, new Generator(5));
        samples.Shape.ToArray().Should().Equal(500, d + k);
        var z = Tensor.Randn(new Shape(500, d), new Generator(5));
        samples.Narrow(1, 0, d).ShouldApproximate(z.ToDoubleArray(), 1e-6);
        samples.Narrow(1, d, k).ShouldApproximate(Tensor.OneHot(Enumerable.Repeat(2, 500).ToArray(), k).ToDoubleArray(), 0);
    }

    [Fact]
    public void Per_class_prior_log_density_is_the_mixture_component_density()
    {
        var cvae = ConditionalVariationalAutoencoder.MlpWithClassPrior(D, [8], new Generator(1));
        var mixture = cvae.ClassPrior!;
        var labels = Labels(0, 4, 9, 4, 7);
        var z = Tensor.Randn(new Shape(6, 5, 2), new Generator(2)) * 3.0;
        var expected = mixture.ComponentLogProb(z, labels.Unsqueeze(0).Expand(new Shape(6, 5)).Clone());
        var prior = cvae.Prior(labels);
        prior.BatchShape.ToArray().Should().Equal(5);
        prior.EventShape.ToArray().Should().Equal(2);
        prior.LogProb(z).ShouldApproximate(expected.ToDoubleArray(), 1e-4);

        // A diagonal mixture gives a diagonal Gaussian per example.
        var diagonal = GaussianMixture.FromScales(Tensor.Randn(new Shape(3, 2), new Generator(3)), Tensor.Rand(new Shape(3, 2), new Generator(4)) + 0.5);
        var dcvae = new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(2), new CvaeIdentityDecoder(2), 3, false, false, diagonal);
        var y = Labels(2, 0, 1, 1);
        var v = Tensor.Randn(new Shape(4, 2), new Generator(5));
        dcvae.Prior(y).LogProb(v).ShouldApproximate(diagonal.ComponentLogProb(v, y).ToDoubleArray(), 1e-5);
    }

    [Fact]
    public void Sampling_a_class_decodes_codes_drawn_from_that_class_component()
    {
        var mixture = GaussianMixture.ConditionalVaePrior();
        var cvae = new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(2), new CvaeIdentityDecoder(2), 10, false, false, mixture);
        var samples = cvae.Sample(4000, 7, new Generator(9));
        var expected = mixture.SampleForLabels(Tensor.Full(new Shape(4000), 7), new Generator(9));
        samples.ShouldApproximate(expected.ToDoubleArray(), 1e-6);

        // ... and the codes do sit in component 7: mean ≈ μ₇, and component 7 is the most responsible one for most of them.
        var mean = samples.Mean(0).ToDoubleArray();
        var mu7 = mixture.ComponentMeans.Narrow(0, 7, 1).ToDoubleArray();
        mean[0].Should().BeApproximately(mu7[0], 0.1);
        mean[1].Should().BeApproximately(mu7[1], 0.1);
        double share = mixture.LogResponsibilities(samples).ArgMax(1).Eq(7.0).Mean().Item();
        share.Should().BeGreaterThan(0.9);
    }

    [Fact]
    public void Sample_each_class_groups_rows_by_requested_class()
    {
        var mixture = GaussianMixture.ConditionalVaePrior();
        var cvae = new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(2), new CvaeIdentityDecoder(2), 10, false, false, mixture);
        var (samples, labels) = cvae.SampleEachClass(3, new Generator(1));
        samples.Shape.ToArray().Should().Equal(30, 2);
        labels.ToArray().Should().Equal(Enumerable.Range(0, 30).Select(i => (float)(i / 3)));
        samples.ShouldApproximate(mixture.SampleForLabels(labels, new Generator(1)).ToDoubleArray(), 1e-6);

        var (random, randomLabels) = cvae.SampleWithLabels(50, new Generator(2));
        random.Shape.ToArray().Should().Equal(50, 2);
        randomLabels.ToArray().Distinct().Count().Should().BeGreaterThan(5);
    }

    [Fact]
    public void Monte_Carlo_kl_against_a_class_component_converges_to_the_exact_gaussian_kl()
    {
        var cvae = ConditionalVariationalAutoencoder.MlpWithClassPrior(D, [8], new Generator(7));
        cvae.KlEstimator.Should().Be(KlEstimator.MonteCarlo);
        cvae.KlSamples.Should().Be(128);
        var x = Images(3, D, 8);
        var labels = Labels(1, 5, 8);
        var q = cvae.Encode(x);
        cvae.KlSamples = 40000;
        var mc = cvae.Kl(q, labels, new Generator(1)).ToDoubleArray();
        cvae.KlEstimator = KlEstimator.Analytic;
        var exact = cvae.Kl(q, labels, new Generator(1)).ToDoubleArray();
        for (int i = 0; i < 3; i++)
        {
            mc[i].Should().BeApproximately(exact[i], 0.02 * exact[i]);
        }
    }

    [Fact]
    public void Exact_kl_matches_the_multivariate_normal_rule()
    {
        // Reference: KL(MVN(μ, diag σ) ‖ MVN(m, L)) by the registered full-covariance rule, in float64.
        var mixture = GaussianMixture.OnCircle(5, 3.0, 1.3, 0.4, DType.Float64);
        var cvae = new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(2), new CvaeIdentityDecoder(2), 5, false, false, mixture)
        {
            KlEstimator = KlEstimator.Analytic,
        };
        var g = new Generator(3);
        var loc = Tensor.Randn(new Shape(4, 2), g, DType.Float64) * 2.0;
        var scale = Tensor.Rand(new Shape(4, 2), g, DType.Float64) + 0.2;
        var q = new Independent(new Normal(loc, scale), 1);
        var labels = Labels(0, 2, 4, 2);
        var reference = KL.Divergence(MultivariateNormal.FromScaleTril(loc, scale.Unsqueeze(-1) * Tensor.Eye(2, dtype: DType.Float64)), cvae.Prior(labels));
        cvae.Kl(q, labels, g).ShouldApproximate(reference.ToDoubleArray(), 1e-10);
    }

    [Fact]
    public void Class_prior_variant_gets_gradients_everywhere_and_works_as_an_unlabelled_latent_model()
    {
        var cvae = ConditionalVariationalAutoencoder.MlpWithClassPrior(D, [8], new Generator(1));
        cvae.Loss(Images(4, D, 2), [1, 2, 3, 4], new Generator(3)).Total.Backward();
        foreach (var (name, p) in cvae.NamedParameters())
        {
            p.Grad!.ToArray().Should().Contain(v => v != 0, name);
        }

        ILatentVariableModel model = cvae;
        model.EncodeMean(Images(3, D, 4)).Shape.ToArray().Should().Equal(3, 2);
        model.Reconstruct(Images(3, D, 4)).Shape.ToArray().Should().Equal(3, D);
        model.Sample(6, new Generator(1)).Shape.ToArray().Should().Equal(6, D);
        model.LatentDim.Should().Be(2);
    }

    [Fact]
    public void Label_conditioned_variant_asks_for_labels_where_its_networks_need_them()
    {
        ILatentVariableModel model = ConditionalVariationalAutoencoder.Mlp(D, [8], 3, 10, new Generator(1));
        var encode = () => model.EncodeMean(Images(2, D, 1));
        encode.Should().Throw<InvalidOperationException>().WithMessage("*needs labels*EncodeMean(x, labels)*");
        var decode = () => model.DecodeMean(Tensor.Zeros(new Shape(2, 3)));
        decode.Should().Throw<InvalidOperationException>().WithMessage("*needs labels*");
        var cvae = (ConditionalVariationalAutoencoder)model;
        var withoutLabels = () => cvae.Encode(Images(2, D, 1));
        withoutLabels.Should().Throw<ArgumentException>().WithMessage("*encoder q(z|x, y) needs the labels*");
        cvae.EncodeMean(Images(2, D, 1), Labels(3, 4)).Shape.ToArray().Should().Equal(2, 3);
        model.Sample(5, new Generator(2)).Shape.ToArray().Should().Equal(5, D);
    }

    [Theory]
    [InlineData(10.0, "label 10 at position 2")]
    [InlineData(-1.0, "label -1 at position 2")]
    [InlineData(2.5, "label 2.5 at position 2")]
    public void Bad_labels_throw_naming_the_label_and_the_number_of_classes(double bad, string what)
    {
        var cvae = ConditionalVariationalAutoencoder.Mlp(D, [8], 3, 10, new Generator(1));
        var labels = Tensor.FromArray(new[] { 1.0, 2.0, bad, 3.0 }, 4).Float();
        var act = () => cvae.Loss(Images(4, D, 2), labels, new Generator(1));
        act.Should().Throw<ArgumentException>().WithMessage($"*Loss: {what}*10 classes*[0, 10)*");
    }

    [Fact]
    public void Bad_label_arrays_counts_and_shapes_throw()
    {
        var cvae = ConditionalVariationalAutoencoder.MlpWithClassPrior(D, [8], new Generator(1));
        var x = Images(3, D, 2);
        ((Action)(() => cvae.Loss(x, [0, 10, 1], new Generator(1)))).Should().Throw<ArgumentException>().WithMessage("*label 10 at position 1*10 classes*");
        ((Action)(() => cvae.Sample(4, 12, new Generator(1)))).Should().Throw<ArgumentException>().WithMessage("*Sample: label 12*10 classes*");
        ((Action)(() => cvae.Sample([3, -2], new Generator(1)))).Should().Throw<ArgumentException>().WithMessage("*label -2 at position 1*");
        ((Action)(() => cvae.Loss(x, [0, 1], new Generator(1)))).Should().Throw<ArgumentException>().WithMessage("*2 labels for a batch of 3*");
        ((Action)(() => cvae.Loss(x, Tensor.Zeros(new Shape(3, 1)), new Generator(1)))).Should().Throw<ArgumentException>().WithMessage("*1-D*[3, 1]*");
        ((Action)(() => cvae.Prior([11]))).Should().Throw<ArgumentException>().WithMessage("*Prior: label 11*");
    }

    [Fact]
    public void Constructor_rejects_inconsistent_parts()
    {
        var g = new Generator(1);
        var mixture = GaussianMixture.ConditionalVaePrior();
        var wrongK = () => new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(2), new CvaeIdentityDecoder(2), 9, false, false, mixture);
        wrongK.Should().Throw<ArgumentException>().WithMessage("*10 components in 2 dimensions*9 classes*");
        var wrongD = () => new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(3), new CvaeIdentityDecoder(3), 10, false, false, mixture);
        wrongD.Should().Throw<ArgumentException>().WithMessage("*latent dimension 3*");
        var nothing = () => new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(2), new CvaeIdentityDecoder(2), 10, true, false);
        nothing.Should().Throw<ArgumentException>().WithMessage("*neither the decoder nor the prior depends on the label*");
        _ = g;
    }

    [Fact]
    public void Transfer_moves_codes_between_class_components_keeping_their_whitened_position()
    {
        var mixture = GaussianMixture.ConditionalVaePrior();
        var cvae = new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(2), new CvaeIdentityDecoder(2), 10, false, false, mixture);
        var source = Labels(3, 3, 8);
        var target = Labels(6, 0, 8);
        // Codes drawn from the source components with fixed noise ε map to the target components with the same ε.
        var eps = Tensor.Randn(new Shape(3, 2, 1), new Generator(4));
        var l = mixture.ComponentScaleTril!;
        var mu = mixture.ComponentMeans;
        int[] s = [3, 3, 8], t = [6, 0, 8];
        var x = mu.IndexSelect(0, s) + l.IndexSelect(0, s).MatMul(eps).Squeeze(-1);
        var expected = mu.IndexSelect(0, t) + l.IndexSelect(0, t).MatMul(eps).Squeeze(-1);
        cvae.TransferClass(x, source, target).ShouldApproximate(expected.ToDoubleArray(), 1e-5);
    }

    [Fact]
    public void Transfer_and_interpolation_of_the_label_conditioned_variant_feed_the_target_condition_to_the_decoder()
    {
        const int d = 2, k = 3;
        var cvae = new ConditionalVariationalAutoencoder(new CvaeIdentityEncoder(d), new CvaeIdentityDecoder(d + k), k, conditionEncoder: false);
        var x = Tensor.FromArray(new float[] { 1, 2, -1, 0.5f }, 2, 2);
        var moved = cvae.TransferClass(x, Labels(0, 1), Labels(2, 2));
        moved.ShouldApproximate([1, 2, 0, 0, 1, -1, 0.5, 0, 0, 1], 1e-6);

        var path = cvae.Interpolate(x.Narrow(0, 0, 1), 0, x.Narrow(0, 1, 1), 2, 3);
        path.ShouldApproximate([1, 2, 1, 0, 0, 0, 1.25, 0.5, 0, 0.5, -1, 0.5, 0, 0, 1], 1e-6);
        cvae.Reconstruct(x, Labels(1, 0)).ShouldApproximate([1, 2, 0, 1, 0, -1, 0.5, 1, 0, 0], 1e-6);
    }
}
