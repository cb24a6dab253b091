using Vae.Core;
using Vae.Core.Data;
using Vae.Core.Optim;
using Vae.Distributions;
using Vae.Models.Evaluation;
using Vae.Models.Training;

namespace Vae.Models.Tests;

/// <summary>End-to-end: a label-incorporating AAE trained by the Trainer maps each class of synthetic data onto its component.</summary>
public sealed class AdversarialAutoencoderIntegrationTests
{
    /// <summary>
    /// Four classes of 12-pixel "images": a fixed random template per class, moved along two class-specific directions
    /// by two standard-normal factors (so each class is a 2-D manifold), plus a little noise, clipped to [0, 1].
    /// </summary>
    private static TensorDataset Templates(int n, ulong seed)
    {
        var g = new Generator(seed);
        var templates = Tensor.Rand(new Shape(4, AdversarialKit.InputDim), new Generator(99)).ToArray();
        var x = new float[n * AdversarialKit.InputDim];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int c = g.NextInt(4);
            y[i] = c;
            double u = g.NextNormal(), v = g.NextNormal();
            for (int j = 0; j < AdversarialKit.InputDim; j++)
            {
                double value = templates[(c * AdversarialKit.InputDim) + j] + (0.15 * u * Math.Sin(j + c)) + (0.15 * v * Math.Cos(2 * j)) + (0.02 * g.NextNormal());
                x[(i * AdversarialKit.InputDim) + j] = (float)Math.Clamp(value, 0, 1);
            }
        }

        return new TensorDataset(Tensor.FromArray(x, [n, AdversarialKit.InputDim]), Tensor.FromArray(y, [n]));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public void Label_incorporating_aae_maps_each_class_onto_its_component()
    {
        var prior = GaussianMixture.OnCircle(4, 2.0, 0.5, 0.2);
        var model = AdversarialAutoencoder.Mlp(AdversarialKit.InputDim, [64], prior, new Generator(1), [64], incorporateLabels: true);
        var objective = new AdversarialAutoencoderObjective(
            model,
            new Adam([.. model.Encoder.Parameters(), .. model.Decoder.Parameters()], lr: 1e-3),
            new Adam(model.Discriminator.Parameters(), lr: 5e-4, beta1: 0.5),
            new Adam(model.Encoder.Parameters(), lr: 2e-3, beta1: 0.5));
        var test = Templates(400, 2);
        var (x, y) = (test.Tensors[0], test.Tensors[1]);
        var priorSamples = model.SamplePrior(y, new Generator(3));
        double mmdBefore = TwoSample.Mmd(model.EncodeMean(x), priorSamples).Squared;

        new Trainer(objective, new TrainerOptions { Epochs = 20, BatchSize = 32 }).Fit(Templates(1024, 1), null, new Generator(4));

        var codes = model.EncodeMean(x);
        LatentMetrics.NearestComponentAccuracy(codes, y, prior).Should().BeGreaterThan(0.9);
        double mmdAfter = TwoSample.Mmd(codes, priorSamples).Squared;
        mmdAfter.Should().BeLessThan(mmdBefore / 10);
    }
}
