using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Vae.Core;
using Vae.Core.Data;
using Vae.Models;
using Vae.Models.Training;
using Vae.Models.Visualization;

namespace Vae.Samples.Mnist;

/// <summary>Pictures, metrics.json and the final summary table.</summary>
internal static class Outputs
{
    private const int ScatterCount = 5000;

    /// <summary>Pairs of digits interpolated between (the first test image of each digit is used).</summary>
    private static readonly (int From, int To)[] InterpolationDigits = [(1, 7), (3, 8), (4, 9), (0, 6), (2, 5), (7, 2)];

    public static List<string> Write(
        SampleOptions o, VariationalAutoencoder vae, TrainingHistory vaeHistory, Autoencoder? ae, TrainingHistory? aeHistory, MnistData test,
        Dictionary<string, (double MeanAbs, double Std)> codeStats)
    {
        var files = new List<string>();
        string Out(string name)
        {
            string path = Path.Combine(o.Output, name);
            files.Add(path);
            return path;
        }

        var (from, to) = InterpolationPairs(test);
        var originals = test.Images.Narrow(0, 0, 16);
        int n = Math.Min(ScatterCount, test.Count);
        var scatterImages = test.Images.Narrow(0, 0, n);
        int[] scatterLabels = test.Labels[..n];
        foreach (var (name, model) in Models(vae, ae))
        {
            string prefix = name.ToLowerInvariant();
            SampleGrid.Save(Out($"{prefix}-samples.png"), model, 64, new Generator(o.Seed + 200), columns: 8);
            InterpolationStrip.Save(Out($"{prefix}-interpolation.png"), model, from, to, steps: 10);
            ReconstructionComparison.Save(Out($"{prefix}-reconstructions.png"), model, originals, columns: 8);
            var codes = LatentScatter.Encode(model, scatterImages);
            codeStats[name] = CodeStatistics(codes);
            var projection = o.Latent == 2 ? LatentProjection.Auto : LatentProjection.FirstTwo;
            LatentScatter.Save(Out($"{prefix}-latent.svg"), codes, scatterLabels, $"{name} test codes", projection);
            if (o.Latent > 2)
            {
                LatentScatter.Save(Out($"{prefix}-latent-pca.svg"), codes, scatterLabels, $"{name} test codes", LatentProjection.Pca);
            }
        }

        if (o.Latent == 2)
        {
            ManifoldGrid.Save(Out("vae-manifold.png"), vae, size: 20, range: 3);
        }

        LossCurves.Save(Out("vae-loss.svg"), vaeHistory, ["loss"], "VAE: negative ELBO per image", validationLabel: "test");
        LossCurves.Save(Out("vae-terms.svg"), vaeHistory, ["recon", "kl"], "VAE: reconstruction and KL per image", validationLabel: "test");
        if (aeHistory is not null)
        {
            LossCurves.Save(Out("ae-loss.svg"), aeHistory, ["loss"], "AE: reconstruction loss per image", validationLabel: "test");
        }

        return files;
    }

    public static string WriteMetrics(SampleOptions o, SampleMetrics m, TrainingHistory vaeHistory, TrainingHistory? aeHistory)
    {
        var vae = new JsonObject
        {
            ["architecture"] = $"784-{o.HiddenText.Replace(',', '-')}-{o.Latent}",
            ["final_train_loss"] = vaeHistory.Epochs[^1].Train["loss"],
            ["test_neg_elbo"] = m.VaeElbo.NegativeElbo,
            ["test_recon"] = m.VaeElbo.Reconstruction,
            ["test_kl"] = m.VaeElbo.Kl,
            ["test_images"] = m.VaeElbo.Count,
            ["active_units"] = m.VaeActiveUnits.Count,
            ["active_unit_variances"] = new JsonArray([.. m.VaeActiveUnits.Variances.Select(v => (JsonNode)v)]),
            ["seconds_per_epoch"] = m.VaeSecondsPerEpoch,
        };
        AddCodeStats(vae, m, "VAE");
        if (m.VaeLogLikelihood is { } ll)
        {
            vae["is_nll"] = ll.Nll;
            vae["is_nll_stderr"] = ll.StandardError;
            vae["is_neg_elbo_same_images"] = m.SubsetNegativeElbo;
            vae["is_k"] = ll.Samples;
            vae["is_images"] = ll.Count;
            vae["is_seconds"] = m.ImportanceSeconds;
        }

        var root = new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["latent"] = o.Latent,
                ["hidden"] = new JsonArray([.. o.Hidden.Select(h => (JsonNode)h)]),
                ["likelihood"] = o.LikelihoodName,
                ["beta"] = o.Beta,
                ["lr"] = o.LearningRate,
                ["epochs"] = o.Epochs,
                ["batch_size"] = o.BatchSize,
                ["seed"] = o.Seed,
            },
            ["vae"] = vae,
        };
        if (aeHistory is not null && m.AeReconstruction is double aeRecon)
        {
            root["ae"] = new JsonObject
            {
                ["final_train_loss"] = aeHistory.Epochs[^1].Train["loss"],
                ["test_recon"] = aeRecon,
                ["active_units"] = m.AeActiveUnits!.Count,
                ["active_unit_variances"] = new JsonArray([.. m.AeActiveUnits.Variances.Select(v => (JsonNode)v)]),
                ["seconds_per_epoch"] = m.AeSecondsPerEpoch,
            };
            AddCodeStats(root["ae"]!.AsObject(), m, "AE");
        }

        root["total_seconds"] = m.TotalSeconds;
        string path = Path.Combine(o.Output, "metrics.json");
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    private static void AddCodeStats(JsonObject target, SampleMetrics m, string name)
    {
        if (m.CodeStatistics.TryGetValue(name, out var s))
        {
            target["code_mean_abs"] = s.MeanAbs;
            target["code_std"] = s.Std;
        }
    }

    public static void PrintSummary(SampleOptions o, SampleMetrics m, List<string> files)
    {
        var c = CultureInfo.InvariantCulture;
        string F(double? v, string format = "F2") => v is double d ? d.ToString(format, c) : "–";
        string Codes(string name) => m.CodeStatistics.TryGetValue(name, out var s) ? $"{F(s.MeanAbs)}, {F(s.Std)}" : "–";
        var table = new Table().Title("Test-set summary (per image, nats)")
            .AddColumn("model")
            .AddColumn(new TableColumn("−ELBO").RightAligned())
            .AddColumn(new TableColumn("recon").RightAligned())
            .AddColumn(new TableColumn("KL").RightAligned())
            .AddColumn(new TableColumn("IS NLL").RightAligned())
            .AddColumn(new TableColumn("active units").RightAligned())
            .AddColumn(new TableColumn("codes |μ|, σ").RightAligned())
            .AddColumn(new TableColumn("s/epoch").RightAligned());
        table.AddRow(
            "VAE", F(m.VaeElbo.NegativeElbo), F(m.VaeElbo.Reconstruction), F(m.VaeElbo.Kl),
            m.VaeLogLikelihood is { } ll ? $"{F(ll.Nll)} ± {F(ll.StandardError)}" : "skipped",
            $"{m.VaeActiveUnits.Count}/{o.Latent}", Codes("VAE"), F(m.VaeSecondsPerEpoch, "F1"));
        if (m.AeReconstruction is double ae)
        {
            table.AddRow("AE", "–", F(ae), "–", "–", $"{m.AeActiveUnits!.Count}/{o.Latent}", Codes("AE"), F(m.AeSecondsPerEpoch, "F1"));
        }

        if (m.VaeLogLikelihood is { } l)
        {
            table.Caption(ConsoleTraining.Escape(string.Create(
                c, $"IS NLL: importance-sampled −log p(x), k = {l.Samples}, on the first {l.Count} test images (± standard error over images); −ELBO on the same images: {m.SubsetNegativeElbo:F2}")));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(ConsoleTraining.Escape(string.Create(c, $"Wrote {files.Count} files and checkpoints (vae/, ae/) to {Path.GetFullPath(o.Output)} in {m.TotalSeconds:F0} s:")));
        foreach (var f in files)
        {
            AnsiConsole.MarkupLine("  " + ConsoleTraining.Escape(Path.GetFileName(f)));
        }
    }

    /// <summary>Mean over latent dimensions of |mean| and of the standard deviation of the codes: ≈ (0, 1) for N(0, I).</summary>
    private static (double MeanAbs, double Std) CodeStatistics(Tensor codes)
    {
        var z = codes.Double();
        return (z.Mean(0).Abs().Mean().Item(), z.Std(0, unbiased: false).Mean().Item());
    }

    private static IEnumerable<(string Name, ILatentVariableModel Model)> Models(VariationalAutoencoder vae, Autoencoder? ae)
    {
        yield return ("VAE", vae);
        if (ae is not null)
        {
            yield return ("AE", ae);
        }
    }

    private static (Tensor From, Tensor To) InterpolationPairs(MnistData test)
    {
        int First(int digit) => Array.IndexOf(test.Labels, digit) is int i and >= 0 ? i : 0;
        int[] from = [.. InterpolationDigits.Select(p => First(p.From))];
        int[] to = [.. InterpolationDigits.Select(p => First(p.To))];
        return (test.Images.IndexSelect(0, from), test.Images.IndexSelect(0, to));
    }
}
