using Vae.Core;
using Vae.Core.Data;
using Vae.Models.Training;

namespace Vae.Models.Tests;

/// <summary>The key acceptance test: an interrupted and resumed run ends bit-identical to an uninterrupted one.</summary>
public sealed class TrainerResumeTests
{
    private const ulong Seed = 42;
    private static readonly TensorDataset Train = TrainingKit.Regression(37, 1); // 5 batches of 8 (last one 5 rows)
    private static readonly TensorDataset Validation = TrainingKit.Regression(12, 2);

    public enum Interruption
    {
        /// <summary>A first run of 2 epochs, then a fresh trainer resumes to 4.</summary>
        AfterEpoch2,

        /// <summary>Cancelled in the middle of epoch 2 (after global step 7), then resumed.</summary>
        MidEpoch2,

        /// <summary>Cancelled before the first step, then resumed.</summary>
        BeforeStart,
    }

    [Theory]
    [InlineData(Interruption.AfterEpoch2, true)]
    [InlineData(Interruption.AfterEpoch2, false)]
    [InlineData(Interruption.MidEpoch2, true)]
    [InlineData(Interruption.MidEpoch2, false)]
    [InlineData(Interruption.BeforeStart, true)]
    public void Resumed_run_is_bit_identical_to_uninterrupted_run(Interruption interruption, bool loaderSharesRunGenerator)
    {
        using var dirA = new TempDir();
        using var dirB = new TempDir();

        // Uninterrupted reference: 4 epochs.
        var (modelA, objectiveA) = TrainingKit.MlpObjective(7);
        var historyA = new Trainer(objectiveA, Options(dirA.Path, 4)).Fit(Setup(loaderSharesRunGenerator, out var genA), Val(), genA);
        historyA.StopReason.Should().Be(TrainingStopReason.Completed);
        historyA.Epochs.Should().HaveCount(4);

        // Interrupted run.
        var (_, objectiveB) = TrainingKit.MlpObjective(7);
        using var cts = new CancellationTokenSource();
        var trainerB = new Trainer(objectiveB, Options(dirB.Path, interruption == Interruption.AfterEpoch2 ? 2 : 4));
        if (interruption == Interruption.MidEpoch2)
        {
            trainerB.StepCompleted += (_, p) =>
            {
                if (p.GlobalStep == 7)
                {
                    cts.Cancel();
                }
            };
        }
        else if (interruption == Interruption.BeforeStart)
        {
            cts.Cancel();
        }

        var historyB = trainerB.Fit(Setup(loaderSharesRunGenerator, out var genB), Val(), genB, cts.Token);
        var expectedReason = interruption == Interruption.AfterEpoch2 ? TrainingStopReason.Completed : TrainingStopReason.Cancelled;
        historyB.StopReason.Should().Be(expectedReason);
        historyB.Epochs.Should().HaveCount(interruption switch { Interruption.AfterEpoch2 => 2, Interruption.MidEpoch2 => 1, _ => 0 });
        trainerB.LastCheckpointPath.Should().Be(dirB.File(Trainer.LastCheckpointFileName));

        // A fresh process: new model (same architecture, different init), new loaders, a generator with another seed.
        var (modelC, objectiveC) = TrainingKit.MlpObjective(12345);
        var historyC = new Trainer(objectiveC, Options(dirB.Path, 4))
            .Resume(dirB.File(Trainer.LastCheckpointFileName), Setup(loaderSharesRunGenerator, out var genC, seed: 999), Val(), genC);

        historyC.StopReason.Should().Be(TrainingStopReason.Completed);
        TrainingKit.ShouldBeBitIdentical(TrainingKit.Snapshot(modelC), TrainingKit.Snapshot(modelA));
        TrainingKit.Metrics(historyC).Should().BeEquivalentTo(TrainingKit.Metrics(historyA), o => o.WithStrictOrdering());
        genC.GetState().Should().Equal(genA.GetState());
        objectiveC.Optimizer.ParamGroups[0].LearningRate.Should().Be(objectiveA.Optimizer.ParamGroups[0].LearningRate);
        TrainingHistory.Load(dirB.File("history.json")).Epochs.Should().HaveCount(4);
    }

    [Fact]
    public void Multi_optimizer_objective_with_state_and_plateau_schedule_resumes_bit_exactly()
    {
        using var dirA = new TempDir();
        using var dirB = new TempDir();
        var a = new TwoPhaseObjective(3);
        var historyA = new Trainer(a, Options(dirA.Path, 4)).Fit(Setup(false, out var genA), Val(), genA);

        var b = new TwoPhaseObjective(3);
        using var cts = new CancellationTokenSource();
        var trainerB = new Trainer(b, Options(dirB.Path, 4));
        trainerB.StepCompleted += (_, p) =>
        {
            if (p.GlobalStep == 13)
            {
                cts.Cancel();
            }
        };
        trainerB.Fit(Setup(false, out var genB), Val(), genB, cts.Token).StopReason.Should().Be(TrainingStopReason.Cancelled);

        var c = new TwoPhaseObjective(77);
        var historyC = new Trainer(c, Options(dirB.Path, 4)).Resume(dirB.File(Trainer.LastCheckpointFileName), Setup(false, out var genC), Val(), genC);

        TrainingKit.ShouldBeBitIdentical(TrainingKit.Snapshot(c.Model), TrainingKit.Snapshot(a.Model));
        c.Ema.Should().Be(a.Ema);
        c.SkippedSteps.Should().BeGreaterThan(0, "the skip rule is exercised");
        TrainingKit.Metrics(historyC).Should().BeEquivalentTo(TrainingKit.Metrics(historyA), o => o.WithStrictOrdering());
        historyA.Epochs[0].LearningRates.Keys.Should().Equal("lr_0", "lr_1");
    }

    [Fact]
    public void Dataset_overload_resumes_bit_exactly()
    {
        using var dirA = new TempDir();
        using var dirB = new TempDir();
        var (modelA, objA) = TrainingKit.MlpObjective(5, adam: false);
        new Trainer(objA, Options(dirA.Path, 3) with { BatchSize = 10 }).Fit(Train, Validation, new Generator(Seed));

        var (_, objB) = TrainingKit.MlpObjective(5, adam: false);
        new Trainer(objB, Options(dirB.Path, 1) with { BatchSize = 10 }).Fit(Train, Validation, new Generator(Seed));
        var (modelC, objC) = TrainingKit.MlpObjective(6, adam: false);
        new Trainer(objC, Options(dirB.Path, 3) with { BatchSize = 10 }).Resume(dirB.File("last.safetensors"), Train, Validation, new Generator(0));

        TrainingKit.ShouldBeBitIdentical(TrainingKit.Snapshot(modelC), TrainingKit.Snapshot(modelA));
    }

    [Fact]
    public void Resume_after_completion_with_more_epochs_continues_and_with_same_epochs_does_nothing()
    {
        using var dir = new TempDir();
        var (model, obj) = TrainingKit.MlpObjective(5);
        new Trainer(obj, Options(dir.Path, 2)).Fit(Setup(false, out var g), null, g);
        var before = TrainingKit.Snapshot(model);

        var (model2, obj2) = TrainingKit.MlpObjective(5);
        var h = new Trainer(obj2, Options(dir.Path, 2)).Resume(dir.File("last.safetensors"), Setup(false, out var g2), null, g2);
        h.StopReason.Should().Be(TrainingStopReason.Completed);
        h.Epochs.Should().HaveCount(2);
        TrainingKit.ShouldBeBitIdentical(TrainingKit.Snapshot(model2), before);

        var h3 = new Trainer(obj2, Options(dir.Path, 3)).Resume(dir.File("last.safetensors"), Setup(false, out var g3), null, g3);
        h3.Epochs.Should().HaveCount(3);
        h3.Epochs[2].GlobalStep.Should().Be(15);
    }

    private static TrainerOptions Options(string dir, int epochs) => new()
    {
        Epochs = epochs,
        OutputDirectory = dir,
    };

    /// <summary>A shuffling loader with an input-jitter transform; its generator is the run generator or one of its own.</summary>
    private static DataLoader Setup(bool shared, out Generator run, ulong seed = Seed)
    {
        run = new Generator(seed);
        var loaderGenerator = shared ? run : new Generator(seed + 1000);
        return new DataLoader(Train, batchSize: 8, shuffle: true, generator: loaderGenerator, transform: TrainingKit.JitterInputs);
    }

    private static DataLoader Val() => new(Validation, batchSize: 5);
}
