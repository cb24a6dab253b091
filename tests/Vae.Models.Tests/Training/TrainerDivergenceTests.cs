using Vae.Core;
using Vae.Core.Data;
using Vae.Models.Training;

namespace Vae.Models.Tests;

public sealed class TrainerDivergenceTests
{
    private static readonly TensorDataset Train = TrainingKit.Regression(20, 1); // 4 batches of 5

    [Fact]
    public void Non_finite_loss_stops_with_epoch_step_and_metric_and_keeps_last_checkpoint()
    {
        using var dir = new TempDir();
        var objective = new ScriptedObjective { NaNLossAtStep = 11 }; // epoch 3, step 3
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 5, BatchSize = 5, OutputDirectory = dir.Path });
        var afterEpoch = new List<Dictionary<string, float[]>>();
        trainer.EpochCompleted += (_, _) => afterEpoch.Add(TrainingKit.Snapshot(objective.Model));
        byte[]? checkpointBytes = null;
        trainer.StepCompleted += (_, p) =>
        {
            if (p.GlobalStep == 10)
            {
                checkpointBytes = File.ReadAllBytes(dir.File("last.safetensors"));
            }
        };

        var act = () => trainer.Fit(Train, null, new Generator(1));

        var e = act.Should().Throw<TrainingDivergedException>().Which;
        e.Epoch.Should().Be(3);
        e.Step.Should().Be(3);
        e.Metric.Should().Be("loss");
        double.IsNaN(e.Value).Should().BeTrue();
        e.LastCheckpointPath.Should().Be(dir.File("last.safetensors"));
        e.LastCheckpointEpoch.Should().Be(2);
        e.Message.Should().Contain("epoch 3, step 3").And.Contain("loss is NaN").And.Contain("last.safetensors");

        File.ReadAllBytes(dir.File("last.safetensors")).Should().Equal(checkpointBytes, "the good checkpoint is not touched");
        var reloaded = new TinyMlp(4, new Generator(50));
        Trainer.LoadModel(dir.File("last.safetensors"), reloaded);
        TrainingKit.ShouldBeBitIdentical(TrainingKit.Snapshot(reloaded), afterEpoch[1]);
        TrainingHistory.Load(dir.File("history.json")).Epochs.Should().HaveCount(2);
        File.ReadAllLines(dir.File("history.csv")).Should().HaveCount(3);

        // The good checkpoint resumes.
        var resumed = new Trainer(new ScriptedObjective(), new TrainerOptions { Epochs = 3, BatchSize = 5 })
            .Resume(dir.File("last.safetensors"), Train, null, new Generator(1));
        resumed.Epochs.Should().HaveCount(3);
    }

    [Fact]
    public void Non_finite_parameter_is_named()
    {
        using var dir = new TempDir();
        var objective = new ScriptedObjective { NaNParameterAtStep = 6 }; // epoch 2, step 2
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 3, BatchSize = 5, OutputDirectory = dir.Path });

        var e = trainer.Invoking(t => t.Fit(Train, null, new Generator(1))).Should().Throw<TrainingDivergedException>().Which;

        e.Epoch.Should().Be(2);
        e.Step.Should().Be(2);
        e.Metric.Should().Be("parameter fc1.weight");
        e.Value.Should().Be(double.PositiveInfinity);
        e.LastCheckpointEpoch.Should().Be(1);
        Trainer.ReadHistory(dir.File("last.safetensors")).Epochs.Should().HaveCount(1);
    }

    [Fact]
    public void Parameter_check_interval_still_checks_before_checkpointing()
    {
        using var dir = new TempDir();
        var objective = new ScriptedObjective { NaNParameterAtStep = 2 };
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 2, BatchSize = 5, OutputDirectory = dir.Path, ParameterCheckInterval = 100 });

        var e = trainer.Invoking(t => t.Fit(Train, null, new Generator(1))).Should().Throw<TrainingDivergedException>().Which;

        e.Epoch.Should().Be(1);
        e.Step.Should().Be(4, "the end-of-epoch check catches it");
        e.LastCheckpointPath.Should().BeNull();
        File.Exists(dir.File("last.safetensors")).Should().BeFalse();
    }

    [Fact]
    public void Gradient_objective_skips_the_update_of_a_non_finite_loss()
    {
        var (model, objective) = TrainingKit.MlpObjective(3, noise: 0);
        int calls = 0;
        var poisoned = new GradientObjective(model, objective.Optimizer, (b, g) =>
        {
            var l = TrainingKit.Mse(model, b, g, 0);
            return ++calls == 2 ? l with { Total = l.Total * double.NaN } : l;
        });
        var trainer = new Trainer(poisoned, new TrainerOptions { Epochs = 1, BatchSize = 5 });
        var beforeStep2 = new Dictionary<string, float[]>();
        trainer.StepCompleted += (_, p) =>
        {
            if (p.GlobalStep == 1)
            {
                beforeStep2 = TrainingKit.Snapshot(model);
            }
        };

        trainer.Invoking(t => t.Fit(Train, null, new Generator(1))).Should().Throw<TrainingDivergedException>().Which.Step.Should().Be(2);
        TrainingKit.ShouldBeBitIdentical(TrainingKit.Snapshot(model), beforeStep2);
    }

    [Fact]
    public void Gradient_objective_clips_and_reports_grad_norm()
    {
        var (model, objective) = TrainingKit.MlpObjective(3, noise: 0);
        var clipped = new GradientObjective(model, objective.Optimizer, (b, g) => TrainingKit.Mse(model, b, g, 0), clipGradNorm: 1e-3);
        var batch = new Batch([.. Train.Gather([0, 1, 2])], new[] { 0, 1, 2 });
        var metrics = clipped.TrainStep(batch, new Generator(1));

        metrics["grad_norm"].Should().BeGreaterThan(1e-3);
        Math.Sqrt(model.Parameters().Sum(p => p.Grad!.Square().Sum().Item())).Should().BeApproximately(1e-3, 1e-6);
        metrics.Keys.Should().Contain(["loss", "mae"]);
        clipped.EvaluateBatch(batch, new Generator(1))["loss"].Should().BeLessThan(metrics["loss"]);
    }
}
