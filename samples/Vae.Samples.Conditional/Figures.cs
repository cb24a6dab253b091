using Vae.Core;
using Vae.Core.Data;
using Vae.Models;
using Vae.Models.Training;
using Vae.Models.Visualization;

namespace Vae.Samples.Conditional;

/// <summary>The pictures the sample writes for a trained model.</summary>
internal static class Figures
{
    /// <summary>Indices of the first test image of each class.</summary>
    public static int[] OnePerClass(MnistData data)
    {
        var first = Enumerable.Repeat(-1, data.NumClasses).ToArray();
        for (int i = 0; i < data.Count && first.Contains(-1); i++)
        {
            if (first[data.Labels[i]] < 0)
            {
                first[data.Labels[i]] = i;
            }
        }

        return first;
    }

    /// <summary>10 rows × perClass columns: row k holds samples requested as class k.</summary>
    public static void SampleGrid(ConditionalVariationalAutoencoder model, int perClass, Generator generator, string path)
    {
        var (samples, _) = model.SampleEachClass(perClass, generator);
        ImageGrid.Save(path, samples, columns: perClass);
    }

    /// <summary>Row pairs: one test image per class, then its reconstruction.</summary>
    public static void Reconstructions(ConditionalVariationalAutoencoder model, MnistData test, string path)
    {
        var idx = OnePerClass(test);
        var x = test.Images.IndexSelect(0, idx);
        var y = test.LabelTensor.IndexSelect(0, idx);
        ImageGrid.Save(path, Tensor.Concat([x, model.Reconstruct(x, y)], 0), columns: idx.Length);
    }

    /// <summary>
    /// One row per test image (one of each class): the image, then its code decoded as each class 0…9 (same style,
    /// another digit).
    /// </summary>
    public static void ClassTransfer(ConditionalVariationalAutoencoder model, MnistData test, string path)
    {
        var idx = OnePerClass(test);
        int k = model.NumClasses;
        var rows = new List<Tensor>();
        foreach (int i in idx)
        {
            var x = test.Images.Narrow(0, i, 1);
            var xs = x.Expand(new Shape(k, x.Shape[1])).Clone();
            var source = Tensor.Full(new Shape(k), test.Labels[i]);
            rows.Add(x);
            rows.Add(model.TransferClass(xs, source, Tensor.Arange(k)));
        }

        ImageGrid.Save(path, Tensor.Concat(rows, 0), columns: k + 1);
    }

    /// <summary>Interpolations between pairs of test images of different classes, one pair per row.</summary>
    public static void Interpolations(ConditionalVariationalAutoencoder model, MnistData test, string path, int steps = 10)
    {
        var idx = OnePerClass(test);
        var rows = new List<Tensor>();
        for (int c = 0; c < idx.Length; c++)
        {
            int a = idx[c], b = idx[(c + 1) % idx.Length];
            rows.Add(model.Interpolate(test.Images.Narrow(0, a, 1), test.Labels[a], test.Images.Narrow(0, b, 1), test.Labels[b], steps));
        }

        ImageGrid.Save(path, Tensor.Concat(rows, 0), columns: steps);
    }

    /// <summary>
    /// The learned 2-D latent space: posterior means of test images coloured by label, over light-grey samples of
    /// the target prior (the mixture of class components, or N(0, I)); and, for a per-class prior, the prior alone
    /// coloured by component.
    /// </summary>
    public static void LatentSpace(ConditionalVariationalAutoencoder model, MnistData test, int count, Generator generator, string folder)
    {
        int n = Math.Min(count, test.Count);
        var x = test.Images.Narrow(0, 0, n);
        var y = test.LabelTensor.Narrow(0, 0, n);
        var codes = model.EncodeMean(x, model.ConditionEncoder ? y : null);
        var labels = test.Labels.Take(n).ToArray();
        (Tensor Samples, Tensor Labels) prior = model.ClassPrior is { } mixture
            ? mixture.SampleWithLabels(n, generator)
            : (Tensor.Randn(new Shape(n, 2), generator), Tensor.Zeros(new Shape(n)));
        var range = model.ClassPrior is null ? (-4.0, 4.0) : (-9.0, 9.0);

        var overlay = new SvgPlot(
            model.ClassPrior is null ? "Test codes (posterior means) over the prior N(0, I)" : "Test codes (posterior means) over the target prior",
            "z₁", "z₂", 720, 640) { XRange = range, YRange = range };
        overlay.AddScatter("prior", Column(prior.Samples, 0), Column(prior.Samples, 1), "#bbbbbb", 1.2, 0.5);
        overlay.AddScatterByLabel(Column(codes, 0), Column(codes, 1), labels);
        overlay.Save(Path.Combine(folder, "latent.svg"));

        if (model.ClassPrior is not null)
        {
            var target = new SvgPlot("Target prior p(z|y): one rotated Gaussian per digit", "z₁", "z₂", 720, 640) { XRange = range, YRange = range };
            target.AddScatterByLabel(Column(prior.Samples, 0), Column(prior.Samples, 1), [.. prior.Labels.ToArray().Select(v => (int)v)]);
            target.Save(Path.Combine(folder, "prior.svg"));
        }
    }

    /// <summary>Training and test loss per epoch, with the KL term, on a log scale.</summary>
    public static void LossCurves(TrainingHistory history, string title, string path)
    {
        var epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var plot = new SvgPlot(title, "epoch", "nats per image (log scale)") { LogY = true };
        plot.AddLine("train loss", epochs, history.Series("train_loss"));
        plot.AddLine("test loss", epochs, history.Series("val_loss"));
        plot.AddLine("train KL", epochs, history.Series("train_kl"));
        plot.AddLine("test KL", epochs, history.Series("val_kl"));
        plot.Save(path);
    }

    private static double[] Column(Tensor points, int column) => points.Narrow(1, column, 1).ToDoubleArray();
}
