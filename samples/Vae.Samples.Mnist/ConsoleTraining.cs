using System.Globalization;
using Spectre.Console;
using Vae.Core;
using Vae.Core.Data;
using Vae.Models.Training;

namespace Vae.Samples.Mnist;

/// <summary>Runs a <see cref="Trainer"/> under a Spectre.Console progress bar and prints a table after each epoch.</summary>
internal static class ConsoleTraining
{
    public static TrainingHistory Fit(
        string name, ITrainingObjective objective, TrainerOptions options, DataLoader train, DataLoader test, Generator generator, CancellationToken ct)
    {
        var trainer = new Trainer(objective, options);
        TrainingHistory? history = null;
        NewProgress().Start(ctx =>
        {
            var task = ctx.AddTask(Escape(name), maxValue: (double)options.Epochs * train.BatchCount);
            trainer.StepCompleted += (_, p) =>
            {
                task.Value = ((double)(p.Epoch - 1) * p.StepsPerEpoch) + p.Step;
                task.Description = Escape(string.Create(CultureInfo.InvariantCulture, $"{name} epoch {p.Epoch}/{p.Epochs} loss {p.Metrics["loss"]:F2}"));
            };
            trainer.EpochCompleted += (_, e) => AnsiConsole.Write(EpochTable(name, e, options.Epochs));
            history = trainer.Fit(train, test, generator, ct);
            task.Value = task.MaxValue;
        });
        return history!;
    }

    /// <summary>A progress display with a bar, percentage, elapsed and remaining time.</summary>
    public static Progress NewProgress() => AnsiConsole.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn());

    public static string Escape(string text) => Markup.Escape(text);

    private static Table EpochTable(string name, EpochRecord e, int epochs)
    {
        var table = new Table()
            .Title(Escape(string.Create(CultureInfo.InvariantCulture, $"{name} — epoch {e.Epoch}/{epochs} ({e.Seconds:F1} s)")))
            .AddColumn("metric")
            .AddColumn(new TableColumn("train").RightAligned())
            .AddColumn(new TableColumn("test").RightAligned());
        foreach (var (metric, value) in e.Train)
        {
            string test = e.Validation.TryGetValue(metric, out double v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "";
            table.AddRow(Escape(metric), value.ToString("F3", CultureInfo.InvariantCulture), test);
        }

        return table;
    }
}
