using System.Globalization;
using Vae.Core;
using Vae.Distributions;
using Vae.Models;
using Vae.Models.Evaluation;
using Vae.Models.Visualization;

namespace Vae.Samples.Adversarial;

/// <summary>
/// Measures, once per epoch, how well the test set's codes match the prior — MMD against prior samples, nearest
/// component accuracy (mixture prior), distance to the nearest prior sample and to the swiss roll — on fixed data and
/// fixed prior draws so epochs are comparable, and draws the latent scatter frames.
/// </summary>
internal sealed class LatentEvaluator
{
    private const int ReferenceSamples = 20000;
    private readonly Tensor _images;
    private readonly Tensor _labels;
    private readonly int _evalCodes;
    private readonly Tensor _priorSamples;
    private readonly Tensor _priorLabels;
    private readonly Tensor _reference;
    private readonly Tensor? _referenceLabels;
    private readonly Tensor _rollReference;

    public LatentEvaluator(Distribution prior, bool labelled, Tensor testImages, Tensor testLabels, int evalCodes, ulong seed)
    {
        Prior = prior;
        Labelled = labelled;
        _images = testImages;
        _labels = testLabels;
        _evalCodes = Math.Min(evalCodes, testLabels.Shape[0]);
        var g = new Generator(seed ^ 0xE7A1);
        (_priorSamples, _priorLabels) = Draw(prior, _evalCodes, g);
        var (reference, referenceLabels) = Draw(prior, ReferenceSamples, g);
        _reference = reference;
        _referenceLabels = prior is ILabeledSampler ? referenceLabels : null;
        var roll = SwissRoll.AdversarialAutoencoderPrior();
        _rollReference = roll.SampleWithLabels(ReferenceSamples, g).Samples;

        // What a perfect match would score: fresh prior samples in place of the codes.
        var (fresh, freshLabels) = Draw(prior, _evalCodes, g);
        Reference = Measure(fresh, freshLabels, fresh, freshLabels);
        // A symmetric range holding 99.5 % of the prior's coordinates with a margin, the same for every frame.
        var magnitudes = _reference.Abs().ToDoubleArray();
        Array.Sort(magnitudes);
        double half = Math.Ceiling(magnitudes[(int)(0.995 * (magnitudes.Length - 1))] * 1.25);
        Range = (-half, half);
    }

    public Distribution Prior { get; }

    /// <summary>Whether the model incorporates labels (only then are the class-to-component metrics meaningful).</summary>
    public bool Labelled { get; }

    /// <summary>The metrics of fresh prior samples (the ideal values).</summary>
    public IReadOnlyDictionary<string, double> Reference { get; }

    /// <summary>Fixed plot range for every frame.</summary>
    public (double Min, double Max) Range { get; }

    /// <summary>Codes of all test images (deterministic: posterior means).</summary>
    public Tensor Codes(AdversarialAutoencoder model)
    {
        var parts = new List<Tensor>();
        for (int start = 0; start < _images.Shape[0]; start += 1000)
        {
            int n = Math.Min(1000, _images.Shape[0] - start);
            parts.Add(model.EncodeMean(_images.Narrow(0, start, n)));
        }

        return Tensor.Concat(parts, 0);
    }

    /// <summary>The latent metrics of the model's test codes.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(AdversarialAutoencoder model, out Tensor codes)
    {
        codes = Codes(model);
        return Measure(codes.Narrow(0, 0, _evalCodes), _labels.Narrow(0, 0, _evalCodes), codes, _labels);
    }

    /// <summary>A scatter plot of the first evaluation codes over the fixed prior samples.</summary>
    public void Plot(string path, Tensor codes, string title, int? count = null)
    {
        int n = Math.Min(count ?? _evalCodes, codes.Shape[0]);
        var z = codes.Narrow(0, 0, n).ToDoubleArray();
        var y = _labels.Narrow(0, 0, n).ToArray();
        var p = _priorSamples.ToDoubleArray();
        var plot = new SvgPlot(title, "z1", "z2", 640, 560) { XRange = Range, YRange = Range };
        plot.AddScatter("prior", Column(p, 0), Column(p, 1), "#c8c8c8", radius: 1.2, opacity: 0.8);
        plot.AddScatterByLabel(Column(z, 0), Column(z, 1), [.. y.Select(v => (int)v)], radius: 1.4, opacity: 0.7);
        plot.Save(path);
    }

    /// <summary>The prior's fixed samples coloured by their label (component / segment), for reference.</summary>
    public void PlotPrior(string path)
    {
        var p = _priorSamples.ToDoubleArray();
        var plot = new SvgPlot("prior samples" + (Prior is ILabeledSampler ? " by label" : string.Empty), "z1", "z2", 640, 560) { XRange = Range, YRange = Range };
        if (Prior is ILabeledSampler)
        {
            plot.AddScatterByLabel(Column(p, 0), Column(p, 1), [.. _priorLabels.ToArray().Select(v => (int)v)], radius: 1.4);
        }
        else
        {
            plot.AddScatter("prior", Column(p, 0), Column(p, 1), "#555555", radius: 1.4);
        }

        plot.Save(path);
    }

    /// <summary>Points of the frames as (x, y, colour index) for the GIF: prior samples (index 10) then codes by label.</summary>
    public (double[] X, double[] Y, byte[] Color) Points(Tensor codes)
    {
        int n = Math.Min(_evalCodes, codes.Shape[0]);
        var p = _priorSamples.ToDoubleArray();
        var z = codes.Narrow(0, 0, n).ToDoubleArray();
        var y = _labels.Narrow(0, 0, n).ToArray();
        int m = _priorSamples.Shape[0];
        var xs = new double[m + n];
        var ys = new double[m + n];
        var c = new byte[m + n];
        for (int i = 0; i < m; i++)
        {
            (xs[i], ys[i], c[i]) = (p[2 * i], p[(2 * i) + 1], 10);
        }

        for (int i = 0; i < n; i++)
        {
            (xs[m + i], ys[m + i], c[m + i]) = (z[2 * i], z[(2 * i) + 1], (byte)y[i]);
        }

        return (xs, ys, c);
    }

    private Dictionary<string, double> Measure(Tensor sample, Tensor sampleLabels, Tensor all, Tensor allLabels)
    {
        var mmd = TwoSample.Mmd(sample, _priorSamples);
        var m = new Dictionary<string, double>
        {
            ["mmd2"] = mmd.Squared,
            ["mmd_bandwidth"] = mmd.Bandwidth,
            ["mean_nearest_prior_distance"] = LatentMetrics.MeanNearestDistance(sample, _reference),
            ["mean_nearest_roll_distance"] = LatentMetrics.MeanNearestDistance(sample, _rollReference),
        };
        if (Labelled && Prior is GaussianMixture mixture)
        {
            m["nearest_component_accuracy"] = LatentMetrics.NearestComponentAccuracy(all, allLabels, mixture);
        }

        if (Labelled && _referenceLabels is not null)
        {
            m["nearest_prior_label_accuracy"] = LatentMetrics.NearestNeighbourLabelAccuracy(sample, sampleLabels, _reference, _referenceLabels);
        }

        return m;
    }

    private static (Tensor Samples, Tensor Labels) Draw(Distribution prior, int n, Generator g) =>
        prior is ILabeledSampler labeled
            ? labeled.SampleWithLabels(n, g)
            : (prior.Sample(new Shape(n), g).Float(), Tensor.Zeros(new Shape(n)));

    private static double[] Column(double[] xy, int c) => [.. Enumerable.Range(0, xy.Length / 2).Select(i => xy[(2 * i) + c])];

    public static string Format(IReadOnlyDictionary<string, double> m) =>
        string.Join(", ", m.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:G4}")));
}
