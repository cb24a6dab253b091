using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;
using Vae.Models.Training;

namespace Vae.Models.Tests;

/// <summary>
/// An adversarial-autoencoder-shaped objective for tests: a "generator" MLP trained on MSE with one optimizer, then a
/// "discriminator" trained with another optimizer on noisy generator outputs — skipped while its running loss (an
/// exponential moving average kept as objective state) is below a threshold. Two schedulers: StepLR on the generator's
/// optimizer and ReduceLROnPlateau on the discriminator's, watching a training metric.
/// </summary>
internal sealed class TwoPhaseObjective : ITrainingObjective
{
    private const double SkipBelow = 0.9;
    private readonly Pair _model;
    private readonly Adam _genOptimizer;
    private readonly Sgd _discOptimizer;

    public TwoPhaseObjective(ulong initSeed)
    {
        _model = new Pair(new Generator(initSeed));
        _genOptimizer = new Adam(_model.Gen.Parameters(), lr: 0.01);
        _discOptimizer = new Sgd(_model.Disc.Parameters(), lr: 0.05, momentum: 0.5);
        Optimizers = [_genOptimizer, _discOptimizer];
        Schedulers =
        [
            new StepLR(_genOptimizer, stepSize: 1, gamma: 0.9),
            EpochScheduler.OnPlateau(new ReduceLROnPlateau(_discOptimizer, patience: 0, factor: 0.5), "train_disc_loss"),
        ];
    }

    public Module Model => _model;

    public IReadOnlyList<Optimizer> Optimizers { get; }

    public IReadOnlyList<EpochScheduler> Schedulers { get; }

    public double Ema { get; private set; } = 1.0;

    public int SkippedSteps { get; private set; }

    public IReadOnlyDictionary<string, double> TrainStep(Batch batch, Generator generator)
    {
        var (x, y) = batch;
        _genOptimizer.ZeroGrad();
        var recon = (_model.Gen.Forward(x) - y).Square().Mean();
        recon.Backward();
        _genOptimizer.Step();

        _discOptimizer.ZeroGrad();
        var fake = _model.Gen.Forward(x).Detach() + (Tensor.Randn(y.Shape, generator) * 0.1);
        var discLoss = (_model.Disc.Forward(fake) - 1.0).Square().Mean();
        double d = discLoss.Item();
        bool skip = Ema < SkipBelow;
        if (skip)
        {
            SkippedSteps++;
        }
        else
        {
            discLoss.Backward();
            _discOptimizer.Step();
        }

        Ema = (0.8 * Ema) + (0.2 * d);
        return new Dictionary<string, double> { ["loss"] = recon.Item() + d, ["recon"] = recon.Item(), ["disc_loss"] = d, ["skipped"] = skip ? 1 : 0 };
    }

    public IReadOnlyDictionary<string, double> EvaluateBatch(Batch batch, Generator generator)
    {
        var (x, y) = batch;
        var recon = (_model.Gen.Forward(x) - y).Square().Mean().Item();
        return new Dictionary<string, double> { ["loss"] = recon };
    }

    public IReadOnlyDictionary<string, Tensor> StateDict() => new Dictionary<string, Tensor>
    {
        ["ema"] = Tensor.Scalar(Ema, DType.Float64),
        ["skipped_steps"] = Tensor.Scalar(SkippedSteps, DType.Float64),
    };

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        if (!stateDict.TryGetValue("ema", out var ema) || !stateDict.TryGetValue("skipped_steps", out var skipped) || stateDict.Count != 2)
        {
            throw new ArgumentException("TwoPhaseObjective state needs exactly 'ema' and 'skipped_steps'.", nameof(stateDict));
        }

        Ema = ema.Item();
        SkippedSteps = (int)skipped.Item();
    }

    private sealed class Pair : Module
    {
        public Pair(Generator g)
        {
            Gen = RegisterModule("gen", new TinyMlp(8, g));
            Disc = RegisterModule("disc", new Linear(2, 1, g));
        }

        public TinyMlp Gen { get; }

        public Linear Disc { get; }
    }
}
