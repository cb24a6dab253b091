using System.Xml.Linq;
using MathNet.Numerics.LinearAlgebra;
using Vae.Core;
using Vae.Models;
using Vae.Models.Training;
using Vae.Models.Visualization;

namespace Vae.Models.Tests;

public sealed class PlotHelperTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static List<XElement> Groups(XDocument doc) =>
        [.. doc.Descendants(Svg + "g").Where(g => g.Attribute("fill") is not null)];

    [Fact]
    public void Latent_scatter_of_2d_codes_has_one_group_and_legend_entry_per_label()
    {
        var codes = Tensor.Randn(new Shape(30, 2), new Generator(1));
        int[] labels = [.. Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? 7 : i % 2)];
        var doc = XDocument.Parse(LatentScatter.Plot(codes, labels, "VAE").ToSvg());
        var groups = Groups(doc);
        groups.Should().HaveCount(3);
        groups.Select(g => g.Elements(Svg + "circle").Count()).Sum().Should().Be(30);
        groups.Single(g => g.Attribute("fill")!.Value == SvgPlot.Palette[7]).Elements(Svg + "circle").Should().HaveCount(10);
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        texts.Should().Contain(["0", "1", "7", "VAE (2-D codes)", "z1", "z2"]);
    }

    [Fact]
    public void Latent_scatter_of_wider_codes_says_which_projection_it_used()
    {
        var codes = Tensor.Randn(new Shape(20, 5), new Generator(2));
        int[] labels = [.. Enumerable.Range(0, 20).Select(i => i % 4)];
        string Title(LatentProjection p) => XDocument.Parse(LatentScatter.Plot(codes, labels, "AE", p).ToSvg())
            .Descendants(Svg + "text").First().Value;
        Title(LatentProjection.Auto).Should().StartWith("AE (PCA of 5 dimensions, ").And.EndWith("% of the variance)");
        Title(LatentProjection.Pca).Should().StartWith("AE (PCA of 5 dimensions");
        Title(LatentProjection.FirstTwo).Should().Be("AE (dimensions 1 and 2 of 5)");
    }

    [Fact]
    public void Latent_scatter_saves_a_file_for_a_model_and_checks_label_counts()
    {
        var dir = Directory.CreateTempSubdirectory("vae-scatter-");
        try
        {
            var vae = VariationalAutoencoder.Mlp(16, [8], 3, new Generator(1));
            var x = Tensor.Rand(new Shape(25, 16), new Generator(2));
            var path = Path.Combine(dir.FullName, "latent.svg");
            LatentScatter.Save(path, vae, x, [.. Enumerable.Range(0, 25).Select(i => i % 10)], "VAE", batchSize: 10);
            var doc = XDocument.Load(path);
            Groups(doc).Should().HaveCount(10);
            FluentActions.Invoking(() => LatentScatter.Save(path, vae, x, [1, 2, 3])).Should().Throw<ArgumentException>().WithMessage("*3 labels*[25, 3]*");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Pca_recovers_the_main_direction_with_a_fixed_sign()
    {
        // 200 points along v = (3, 0, 4)/5 with spread 5, plus small isotropic noise and an offset.
        var g = new Generator(4);
        var t = Tensor.Randn(new Shape(200), g, DType.Float64).ToDoubleArray();
        var noise = Tensor.Randn(new Shape(200, 3), g, DType.Float64).ToDoubleArray();
        var data = new double[600];
        for (int i = 0; i < 200; i++)
        {
            data[3 * i] = 10 + (5 * t[i] * 0.6) + (0.1 * noise[3 * i]);
            data[(3 * i) + 1] = -2 + (0.1 * noise[(3 * i) + 1]);
            data[(3 * i) + 2] = (5 * t[i] * 0.8) + (0.1 * noise[(3 * i) + 2]);
        }

        var (projected, explained) = Pca.Project(data, 200, 3, 2);
        double tMean = t.Average();
        for (int i = 0; i < 200; i++)
        {
            projected[2 * i].Should().BeApproximately(5 * (t[i] - tMean), 0.35, $"point {i}");
        }

        explained[0].Should().BeGreaterThan(0.99);
        (explained[0] + explained[1]).Should().BeLessThanOrEqualTo(1 + 1e-12);
    }

    [Fact]
    public void Jacobi_eigenvalues_match_MathNet()
    {
        var a = Matrix<double>.Build.Random(6, 6, 3);
        var sym = a + a.Transpose();
        var (values, vectors) = Pca.SymmetricEigen(sym.ToArray());
        var expected = sym.Evd().EigenValues.Select(c => c.Real).Order().ToArray();
        values.Order().Should().Equal(expected, (x, y) => Math.Abs(x - y) < 1e-9);
        var v = Matrix<double>.Build.DenseOfArray(vectors);
        (sym * v - v * Matrix<double>.Build.DenseOfDiagonalArray(values)).FrobeniusNorm().Should().BeLessThan(1e-9);
    }

    [Fact]
    public void Loss_curves_draw_train_and_validation_lines_for_each_metric()
    {
        var history = new TrainingHistory("val_loss", MetricMode.Min);
        for (int e = 1; e <= 3; e++)
        {
            history.Add(new EpochRecord(
                e, e * 10,
                new Dictionary<string, double> { ["loss"] = 10.0 / e, ["kl"] = e },
                new Dictionary<string, double> { ["loss"] = 11.0 / e, ["kl"] = e + 0.5 },
                new Dictionary<string, double> { ["lr"] = 1e-3 },
                1.0));
        }

        var doc = XDocument.Parse(LossCurves.Plot(history, ["loss", "kl"], "VAE").ToSvg());
        var lines = doc.Descendants(Svg + "polyline").ToList();
        lines.Should().HaveCount(4);
        lines.Should().OnlyContain(l => l.Attribute("points")!.Value.Split(' ', StringSplitOptions.None).Length == 3);
        doc.Descendants(Svg + "text").Select(t => t.Value).Should().Contain(["train loss", "val loss", "train kl", "val kl", "VAE", "epoch"]);

        FluentActions.Invoking(() => LossCurves.Plot(history, ["elbo"])).Should().Throw<ArgumentException>().WithMessage("*'elbo'*loss, kl*");
    }

    [Fact]
    public void Loss_curves_without_validation_draw_only_training_lines_and_save_atomically()
    {
        var history = new TrainingHistory("train_loss", MetricMode.Min);
        history.Add(new EpochRecord(1, 5, new Dictionary<string, double> { ["loss"] = 3 }, new Dictionary<string, double>(), new Dictionary<string, double>(), 1));
        history.Add(new EpochRecord(2, 10, new Dictionary<string, double> { ["loss"] = 2 }, new Dictionary<string, double>(), new Dictionary<string, double>(), 1));
        var dir = Directory.CreateTempSubdirectory("vae-loss-");
        try
        {
            var path = Path.Combine(dir.FullName, "nested", "loss.svg");
            LossCurves.Save(path, history, logY: true);
            var doc = XDocument.Load(path);
            doc.Descendants(Svg + "polyline").Should().ContainSingle();
            Directory.GetFiles(Path.GetDirectoryName(path)!).Should().ContainSingle();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
