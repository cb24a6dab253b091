using FluentAssertions;
using Vae.Core;
using Vae.Core.Data;
using Vae.Core.Optim;
using Vae.Models.Training;
using Xunit;

namespace Vae.Models.Tests;

/// <summary>
/// The trainer runs each step (batch gathering included) in a TensorScope, so a step of a 784-400-20 VAE at batch 128
/// allocates a small, shape-independent amount of managed memory instead of its activations and gradients (several MB).
/// Allocation is counted on the training thread (kernel helper threads allocate nothing in steady state).
/// </summary>
public sealed class TrainerAllocationTests
{
    [Fact]
    public void Steady_state_steps_allocate_little_with_scopes_and_megabytes_without()
    {
        double withScopes = AllocatedPerStep(release: true);
        double without = AllocatedPerStep(release: false);

        withScopes.Should().BeLessThan(256 * 1024, "tensors of a step are pooled when it ends");
        without.Should().BeGreaterThan(2 * 1024 * 1024, "the same step without scopes allocates its activations and gradients");
    }

    private static double AllocatedPerStep(bool release)
    {
        var g = new Generator(5);
        var data = new TensorDataset(Tensor.Rand(new Shape(128 * 24, 784), g));
        var vae = VariationalAutoencoder.Mlp(784, [400], 20, g);
        var adam = new Adam(vae.Parameters(), lr: 1e-3);
        var objective = new GradientObjective(vae, adam, (batch, gen) => new LossOutput(vae.Loss(batch[0], gen).Total));
        var trainer = new Trainer(objective, new TrainerOptions { Epochs = 1, BatchSize = 128, ReleaseTensorsEachStep = release, SaveBest = false });
        var marks = new List<long>();
        trainer.StepCompleted += (_, _) => marks.Add(GC.GetAllocatedBytesForCurrentThread());
        trainer.Fit(data, null, g);
        marks.Should().HaveCount(24);
        return (double)(marks[^1] - marks[8]) / (marks.Count - 1 - 8);
    }
}
