using Vae.Models.Training;

namespace Vae.Models.Visualization;

/// <summary>Training and validation curves of chosen metrics from a <see cref="TrainingHistory"/>, as an SVG line plot.</summary>
public static class LossCurves
{
    /// <summary>
    /// Builds the plot: for each metric m, a line <c>train m</c> (<c>train_m</c>) and, when the history has it, a line
    /// <c>val m</c> (<c>val_m</c>), against the epoch.
    /// </summary>
    /// <param name="history">The history.</param>
    /// <param name="metrics">Metric names without prefix (default: <c>loss</c>).</param>
    /// <param name="title">Plot title.</param>
    /// <param name="logY">Logarithmic y axis.</param>
    /// <param name="validationLabel">Legend name of the validation series (e.g. <c>test</c> when the test set is used for validation).</param>
    /// <exception cref="ArgumentException">A metric is in neither the training nor the validation series.</exception>
    public static SvgPlot Plot(TrainingHistory history, IReadOnlyList<string>? metrics = null, string title = "Loss", bool logY = false, string validationLabel = "val")
    {
        ArgumentNullException.ThrowIfNull(history);
        metrics ??= ["loss"];
        if (metrics.Count == 0)
        {
            throw new ArgumentException("LossCurves: no metrics given.", nameof(metrics));
        }

        var plot = new SvgPlot(title, "epoch", metrics.Count == 1 ? metrics[0] : "value") { LogY = logY };
        double[] epochs = [.. history.Epochs.Select(e => (double)e.Epoch)];
        foreach (string m in metrics)
        {
            bool any = false;
            foreach (string prefix in (ReadOnlySpan<string>)["train", "val"])
            {
                var series = history.Series($"{prefix}_{m}");
                if (series.Any(v => !double.IsNaN(v)))
                {
                    plot.AddLine($"{(prefix == "val" ? validationLabel : prefix)} {m}", epochs, series);
                    any = true;
                }
            }

            if (!any && history.Epochs.Count > 0)
            {
                var known = history.Epochs.SelectMany(e => e.Train.Keys.Concat(e.Validation.Keys)).Distinct();
                throw new ArgumentException($"LossCurves: the history has no metric '{m}' (it has {string.Join(", ", known)}).", nameof(metrics));
            }
        }

        return plot;
    }

    /// <summary>Saves the plot as SVG (written atomically; folders are created). Arguments as in <see cref="Plot"/>.</summary>
    /// <param name="path">Destination .svg.</param>
    /// <param name="history">The history.</param>
    /// <param name="metrics">Metric names without prefix (default: <c>loss</c>).</param>
    /// <param name="title">Plot title.</param>
    /// <param name="logY">Logarithmic y axis.</param>
    /// <param name="validationLabel">Legend name of the validation series.</param>
    public static void Save(string path, TrainingHistory history, IReadOnlyList<string>? metrics = null, string title = "Loss", bool logY = false, string validationLabel = "val")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Plot(history, metrics, title, logY, validationLabel).Save(path);
    }
}
