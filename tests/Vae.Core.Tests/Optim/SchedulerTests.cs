using Vae.Core;
using Vae.Core.Optim;

namespace Vae.Core.Tests;

/// <summary>Learning-rate schedulers against PyTorch 1.13 (reference/optim_reference.py).</summary>
public sealed class SchedulerTests
{
    private static Sgd MakeOptimizer()
    {
        var ps = OptimTestUtil.MakeParams(DType.Float32);
        return new Sgd(
        [
            new ParamGroup<SgdOptions>([ps[0]], new SgdOptions { LearningRate = 0.1 }),
            new ParamGroup<SgdOptions>([ps[1], ps[2]], new SgdOptions { LearningRate = 0.02 }),
        ]);
    }

    private static (LRScheduler? Epoch, ReduceLROnPlateau? Plateau) Make(string name, Optimizer o) => name switch
    {
        "step" => (new StepLR(o, stepSize: 3, gamma: 0.5), null),
        "multistep" => (new MultiStepLR(o, [2, 5, 5, 8], gamma: 0.1), null),
        "exponential" => (new ExponentialLR(o, gamma: 0.9), null),
        "plateau_min_rel" => (null, new ReduceLROnPlateau(o, PlateauMode.Min, factor: 0.5, patience: 2, threshold: 0.01,
            thresholdMode: ThresholdMode.Relative, cooldown: 1, minLr: 0.01)),
        "plateau_max_abs" => (null, new ReduceLROnPlateau(o, PlateauMode.Max, factor: 0.3, patience: 1, threshold: 0.05,
            thresholdMode: ThresholdMode.Absolute, minLrs: [0.001, 0.005])),
        "plateau_default" => (null, new ReduceLROnPlateau(o, patience: 3)),
        _ => throw new ArgumentException(name),
    };

    private static double Metric(string name, int epoch)
    {
        double m = OptimReferenceData.PlateauMetrics[epoch];
        return name == "plateau_max_abs" && !double.IsNaN(m) ? -m : m;
    }

    private static void StepOnce(string name, (LRScheduler? Epoch, ReduceLROnPlateau? Plateau) s, int epoch)
    {
        if (s.Epoch is not null)
        {
            s.Epoch.Step();
        }
        else
        {
            s.Plateau!.Step(Metric(name, epoch));
        }
    }

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var k in OptimReferenceData.Schedulers.Keys)
        {
            d.Add(k);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Learning_rate_sequences_match_pytorch(string name)
    {
        var opt = MakeOptimizer();
        var s = Make(name, opt);
        var expected = OptimReferenceData.Schedulers[name];
        for (int e = 0; e < expected.Length; e++)
        {
            StepOnce(name, s, e);
            double[] lrs = [opt.ParamGroups[0].LearningRate, opt.ParamGroups[1].LearningRate];
            lrs.Should().Equal(expected[e], $"epoch {e + 1} of {name} (same float64 operations as PyTorch)");
            var last = s.Epoch?.LastLearningRates ?? s.Plateau!.LastLearningRates;
            last.Should().Equal(expected[e]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void State_round_trip_continues_identically(string name)
    {
        var opt = MakeOptimizer();
        var s = Make(name, opt);
        int total = OptimReferenceData.Schedulers[name].Length;
        int half = total / 2;
        for (int e = 0; e < half; e++)
        {
            StepOnce(name, s, e);
        }

        var optState = opt.StateDict();
        var schedState = s.Epoch?.StateDict() ?? s.Plateau!.StateDict();

        var opt2 = MakeOptimizer();
        var s2 = Make(name, opt2);
        opt2.LoadStateDict(optState);
        if (s2.Epoch is not null)
        {
            s2.Epoch.LoadStateDict(schedState);
            s2.Epoch.LastEpoch.Should().Be(half);
        }
        else
        {
            s2.Plateau!.LoadStateDict(schedState);
        }

        for (int e = half; e < total; e++)
        {
            StepOnce(name, s, e);
            StepOnce(name, s2, e);
            opt2.ParamGroups[0].LearningRate.Should().Be(opt.ParamGroups[0].LearningRate);
            opt2.ParamGroups[1].LearningRate.Should().Be(opt.ParamGroups[1].LearningRate);
        }
    }

    [Fact]
    public void Scheduler_records_initial_learning_rates_in_the_optimizer_state()
    {
        var opt = MakeOptimizer();
        var s = new StepLR(opt, 1, 0.5);
        s.BaseLearningRates.Should().Equal(0.1, 0.02);
        s.Step();
        opt.ParamGroups[0].InitialLearningRate.Should().Be(0.1);
        opt.StateDict()["param_groups.1.initial_lr"].Item().Should().Be(0.02);
        opt.StateDict()["param_groups.1.lr"].Item().Should().Be(0.01);
    }

    [Fact]
    public void Bad_arguments_and_states_throw()
    {
        var opt = MakeOptimizer();
        ((Action)(() => _ = new StepLR(opt, 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new ReduceLROnPlateau(opt, factor: 1.0))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*factor*");
        ((Action)(() => _ = new ReduceLROnPlateau(opt, minLrs: [0.1]))).Should().Throw<ArgumentException>().WithMessage("*expected 2 minLrs*");
        var step = new StepLR(opt, 2);
        var bad = new Dictionary<string, Tensor>(step.StateDict());
        bad.Remove("gamma");
        bad["extra"] = Tensor.Scalar(1);
        ((Action)(() => step.LoadStateDict(bad))).Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain("missing key \"gamma\"").And.Contain("unexpected key \"extra\"");
    }
}
