using Vae.Core;
using Vae.Core.Data;
using Vae.Models.Training;

namespace Vae.Models.Tests;

public sealed class AdversarialAutoencoderObjectiveTests
{
    private static Dictionary<string, float[]> Part(AdversarialAutoencoder m, string prefix) =>
        AdversarialKit.Snapshot(m).Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary();

    /// <summary>Runs one step with only one phase's optimizer live and reports which parts changed.</summary>
    private static (bool Encoder, bool Decoder, bool Discriminator) Changed(bool labels, double recon, double disc, double gen)
    {
        var model = AdversarialKit.Model(3, labels: labels);
        var objective = AdversarialKit.Objective(model, recon, disc, gen);
        var before = (E: Part(model, "encoder."), D: Part(model, "decoder."), C: Part(model, "discriminator."));
        objective.TrainStep(AdversarialKit.Batch(8, 4), new Generator(5));
        return (!AdversarialKit.SameValues(Part(model, "encoder."), before.E),
                !AdversarialKit.SameValues(Part(model, "decoder."), before.D),
                !AdversarialKit.SameValues(Part(model, "discriminator."), before.C));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_phase_updates_exactly_its_own_parameters(bool labels)
    {
        Changed(labels, recon: 0.1, disc: 0, gen: 0).Should().Be((true, true, false), "reconstruction trains encoder and decoder");
        Changed(labels, recon: 0, disc: 0.1, gen: 0).Should().Be((false, false, true), "the discriminator phase trains only the discriminator");
        Changed(labels, recon: 0, disc: 0, gen: 0.1).Should().Be((true, false, false), "the generator phase trains only the encoder");
        Changed(labels, recon: 0, disc: 0, gen: 0).Should().Be((false, false, false));
    }

    [Fact]
    public void Train_step_reports_the_phase_metrics()
    {
        var model = AdversarialKit.Model(3, labels: true);
        var objective = AdversarialAutoencoderObjective.WithAdam(model);
        objective.Optimizers.Should().HaveCount(3);
        objective.Schedulers.Should().BeEmpty();
        var decaying = AdversarialAutoencoderObjective.WithAdam(model, decayPerEpoch: 0.5);
        decaying.Schedulers.Select(s => s.Optimizer).Should().Equal(decaying.Optimizers);
        FluentActions.Invoking(() => AdversarialAutoencoderObjective.WithAdam(model, decayPerEpoch: 0)).Should().Throw<ArgumentOutOfRangeException>();
        var m = objective.TrainStep(AdversarialKit.Batch(8, 4), new Generator(5));
        m.Keys.Should().BeEquivalentTo(["loss", "recon", "disc_loss", "disc_real", "disc_fake", "disc_accuracy", "disc_updated", "gen_loss"]);
        m["loss"].Should().Be(m["recon"]);
        m["disc_loss"].Should().BeApproximately((m["disc_real"] + m["disc_fake"]) / 2, 1e-6);
        m["disc_updated"].Should().Be(1);
        objective.Steps.Should().Be(1);
        objective.RunningDiscriminatorLoss.Should().Be(m["disc_loss"]);
    }

    [Fact]
    public void Skip_rule_skips_discriminator_updates_while_its_running_loss_is_low()
    {
        var model = AdversarialKit.Model(3);
        var options = new AdversarialTrainingOptions { DiscriminatorSkipThreshold = 100, RunningLossMomentum = 0.5, WarmupSteps = 2 };
        var objective = AdversarialKit.Objective(model, 0.1, 0.1, 0.1, options);
        var updated = new List<double>();
        double expectedRunning = double.NaN;
        for (int step = 0; step < 5; step++)
        {
            var disc = Part(model, "discriminator.");
            objective.WillSkipDiscriminator.Should().Be(step >= 2);
            var m = objective.TrainStep(AdversarialKit.Batch(8, (ulong)step), new Generator(5));
            updated.Add(m["disc_updated"]);
            AdversarialKit.SameValues(Part(model, "discriminator."), disc).Should().Be(step >= 2, $"step {step}");
            expectedRunning = double.IsNaN(expectedRunning) ? m["disc_loss"] : (0.5 * expectedRunning) + (0.5 * m["disc_loss"]);
            objective.RunningDiscriminatorLoss.Should().BeApproximately(expectedRunning, 1e-12, "the loss is tracked on skipped steps too");
        }

        updated.Should().Equal(1, 1, 0, 0, 0);
        objective.SkippedDiscriminatorSteps.Should().Be(3);

        // A threshold below the loss (≈ ln 2 for an untrained discriminator) never skips; no threshold never skips.
        var low = AdversarialKit.Objective(AdversarialKit.Model(3), 0.1, 0.1, 0.1, new AdversarialTrainingOptions { DiscriminatorSkipThreshold = 0.01 });
        var none = AdversarialKit.Objective(AdversarialKit.Model(3), 0.1, 0.1, 0.1);
        for (int step = 0; step < 3; step++)
        {
            low.TrainStep(AdversarialKit.Batch(8, (ulong)step), new Generator(5))["disc_updated"].Should().Be(1);
            none.TrainStep(AdversarialKit.Batch(8, (ulong)step), new Generator(5))["disc_updated"].Should().Be(1);
        }
    }

    [Fact]
    public void Generator_phase_runs_every_interval_steps()
    {
        var objective = AdversarialKit.Objective(AdversarialKit.Model(3), 0.1, 0.1, 0.1, new AdversarialTrainingOptions { GeneratorInterval = 3 });
        var hasGen = Enumerable.Range(0, 7).Select(i => objective.TrainStep(AdversarialKit.Batch(8, (ulong)i), new Generator(5)).ContainsKey("gen_loss")).ToList();
        hasGen.Should().Equal(true, false, false, true, false, false, true);
    }

    [Fact]
    public void Evaluation_changes_neither_parameters_nor_state()
    {
        var model = AdversarialKit.Model(3, labels: true);
        var objective = AdversarialKit.Objective(model, 0.1, 0.1, 0.1, new AdversarialTrainingOptions { DiscriminatorSkipThreshold = 0.5 });
        objective.TrainStep(AdversarialKit.Batch(8, 1), new Generator(5));
        var before = AdversarialKit.Snapshot(model);
        var state = objective.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Item());
        var m = objective.EvaluateBatch(AdversarialKit.Batch(8, 2), new Generator(6));
        m.Keys.Should().BeEquivalentTo(["loss", "recon", "disc_loss", "disc_accuracy", "gen_loss"]);
        AdversarialKit.SameValues(AdversarialKit.Snapshot(model), before).Should().BeTrue();
        objective.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Item()).Should().Equal(state);
    }

    [Fact]
    public void State_dict_round_trips_and_rejects_what_does_not_fit()
    {
        var a = AdversarialKit.Objective(AdversarialKit.Model(3), 0.1, 0.1, 0.1, new AdversarialTrainingOptions { DiscriminatorSkipThreshold = 100, WarmupSteps = 1 });
        for (int i = 0; i < 3; i++)
        {
            a.TrainStep(AdversarialKit.Batch(8, (ulong)i), new Generator(5));
        }

        var state = a.StateDict();
        state.Keys.Should().BeEquivalentTo(["running_disc_loss", "steps", "skipped_disc_steps"]);
        var b = AdversarialKit.Objective(AdversarialKit.Model(4), 0.1, 0.1, 0.1);
        b.LoadStateDict(state);
        b.RunningDiscriminatorLoss.Should().Be(a.RunningDiscriminatorLoss);
        b.Steps.Should().Be(3);
        b.SkippedDiscriminatorSteps.Should().Be(2);

        var missing = state.Where(kv => kv.Key != "steps").ToDictionary();
        FluentActions.Invoking(() => b.LoadStateDict(missing)).Should().Throw<ArgumentException>().WithMessage("*missing: [steps]*");
        var extra = state.ToDictionary();
        extra["other"] = Tensor.Scalar(1.0);
        FluentActions.Invoking(() => b.LoadStateDict(extra)).Should().Throw<ArgumentException>().WithMessage("*unexpected: [other]*");
        var fractional = state.ToDictionary();
        fractional["steps"] = Tensor.Scalar(1.5, DType.Float64);
        FluentActions.Invoking(() => b.LoadStateDict(fractional)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Bad_settings_and_batches_are_rejected()
    {
        var model = AdversarialKit.Model(3, labels: true);
        FluentActions.Invoking(() => AdversarialKit.Objective(model, 0.1, 0.1, 0.1, new AdversarialTrainingOptions { RunningLossMomentum = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*RunningLossMomentum*");
        FluentActions.Invoking(() => AdversarialKit.Objective(model, 0.1, 0.1, 0.1, new AdversarialTrainingOptions { GeneratorInterval = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>();
        var opt = new Vae.Core.Optim.Sgd(model.Parameters(), lr: 0.1);
        FluentActions.Invoking(() => new AdversarialAutoencoderObjective(model, opt, opt, new Vae.Core.Optim.Sgd(model.Parameters(), lr: 0.1)))
            .Should().Throw<ArgumentException>();
        var objective = AdversarialKit.Objective(model, 0.1, 0.1, 0.1);
        var imagesOnly = new Batch([AdversarialKit.Data(4, 1).Tensors[0]], new[] { 0, 1, 2, 3 });
        FluentActions.Invoking(() => objective.TrainStep(imagesOnly, new Generator(1))).Should().Throw<ArgumentException>().WithMessage("*labels at index 1*");
    }

    [Fact]
    public void Trainer_resume_is_bit_identical_including_the_skip_rule_state()
    {
        using var dirA = new TempDir();
        using var dirB = new TempDir();
        var data = AdversarialKit.Data(40, 11);
        var options = new AdversarialTrainingOptions { DiscriminatorSkipThreshold = 0.69, RunningLossMomentum = 0.5 };

        AdversarialAutoencoderObjective Make(ulong seed) =>
            AdversarialAutoencoderObjective.WithAdam(AdversarialKit.Model(seed, labels: true), 1e-2, 1e-2, 1e-2, options: options);
        TrainerOptions Opts(string dir, int epochs) => new() { Epochs = epochs, BatchSize = 8, OutputDirectory = dir };

        var a = Make(7);
        new Trainer(a, Opts(dirA.Path, 4)).Fit(data, null, new Generator(42));

        var b = Make(7);
        new Trainer(b, Opts(dirB.Path, 2)).Fit(data, null, new Generator(42));
        var c = Make(999);
        new Trainer(c, Opts(dirB.Path, 4)).Resume(dirB.File(Trainer.LastCheckpointFileName), data, null, new Generator(1));

        TrainingKit.ShouldBeBitIdentical(AdversarialKit.Snapshot(c.Model), AdversarialKit.Snapshot(a.Model));
        c.Steps.Should().Be(a.Steps).And.Be(20);
        c.SkippedDiscriminatorSteps.Should().Be(a.SkippedDiscriminatorSteps);
        c.RunningDiscriminatorLoss.Should().Be(a.RunningDiscriminatorLoss);
    }
}
