using System.Text.Json;
using Vae.Core;
using Vae.Core.Data;
using Vae.Core.Serialization;
using Vae.Models.Training;

namespace Vae.Models.Tests;

public sealed class TrainerCheckpointTests
{
    private static readonly TensorDataset Train = TrainingKit.Regression(20, 1);

    [Fact]
    public void Checkpoint_is_one_safetensors_file_with_prefixed_state_and_lossless_generators()
    {
        using var dir = new TempDir();
        var (model, objective) = TrainingKit.MlpObjective(1);
        var g = new Generator(77);
        var loaderGenerator = new Generator(78);
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 2, OutputDirectory = dir.Path, KeepEpochCheckpoints = true });
        var loader = new DataLoader(Train, 8, shuffle: true, generator: loaderGenerator);
        trainer.Fit(loader, null, g);

        var file = SafeTensors.Load(dir.File("last.safetensors"));
        file.Names.Should().OnlyContain(n => n.StartsWith("model.") || n.StartsWith("optimizer.0.") || n.StartsWith("scheduler.0.") || n.StartsWith("generator."));
        file.Names.Should().Contain(["model.fc1.weight", "model.fc2.bias", "optimizer.0.state.0.exp_avg", "optimizer.0.param_groups.0.lr", "scheduler.0.last_epoch"]);
        file["model.fc1.weight"].ToArray().Should().Equal(model.Fc1.Weight.ToArray());
        file["scheduler.0.last_epoch"].Item().Should().Be(2);
        file.Metadata!["format"].Should().Be("vae.net.training-checkpoint/1");

        using var trainerState = JsonDocument.Parse(file.Metadata["trainer"]);
        var root = trainerState.RootElement;
        root.GetProperty("epoch").GetInt32().Should().Be(2);
        root.GetProperty("global_step").GetInt64().Should().Be(6);
        root.GetProperty("optimizers")[0].GetString().Should().Be("Adam");
        Words(file["generator.run"]).Should().Equal(g.GetState());
        Words(file["generator.train_loader"]).Should().Equal(loaderGenerator.GetState());
        file.Names.Should().NotContain(["generator.epoch", "generator.validation_loader"]);
        root.GetProperty("generators").GetProperty("train_loader_sharing").GetString().Should().Be("own");
        TrainingHistory.FromJson(file.Metadata["history"]).Epochs.Should().HaveCount(2);

        File.Exists(dir.File("epoch-0001.safetensors")).Should().BeTrue();
        File.Exists(dir.File("epoch-0002.safetensors")).Should().BeTrue();
        File.Exists(dir.File("best.safetensors")).Should().BeTrue();
        Directory.GetFiles(dir.Path, "*.tmp").Should().BeEmpty();
    }

    [Fact]
    public void Checkpoint_every_n_epochs_and_always_at_the_end()
    {
        using var dir = new TempDir();
        var (_, objective) = TrainingKit.MlpObjective(1);
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 5, OutputDirectory = dir.Path, CheckpointEvery = 2, SaveBest = false, BatchSize = 10 });
        var epochsOnDisk = new List<int>();
        trainer.EpochCompleted += (_, r) => epochsOnDisk.Add(
            File.Exists(dir.File("last.safetensors")) ? Trainer.ReadHistory(dir.File("last.safetensors")).Epochs.Count : -1);
        trainer.Fit(Train, null, new Generator(1));

        // What is on disk when each epoch ends (before that epoch's own checkpoint): written after epochs 2, 4 and 5.
        epochsOnDisk.Should().Equal(-1, -1, 2, 2, 4);
        Trainer.ReadHistory(dir.File("last.safetensors")).Epochs.Should().HaveCount(5);
        File.Exists(dir.File("best.safetensors")).Should().BeFalse();
    }

    [Fact]
    public void No_output_directory_writes_nothing_and_still_trains()
    {
        var (model, objective) = TrainingKit.MlpObjective(1);
        var before = TrainingKit.Snapshot(model);
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 2, BatchSize = 10 });
        var history = trainer.Fit(Train, null, new Generator(1));

        history.Series("train_loss")[1].Should().BeLessThan(history.Series("train_loss")[0]);
        TrainingKit.Snapshot(model)["fc1.weight"].Should().NotEqual(before["fc1.weight"]);
        trainer.LastCheckpointPath.Should().BeNull();
        model.Training.Should().BeTrue("the mode the model had is restored");
    }

    [Fact]
    public void Progress_reports_steps_with_running_means_and_eta()
    {
        var (_, objective) = TrainingKit.MlpObjective(1);
        var progress = new RecordingProgress<TrainingProgress>();
        var records = new List<EpochRecord>();
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 2, BatchSize = 4, ProgressInterval = 2 }) { Progress = progress };
        trainer.EpochCompleted += (_, r) => records.Add(r);
        trainer.Fit(Train, null, new Generator(1)); // 5 steps per epoch

        progress.Reports.Select(p => (p.Epoch, p.Step)).Should().Equal((1, 2), (1, 4), (1, 5), (2, 2), (2, 4), (2, 5));
        progress.Reports.Should().OnlyContain(p => p.StepsPerEpoch == 5 && p.Epochs == 2 && p.Eta >= TimeSpan.Zero);
        progress.Reports[^1].Fraction.Should().Be(1);
        progress.Reports[^1].Eta.Should().Be(TimeSpan.Zero);
        progress.Reports[^1].GlobalStep.Should().Be(10);
        progress.Reports[2].Metrics["loss"].Should().Be(records[0].Train["loss"], "the last report of an epoch carries the epoch mean");
        records.Select(r => r.Epoch).Should().Equal(1, 2);
    }

    /// <summary>Decodes a generator state stored as float64 [12] (low, high 32-bit halves of each word).</summary>
    private static ulong[] Words(Tensor t)
    {
        t.DType.Should().Be(DType.Float64);
        var h = t.ToDoubleArray();
        h.Should().HaveCount(12);
        return Enumerable.Range(0, 6).Select(i => (ulong)h[2 * i] | ((ulong)h[(2 * i) + 1] << 32)).ToArray();
    }
}
