using System.Globalization;
using System.Text.Json;
using Vae.Core;
using Vae.Models.Training;

namespace Vae.Models.Tests;

public sealed class TrainingHistoryTests
{
    [Fact]
    public void Csv_and_json_files_hold_every_epoch()
    {
        using var dir = new TempDir();
        var (_, objective) = TrainingKit.MlpObjective(3);
        var history = new Trainer(objective, new TrainerOptions { Epochs = 3, BatchSize = 8, OutputDirectory = dir.Path })
            .Fit(TrainingKit.Regression(24, 1), TrainingKit.Regression(10, 2), new Generator(4));

        var lines = File.ReadAllLines(dir.File("history.csv"));
        lines[0].Should().Be("epoch,step,train_mae,train_loss,val_mae,val_loss,lr,seconds");
        lines.Should().HaveCount(4);
        for (int e = 0; e < 3; e++)
        {
            var cells = lines[e + 1].Split(',');
            cells[0].Should().Be((e + 1).ToString(CultureInfo.InvariantCulture));
            cells[1].Should().Be((3 * (e + 1)).ToString(CultureInfo.InvariantCulture));
            double.Parse(cells[3], CultureInfo.InvariantCulture).Should().Be(history.Epochs[e].Train["loss"], "CSV numbers round-trip");
            double.Parse(cells[5], CultureInfo.InvariantCulture).Should().Be(history.Epochs[e].Validation["loss"]);
        }

        history.Series("lr").Should().Equal(0.01, 0.01, 0.005); // StepLR(step 2, gamma 0.5), recorded before stepping
        var loaded = TrainingHistory.Load(dir.File("history.json"));
        TrainingKit.Metrics(loaded).Should().BeEquivalentTo(TrainingKit.Metrics(history), o => o.WithStrictOrdering());
        loaded.Series("seconds").Should().Equal(history.Series("seconds"));
        loaded.StopReason.Should().Be(TrainingStopReason.Completed);
        loaded.BestEpoch.Should().Be(history.BestEpoch);
        loaded.BestValue.Should().Be(history.BestValue);

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("history.json")));
        doc.RootElement.GetProperty("format").GetString().Should().Be(TrainingHistory.JsonFormat);
        doc.RootElement.GetProperty("epochs")[2].GetProperty("train").GetProperty("loss").GetDouble().Should().Be(history.Epochs[2].Train["loss"]);
        Directory.GetFiles(dir.Path, "*.tmp").Should().BeEmpty("writes are atomic");
    }

    [Fact]
    public void Train_step_means_are_weighted_by_batch_size()
    {
        // 10 examples in batches of 4, 4, 2: the epoch mean weights the last batch by 2.
        var objective = new ConstantStepObjective();
        var history = new Trainer(objective, new TrainerOptions { Epochs = 1, BatchSize = 4, Shuffle = false })
            .Fit(TrainingKit.Regression(10, 1), null, new Generator(1));

        history.Epochs[0].Train["loss"].Should().BeApproximately(((4 * 1.0) + (4 * 2.0) + (2 * 3.0)) / 10, 1e-15);
    }

    [Fact]
    public void Non_finite_values_round_trip_through_json_and_csv()
    {
        var history = new TrainingHistory("val_loss", MetricMode.Min);
        history.Add(new EpochRecord(
            1, 5,
            new Dictionary<string, double> { ["loss"] = 0.1 + 0.2, ["kl"] = double.NaN },
            new Dictionary<string, double> { ["loss"] = double.PositiveInfinity },
            new Dictionary<string, double> { ["lr"] = 1e-3 },
            1.5));
        history.Add(new EpochRecord(2, 10, new Dictionary<string, double> { ["loss"] = double.NegativeInfinity }, new Dictionary<string, double>(), new Dictionary<string, double>(), 2));

        var back = TrainingHistory.FromJson(history.ToJson());
        back.Epochs[0].Train["loss"].Should().Be(0.1 + 0.2);
        double.IsNaN(back.Epochs[0].Train["kl"]).Should().BeTrue();
        back.Epochs[0].Validation["loss"].Should().Be(double.PositiveInfinity);
        back.Epochs[1].Train["loss"].Should().Be(double.NegativeInfinity);
        back.BestEpoch.Should().BeNull();

        var csv = history.ToCsv().Split('\n');
        csv[0].Should().Be("epoch,step,train_loss,train_kl,val_loss,lr,seconds");
        csv[1].Should().Be("1,5,0.30000000000000004,NaN,Infinity,0.001,1.5");
        csv[2].Should().Be("2,10,-Infinity,,,,2");
    }

    [Fact]
    public void Malformed_json_is_a_format_error()
    {
        FluentActions.Invoking(() => TrainingHistory.FromJson("{\"format\":\"other\"}")).Should().Throw<FormatException>().WithMessage("*unsupported format*");
        FluentActions.Invoking(() => TrainingHistory.FromJson("{")).Should().Throw<FormatException>();
        using var dir = new TempDir();
        File.WriteAllText(dir.File("h.json"), "[]");
        FluentActions.Invoking(() => TrainingHistory.Load(dir.File("h.json"))).Should().Throw<InvalidDataException>().WithMessage("*h.json*");
        FluentActions.Invoking(() => TrainingHistory.Load(dir.File("missing.json"))).Should().Throw<FileNotFoundException>();
    }

    private sealed class ConstantStepObjective : ITrainingObjective
    {
        private readonly TinyMlp _model = new(2, new Generator(1));
        private int _step;

        public Vae.Core.NN.Module Model => _model;

        public IReadOnlyList<Vae.Core.Optim.Optimizer> Optimizers => [];

        public IReadOnlyDictionary<string, double> TrainStep(Vae.Core.Data.Batch batch, Generator generator) =>
            new Dictionary<string, double> { ["loss"] = ++_step };

        public IReadOnlyDictionary<string, double> EvaluateBatch(Vae.Core.Data.Batch batch, Generator generator) =>
            new Dictionary<string, double> { ["loss"] = 0 };
    }
}
