using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;
using Vae.Distributions;

namespace Vae.Models.Tests;

/// <summary>Tiny adversarial autoencoders and data for the AAE tests.</summary>
internal static class AdversarialKit
{
    public const int InputDim = 12;

    /// <summary>A well-separated labelled 2-D mixture (4 components on a circle of radius 4, small spread).</summary>
    public static GaussianMixture SeparatedMixture(int k = 4) => GaussianMixture.OnCircle(k, 4.0, 0.3, 0.1);

    /// <summary>A 12 → 8 → 2 AAE with an 8-wide discriminator over <paramref name="prior"/>.</summary>
    public static AdversarialAutoencoder Model(
        ulong seed, Distribution? prior = null, bool labels = false, AdversarialEncoderMode mode = AdversarialEncoderMode.Deterministic) =>
        AdversarialAutoencoder.Mlp(InputDim, [8], prior ?? SeparatedMixture(), new Generator(seed), [8], labels, mode);

    /// <summary>Images in [0, 1] [n, 12] with classes [n] in [0, k).</summary>
    public static TensorDataset Data(int n, ulong seed, int k = 4)
    {
        var g = new Generator(seed);
        var x = Tensor.Rand(new Shape(n, InputDim), g);
        var y = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i % k)).ToArray(), [n]);
        return new TensorDataset(x, y);
    }

    public static Batch Batch(int n, ulong seed, int k = 4)
    {
        var d = Data(n, seed, k);
        return new Batch([.. d.Tensors], Enumerable.Range(0, n).ToArray());
    }

    /// <summary>An objective whose three phases use plain SGD with the given learning rates (0 freezes a phase's update).</summary>
    public static AdversarialAutoencoderObjective Objective(
        AdversarialAutoencoder model, double recon, double disc, double gen, AdversarialTrainingOptions? options = null) =>
        new(model,
            new Sgd([.. model.Encoder.Parameters(), .. model.Decoder.Parameters()], lr: recon),
            new Sgd(model.Discriminator.Parameters(), lr: disc),
            new Sgd(model.Encoder.Parameters(), lr: gen),
            options);

    public static Dictionary<string, float[]> Snapshot(Module m) => TrainingKit.Snapshot(m);

    public static bool SameValues(Dictionary<string, float[]> a, Dictionary<string, float[]> b) =>
        a.Keys.All(k => a[k].AsSpan().SequenceEqual(b[k]));
}
