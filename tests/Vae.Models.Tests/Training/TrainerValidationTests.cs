using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;
using Vae.Core.Serialization;
using Vae.Models.Training;

namespace Vae.Models.Tests;

/// <summary>Bad inputs give clear errors.</summary>
public sealed class TrainerValidationTests
{
    private static readonly TensorDataset Train = TrainingKit.Regression(12, 1);

    [Theory]
    [InlineData("BatchSize")]
    [InlineData("Epochs")]
    [InlineData("CheckpointEvery")]
    [InlineData("EarlyStoppingPatience")]
    [InlineData("ParameterCheckInterval")]
    public void Out_of_range_options_are_rejected_by_name(string name)
    {
        var options = name switch
        {
            "BatchSize" => new TrainerOptions { BatchSize = 0 },
            "Epochs" => new TrainerOptions { Epochs = 0 },
            "CheckpointEvery" => new TrainerOptions { CheckpointEvery = 0 },
            "EarlyStoppingPatience" => new TrainerOptions { EarlyStoppingPatience = 0 },
            _ => new TrainerOptions { ParameterCheckInterval = -1 },
        };
        var (_, objective) = TrainingKit.MlpObjective(1);

        FluentActions.Invoking(() => new Trainer(objective, options))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*TrainerOptions.{name}*");
    }

    [Fact]
    public void Empty_dataset_is_rejected()
    {
        var (_, objective) = TrainingKit.MlpObjective(1);
        var empty = new TensorDataset(Tensor.Zeros(0, 4), Tensor.Zeros(0, 2));
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 1 });

        trainer.Invoking(t => t.Fit(empty, null, new Generator(1)))
            .Should().Throw<ArgumentException>().WithMessage("*training data yields no batches (0 examples, batch size 64)*");
        trainer.Invoking(t => t.Fit(Train, empty, new Generator(1)))
            .Should().Throw<ArgumentException>().WithMessage("*validation data yields no batches*");
        trainer.Invoking(t => t.Fit(new DataLoader(Train, 20, dropLast: true), null, new Generator(1)))
            .Should().Throw<ArgumentException>().WithMessage("*12 examples, batch size 20, dropLast*");
    }

    [Fact]
    public void Missing_checkpoint_names_the_file()
    {
        var (_, objective) = TrainingKit.MlpObjective(1);
        string path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "last.safetensors");

        new Trainer(objective).Invoking(t => t.Resume(path, Train, null, new Generator(1)))
            .Should().Throw<FileNotFoundException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void Safetensors_file_that_is_not_a_training_checkpoint_is_invalid_data()
    {
        using var dir = new TempDir();
        SafeTensors.Save(dir.File("weights.safetensors"), new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(2) });
        var (_, objective) = TrainingKit.MlpObjective(1);

        new Trainer(objective).Invoking(t => t.Resume(dir.File("weights.safetensors"), Train, null, new Generator(1)))
            .Should().Throw<InvalidDataException>().WithMessage("*weights.safetensors*not a Vae.NET training checkpoint*");
    }

    [Fact]
    public void Checkpoint_of_another_architecture_names_keys_and_shapes_and_changes_nothing()
    {
        using var dir = new TempDir();
        var (_, small) = TrainingKit.MlpObjective(1, hidden: 8);
        new Trainer(small, new TrainerOptions { Epochs = 1, OutputDirectory = dir.Path }).Fit(Train, null, new Generator(1));

        var (big, bigObjective) = TrainingKit.MlpObjective(2, hidden: 16);
        var before = TrainingKit.Snapshot(big);
        var optimizerBefore = bigObjective.Optimizer.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());

        var e = new Trainer(bigObjective).Invoking(t => t.Resume(dir.File("last.safetensors"), Train, null, new Generator(1)))
            .Should().Throw<ArgumentException>().Which;
        e.Message.Should().Contain("last.safetensors").And.Contain("TinyMlp")
            .And.Contain("\"fc1.weight\": state dict has [8, 4], module has [16, 4]")
            .And.Contain("\"fc2.weight\": state dict has [2, 8], module has [2, 16]");
        TrainingKit.ShouldBeBitIdentical(TrainingKit.Snapshot(big), before);
        bigObjective.Optimizer.StateDict().Should().HaveCount(optimizerBefore.Count);

        FluentActions.Invoking(() => Trainer.LoadModel(dir.File("last.safetensors"), big))
            .Should().Throw<ArgumentException>().WithMessage("*fc1.bias*[8]*[16]*");
    }

    [Fact]
    public void Checkpoint_with_another_optimizer_type_is_rejected()
    {
        using var dir = new TempDir();
        var (_, adam) = TrainingKit.MlpObjective(1, adam: true);
        new Trainer(adam, new TrainerOptions { Epochs = 1, OutputDirectory = dir.Path }).Fit(Train, null, new Generator(1));
        var (_, sgd) = TrainingKit.MlpObjective(1, adam: false);

        new Trainer(sgd).Invoking(t => t.Resume(dir.File("last.safetensors"), Train, null, new Generator(1)))
            .Should().Throw<ArgumentException>().WithMessage("*optimizer 0 is Adam in the checkpoint but Sgd here*");
    }

    [Fact]
    public void Resume_with_differently_shared_loader_generator_is_rejected()
    {
        using var dir = new TempDir();
        var (_, objective) = TrainingKit.MlpObjective(1);
        var g = new Generator(1);
        new Trainer(objective, new TrainerOptions { Epochs = 1, OutputDirectory = dir.Path }).Fit(new DataLoader(Train, 4, shuffle: true, generator: g), null, g);

        var g2 = new Generator(1);
        new Trainer(objective).Invoking(t => t.Resume(dir.File("last.safetensors"), new DataLoader(Train, 4, shuffle: true, generator: new Generator(2)), null, g2))
            .Should().Throw<ArgumentException>().WithMessage("*training loader's generator was the run generator*but is a generator of its own now*");
    }

    [Fact]
    public void Optimizer_over_tensors_outside_the_model_is_rejected()
    {
        var model = new TinyMlp(4, new Generator(1));
        var stray = Tensor.Zeros(3).SetRequiresGrad();
        var objective = new GradientObjective(model, new Sgd([.. model.Parameters(), stray], lr: 0.1), (b, g) => TrainingKit.Mse(model, b, g, 0));

        FluentActions.Invoking(() => new Trainer(objective))
            .Should().Throw<ArgumentException>().WithMessage("*tensor of shape [3] that is not a parameter of the objective's model (TinyMlp)*");
    }

    [Fact]
    public void Scheduler_of_a_foreign_optimizer_is_rejected()
    {
        var model = new TinyMlp(4, new Generator(1));
        var opt = new Sgd(model.Parameters(), lr: 0.1);
        var other = new Sgd(new TinyMlp(4, new Generator(2)).Parameters(), lr: 0.1);
        var objective = new GradientObjective(model, opt, (b, g) => TrainingKit.Mse(model, b, g, 0)) { Schedulers = [new StepLR(other, 1)] };

        FluentActions.Invoking(() => new Trainer(objective)).Should().Throw<ArgumentException>().WithMessage("*Scheduler 0 (StepLR)*");
    }

    [Fact]
    public void Step_without_loss_metric_and_unknown_monitor_are_explained()
    {
        var trainer = new Trainer(new ScriptedObjective { OmitLoss = true }, new TrainerOptions { Epochs = 1, BatchSize = 4 });
        trainer.Invoking(t => t.Fit(Train, null, new Generator(1)))
            .Should().Throw<InvalidOperationException>().WithMessage("*must return a \"loss\" metric; it returned [mse]*");

        var monitored = new Trainer(new ScriptedObjective(1), new TrainerOptions { Epochs = 1, BatchSize = 4, Monitor = "val_elbo", EarlyStoppingPatience = 2 });
        monitored.Invoking(t => t.Fit(Train, Train, new Generator(1)))
            .Should().Throw<InvalidOperationException>().WithMessage("*'val_elbo' does not exist*val_loss*");
    }

    [Fact]
    public void Gradient_objective_rejects_non_scalar_loss_and_bad_clip()
    {
        var model = new TinyMlp(4, new Generator(1));
        var opt = new Sgd(model.Parameters(), lr: 0.1);
        FluentActions.Invoking(() => new GradientObjective(model, opt, (b, g) => new LossOutput(b[0]), clipGradNorm: 0))
            .Should().Throw<ArgumentOutOfRangeException>();
        var objective = new GradientObjective(model, opt, (b, g) => new LossOutput(b[0]));
        var batch = new Batch([.. Train.Gather([0, 1])], new[] { 0, 1 });
        objective.Invoking(o => o.TrainStep(batch, new Generator(1)))
            .Should().Throw<InvalidOperationException>().WithMessage("*one element, got shape [2, 4]*");
    }

    [Fact]
    public void Resume_with_another_monitor_or_other_data_mid_epoch_is_rejected()
    {
        using var dir = new TempDir();
        var (_, objective) = TrainingKit.MlpObjective(1);
        using var cts = new CancellationTokenSource();
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 2, BatchSize = 4, OutputDirectory = dir.Path });
        trainer.StepCompleted += (_, p) =>
        {
            if (p.GlobalStep == 2)
            {
                cts.Cancel();
            }
        };
        trainer.Fit(Train, null, new Generator(1), cts.Token).StopReason.Should().Be(TrainingStopReason.Cancelled);
        string path = dir.File("last.safetensors");

        new Trainer(objective, new TrainerOptions { Epochs = 2, BatchSize = 4, Monitor = "train_mae" })
            .Invoking(t => t.Resume(path, Train, null, new Generator(1)))
            .Should().Throw<ArgumentException>().WithMessage("*monitors train_loss (Min), these options monitor train_mae (Min)*");
        new Trainer(objective, new TrainerOptions { Epochs = 2, BatchSize = 3 })
            .Invoking(t => t.Resume(path, Train, null, new Generator(1)))
            .Should().Throw<ArgumentException>().WithMessage("*2 steps into epoch 1 of 12 examples in 3 batches, but the training data now has 12 examples in 4 batches*");
        new Trainer(objective, new TrainerOptions { Epochs = 2, BatchSize = 4 })
            .Resume(path, Train, null, new Generator(1)).Epochs.Should().HaveCount(2);
    }

    [Fact]
    public void Truncated_checkpoint_is_invalid_data()
    {
        using var dir = new TempDir();
        var (_, objective) = TrainingKit.MlpObjective(1);
        new Trainer(objective, new TrainerOptions { Epochs = 1, OutputDirectory = dir.Path }).Fit(Train, null, new Generator(1));
        var bytes = File.ReadAllBytes(dir.File("last.safetensors"));
        File.WriteAllBytes(dir.File("cut.safetensors"), bytes[..(bytes.Length / 2)]);

        new Trainer(objective).Invoking(t => t.Resume(dir.File("cut.safetensors"), Train, null, new Generator(1)))
            .Should().Throw<InvalidDataException>().WithMessage("*cut.safetensors*");
    }
}
