using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;
using Vae.Models.Training;

namespace Vae.Models.Tests;

/// <summary>
/// An objective whose metrics are scripted: validation loss of epoch e (counted by validation passes, one batch each)
/// is <c>ValidationLosses[e - 1]</c>; a train step may poison the loss or a parameter at a given global step. Its model
/// is a TinyMlp trained by plain SGD on MSE so that checkpoints hold real state.
/// </summary>
internal sealed class ScriptedObjective : ITrainingObjective
{
    private readonly TinyMlp _model;
    private readonly Sgd _optimizer;
    private int _steps;
    private int _validations;

    public ScriptedObjective(params double[] validationLosses)
    {
        _model = new TinyMlp(4, new Generator(3));
        _optimizer = new Sgd(_model.Parameters(), lr: 0.01);
        ValidationLosses = validationLosses;
    }

    public double[] ValidationLosses { get; }

    public int? NaNLossAtStep { get; init; }

    public int? NaNParameterAtStep { get; init; }

    public bool OmitLoss { get; init; }

    public Module Model => _model;

    public TinyMlp Mlp => _model;

    public IReadOnlyList<Optimizer> Optimizers => [_optimizer];

    public IReadOnlyDictionary<string, double> TrainStep(Batch batch, Generator generator)
    {
        _steps++;
        var (x, y) = batch;
        _optimizer.ZeroGrad();
        var loss = (_model.Forward(x) - y).Square().Mean();
        loss.Backward();
        _optimizer.Step();
        if (_steps == NaNParameterAtStep)
        {
            var w = _model.Fc1.Weight.ToArray();
            w[3] = float.PositiveInfinity;
            using (Autograd.NoGrad())
            {
                _model.Fc1.Weight.CopyFrom(Tensor.FromArray(w, _model.Fc1.Weight.Shape.ToArray()));
            }
        }

        double value = _steps == NaNLossAtStep ? double.NaN : loss.Item();
        return OmitLoss ? new Dictionary<string, double> { ["mse"] = value } : new Dictionary<string, double> { ["loss"] = value };
    }

    public IReadOnlyDictionary<string, double> EvaluateBatch(Batch batch, Generator generator)
    {
        _validations++;
        double v = _validations <= ValidationLosses.Length ? ValidationLosses[_validations - 1] : 0;
        return new Dictionary<string, double> { ["loss"] = v, ["score"] = -v };
    }
}
