using System.Globalization;
using Vae.Core;
using Vae.Core.Data;

namespace Vae.Models.Visualization;

/// <summary>
/// Latent codes as a 2-D scatter plot (SVG), one colour and legend entry per label. Codes with more than two
/// dimensions are projected (<see cref="LatentProjection"/>); the title says which projection was used.
/// </summary>
public static class LatentScatter
{
    /// <summary>Builds the plot of given codes.</summary>
    /// <param name="codes">Codes [N, d], d ≥ 1 (a 1-D code is drawn against 0).</param>
    /// <param name="labels">N labels (e.g. digit classes 0…9).</param>
    /// <param name="title">Title; the projection is appended in parentheses.</param>
    /// <param name="projection">How to map d &gt; 2 dimensions to the plane.</param>
    /// <returns>The plot (call <see cref="SvgPlot.Save"/> or change it first).</returns>
    public static SvgPlot Plot(Tensor codes, IReadOnlyList<int> labels, string title = "Latent codes", LatentProjection projection = LatentProjection.Auto)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(labels);
        if (codes.Rank != 2 || codes.Shape[0] == 0)
        {
            throw new ArgumentException($"LatentScatter: codes must be [N, d] with N ≥ 1, got {codes.Shape}.", nameof(codes));
        }

        if (labels.Count != codes.Shape[0])
        {
            throw new ArgumentException($"LatentScatter: {labels.Count} labels for codes {codes.Shape}.", nameof(labels));
        }

        var (x, y, description, xLabel, yLabel) = Project(codes, projection);
        var plot = new SvgPlot(string.IsNullOrEmpty(title) ? description : $"{title} ({description})", xLabel, yLabel, 640, 560);
        return plot.AddScatterByLabel(x, y, labels);
    }

    /// <summary>Saves the plot of given codes as SVG (written atomically; folders are created).</summary>
    /// <param name="path">Destination .svg.</param>
    /// <param name="codes">Codes [N, d].</param>
    /// <param name="labels">N labels.</param>
    /// <param name="title">Title; the projection is appended.</param>
    /// <param name="projection">How to map d &gt; 2 dimensions to the plane.</param>
    public static void Save(string path, Tensor codes, IReadOnlyList<int> labels, string title = "Latent codes", LatentProjection projection = LatentProjection.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Plot(codes, labels, title, projection).Save(path);
    }

    /// <summary>Encodes <paramref name="images"/> (point codes: posterior means for a VAE) and saves their scatter plot.</summary>
    /// <param name="path">Destination .svg.</param>
    /// <param name="model">The model.</param>
    /// <param name="images">Inputs [N, *].</param>
    /// <param name="labels">N labels.</param>
    /// <param name="title">Title; the projection is appended.</param>
    /// <param name="projection">How to map d &gt; 2 dimensions to the plane.</param>
    /// <param name="batchSize">Examples encoded at once.</param>
    public static void Save(string path, ILatentVariableModel model, Tensor images, IReadOnlyList<int> labels, string title = "Latent codes", LatentProjection projection = LatentProjection.Auto, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(path, Encode(model, images, batchSize), labels, title, projection);
    }

    /// <summary>Point codes of <paramref name="images"/> [N, *], encoded in batches: [N, LatentDim].</summary>
    /// <param name="model">The model.</param>
    /// <param name="images">Inputs [N, *].</param>
    /// <param name="batchSize">Examples encoded at once.</param>
    public static Tensor Encode(ILatentVariableModel model, Tensor images, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        var parts = new List<Tensor>();
        foreach (var batch in new DataLoader(new TensorDataset(images), batchSize))
        {
            parts.Add(model.EncodeMean(batch[0]));
        }

        return parts.Count == 1 ? parts[0] : Tensor.Concat(parts, 0);
    }

    /// <summary>The plane coordinates of codes [N, d] and a description of the projection.</summary>
    internal static (double[] X, double[] Y, string Description, string XLabel, string YLabel) Project(Tensor codes, LatentProjection projection)
    {
        int n = codes.Shape[0], d = codes.Shape[1];
        var values = codes.ToDoubleArray();
        var x = new double[n];
        var y = new double[n];
        var c = CultureInfo.InvariantCulture;
        if (d == 1)
        {
            for (int i = 0; i < n; i++)
            {
                x[i] = values[i];
            }

            return (x, y, "1-D codes", "z1", string.Empty);
        }

        if (d == 2 || projection == LatentProjection.FirstTwo)
        {
            for (int i = 0; i < n; i++)
            {
                x[i] = values[i * d];
                y[i] = values[(i * d) + 1];
            }

            return (x, y, d == 2 ? "2-D codes" : string.Create(c, $"dimensions 1 and 2 of {d}"), "z1", "z2");
        }

        var (projected, explained) = Pca.Project(values, n, d, 2);
        for (int i = 0; i < n; i++)
        {
            x[i] = projected[2 * i];
            y[i] = projected[(2 * i) + 1];
        }

        return (x, y, string.Create(c, $"PCA of {d} dimensions, {100 * (explained[0] + explained[1]):F0}% of the variance"), string.Create(c, $"PC1 ({100 * explained[0]:F0}%)"), string.Create(c, $"PC2 ({100 * explained[1]:F0}%)"));
    }
}
