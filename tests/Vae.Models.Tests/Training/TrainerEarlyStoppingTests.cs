using Vae.Core;
using Vae.Core.Data;
using Vae.Models.Training;

namespace Vae.Models.Tests;

public sealed class TrainerEarlyStoppingTests
{
    private static readonly TensorDataset Train = TrainingKit.Regression(20, 1);
    private static readonly TensorDataset Validation = TrainingKit.Regression(6, 2);

    [Fact]
    public void Stops_after_patience_epochs_without_improvement()
    {
        var objective = new ScriptedObjective(5, 4, 4.5, 4.2, 4.1, 3, 2, 1);
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 8, BatchSize = 10, EarlyStoppingPatience = 3 });
        var history = trainer.Fit(Train, Validation, new Generator(1));

        history.StopReason.Should().Be(TrainingStopReason.EarlyStopped);
        history.Epochs.Should().HaveCount(5, "epoch 2 is the best; epochs 3, 4, 5 do not improve on it");
        history.BestEpoch.Should().Be(2);
        history.BestValue.Should().Be(4);
        history.Monitor.Should().Be("val_loss");
    }

    [Fact]
    public void Min_delta_requires_a_significant_improvement()
    {
        var objective = new ScriptedObjective(5, 4.95, 4.9, 4.85, 1);
        var history = new Trainer(objective, new TrainerOptions { Epochs = 5, BatchSize = 10, EarlyStoppingPatience = 2, EarlyStoppingMinDelta = 0.1 })
            .Fit(Train, Validation, new Generator(1));

        history.Epochs.Should().HaveCount(3);
        history.BestEpoch.Should().Be(1);
    }

    [Fact]
    public void Max_mode_on_another_metric()
    {
        // score = -val_loss: 1, 2, 3 are getting worse in max mode after epoch 1 (scores -1, -2, -3).
        var objective = new ScriptedObjective(1, 2, 3, 0.5);
        var history = new Trainer(objective, new TrainerOptions
        {
            Epochs = 4,
            BatchSize = 10,
            Monitor = "val_score",
            MonitorMode = MetricMode.Max,
            EarlyStoppingPatience = 2,
        }).Fit(Train, Validation, new Generator(1));

        history.Epochs.Should().HaveCount(3);
        history.BestEpoch.Should().Be(1);
        history.BestValue.Should().Be(-1);
        history.Mode.Should().Be(MetricMode.Max);
    }

    [Fact]
    public void Runs_all_epochs_when_it_keeps_improving_and_saves_best_checkpoint_of_best_epoch()
    {
        using var dir = new TempDir();
        var objective = new ScriptedObjective(5, 4, 6, 3.5, 7);
        var snapshots = new List<Dictionary<string, float[]>>();
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 5, BatchSize = 10, EarlyStoppingPatience = 3, OutputDirectory = dir.Path });
        trainer.EpochCompleted += (_, _) => snapshots.Add(TrainingKit.Snapshot(objective.Model));
        var history = trainer.Fit(Train, Validation, new Generator(1));

        history.StopReason.Should().Be(TrainingStopReason.Completed);
        history.BestEpoch.Should().Be(4);
        Trainer.ReadHistory(dir.File("best.safetensors")).Epochs.Should().HaveCount(4);
        Trainer.ReadHistory(dir.File("last.safetensors")).Epochs.Should().HaveCount(5);
        var best = new TinyMlp(4, new Generator(99));
        Trainer.LoadModel(dir.File("best.safetensors"), best);
        TrainingKit.ShouldBeBitIdentical(TrainingKit.Snapshot(best), snapshots[3]);
    }

    [Fact]
    public void Resuming_an_early_stopped_checkpoint_trains_no_further()
    {
        using var dir = new TempDir();
        var options = new TrainerOptions { Epochs = 10, BatchSize = 10, EarlyStoppingPatience = 1, OutputDirectory = dir.Path };
        new Trainer(new ScriptedObjective(5, 6, 1, 1), options).Fit(Train, Validation, new Generator(1))
            .Epochs.Should().HaveCount(2);

        var resumed = new Trainer(new ScriptedObjective(), options).Resume(dir.File("last.safetensors"), Train, Validation, new Generator(1));
        resumed.StopReason.Should().Be(TrainingStopReason.EarlyStopped);
        resumed.Epochs.Should().HaveCount(2);
    }

    [Fact]
    public void Plateau_scheduler_gets_the_monitored_validation_metric()
    {
        var objective = new ScriptedObjective(5, 6, 7, 8);
        var plateau = new Vae.Core.Optim.ReduceLROnPlateau(objective.Optimizers[0], patience: 1, factor: 0.5);
        var wrapped = new PlateauObjective(objective, plateau);
        var history = new Trainer(wrapped, new TrainerOptions { Epochs = 4, BatchSize = 10 }).Fit(Train, Validation, new Generator(1));

        // Bad epochs 2, 3 → reduce after epoch 3 (patience 1): epoch 4 runs at half the rate.
        history.Series("lr").Should().Equal(0.01, 0.01, 0.01, 0.005);
    }

    private sealed class PlateauObjective(ScriptedObjective inner, Vae.Core.Optim.ReduceLROnPlateau plateau) : ITrainingObjective
    {
        public Vae.Core.NN.Module Model => inner.Model;

        public IReadOnlyList<Vae.Core.Optim.Optimizer> Optimizers => inner.Optimizers;

        public IReadOnlyList<EpochScheduler> Schedulers => [plateau];

        public IReadOnlyDictionary<string, double> TrainStep(Batch batch, Generator generator) => inner.TrainStep(batch, generator);

        public IReadOnlyDictionary<string, double> EvaluateBatch(Batch batch, Generator generator) => inner.EvaluateBatch(batch, generator);
    }
}
