using System.Globalization;

namespace Vae.Core.NN;

/// <summary>
/// Batch normalisation over the channel dimension 1 of [N, C, *] inputs (PyTorch's <c>_BatchNorm</c>):
/// <c>y = (x − mean) / √(var + eps) · weight + bias</c> per channel. In training mode the mean and the biased variance
/// of the batch are used (over N and all trailing dimensions) and, with <see cref="TrackRunningStats"/>, the running
/// estimates are updated: <c>running = (1 − momentum)·running + momentum·batch</c>, with the unbiased batch variance
/// for <c>running_var</c>. In evaluation mode the running estimates are used. State names follow PyTorch:
/// <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>.
/// </summary>
/// <remarks>
/// With batch statistics the forward is one fused op whose backward is a fused kernel (or, when a graph of the
/// gradient is built, the same formula in tensor ops), so gradients of any order flow to the input, weight and bias
/// (through the batch statistics); with running statistics it is composed of tensor ops. See <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/>.
/// </remarks>
public abstract class BatchNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; weight starts at 1, bias at 0, running mean at 0 and running variance at 1.</summary>
    /// <param name="numFeatures">Number of channels C.</param>
    /// <param name="eps">Added to the variance for numerical stability (&gt; 0).</param>
    /// <param name="momentum">Weight of the newest batch in the running estimates, in [0, 1]; null for a cumulative average.</param>
    /// <param name="affine">Whether the layer has the learnable per-channel <c>weight</c> and <c>bias</c>.</param>
    /// <param name="trackRunningStats">Whether running estimates are kept (and used in evaluation mode); without them batch statistics are always used.</param>
    /// <param name="dtype">Element type of the parameters and buffers (inputs must match).</param>
    private protected BatchNorm(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        if (numFeatures < 1)
        {
            throw new ArgumentException($"{TypeName}: numFeatures must be positive, got {numFeatures}.", nameof(numFeatures));
        }

        if (!(eps > 0) || double.IsInfinity(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{TypeName}: eps must be positive and finite.");
        }

        if (momentum is double m && !(m >= 0 && m <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), m, $"{TypeName}: momentum must be in [0, 1] (or null for a cumulative average).");
        }

        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        if (affine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(new Shape(numFeatures), dtype)));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(new Shape(numFeatures), dtype)));
        }

        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(new Shape(numFeatures), dtype));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(new Shape(numFeatures), dtype));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros(Shape.Scalar, DType.Float64));
        }
    }

    /// <summary>Number of channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance for numerical stability.</summary>
    public double Eps { get; }

    /// <summary>Weight of the newest batch in the running estimates; null for a cumulative average over all batches.</summary>
    public double? Momentum { get; }

    /// <summary>Whether the layer has learnable <see cref="Weight"/> and <see cref="Bias"/>.</summary>
    public bool Affine { get; }

    /// <summary>Whether running estimates are kept and used in evaluation mode.</summary>
    public bool TrackRunningStats { get; }

    /// <summary>Per-channel scale, shape [C] (initially 1), or null without <see cref="Affine"/>.</summary>
    public Parameter? Weight { get; }

    /// <summary>Per-channel shift, shape [C] (initially 0), or null without <see cref="Affine"/>.</summary>
    public Parameter? Bias { get; }

    /// <summary>Running mean, shape [C] (buffer <c>running_mean</c>), or null without <see cref="TrackRunningStats"/>.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running unbiased variance, shape [C] (buffer <c>running_var</c>), or null without <see cref="TrackRunningStats"/>.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Number of training batches seen, a float64 scalar (buffer <c>num_batches_tracked</c>), or null without <see cref="TrackRunningStats"/>.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Normalises <paramref name="input"/> per channel.</summary>
    /// <param name="input">Shape [N, C, *] as accepted by the concrete layer.</param>
    /// <returns>Same shape as <paramref name="input"/>.</returns>
    /// <exception cref="ArgumentException">The shape or dtype does not fit, or a training batch has one value per channel.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInputShape(input);
        if (input.Shape[1] != NumFeatures)
        {
            throw new ArgumentException(
                $"{TypeName}: input shape {input.Shape} has {input.Shape[1]} channels in dimension 1, expected numFeatures={NumFeatures}.",
                nameof(input));
        }

        var dtype = Weight?.DType ?? RunningMean?.DType ?? input.DType;
        if (input.DType != dtype)
        {
            throw new ArgumentException(
                $"{TypeName}: input is {input.DType.Name()} {input.Shape} but the layer is {dtype.Name()}; convert one with To(DType).",
                nameof(input));
        }

        bool useBatchStats = Training || !TrackRunningStats;
        return useBatchStats ? BatchStatsForward(input) : RunningStatsForward(input);
    }

    /// <summary>Resets the running estimates (mean 0, variance 1, no batches tracked).</summary>
    public void ResetRunningStats()
    {
        RunningMean?.Fill(0);
        RunningVar?.Fill(1);
        NumBatchesTracked?.Fill(0);
    }

    /// <summary>Resets the running estimates and the affine parameters (weight 1, bias 0).</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (Weight is not null && Bias is not null)
        {
            Init.Ones(Weight);
            Init.Zeros(Bias);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the shape when <paramref name="input"/> has a rank the layer does not accept.</summary>
    private protected abstract void CheckInputShape(Tensor input);

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{NumFeatures}, eps={Eps}, momentum={(Momentum is double m ? m.ToString(CultureInfo.InvariantCulture) : "None")}, affine={PyBool(Affine)}, trackRunningStats={PyBool(TrackRunningStats)}");

    private Tensor BatchStatsForward(Tensor input)
    {
        long count = input.Numel / NumFeatures;
        if (Training && count < 2)
        {
            throw new ArgumentException(
                $"{TypeName}: expected more than 1 value per channel when training, got input shape {input.Shape}.", nameof(input));
        }

        // One fused op (statistics, normalisation and affine map; its backward is fused too unless a graph is built).
        var y = Tensor.BatchNormTraining(input, Weight, Bias, Eps, out var mean, out var variance);
        if (Training && TrackRunningStats)
        {
            UpdateRunningStats(mean, variance, count);
        }

        return y;
    }

    private Tensor RunningStatsForward(Tensor input)
    {
        // Per-channel tensors broadcast as [C, 1, …, 1] against [N, C, …].
        var channelShape = new int[input.Rank - 1];
        Array.Fill(channelShape, 1);
        channelShape[0] = NumFeatures;

        var invStd = (RunningVar! + Eps).Rsqrt();
        if (Weight is null || Bias is null)
        {
            return (input - RunningMean!.Reshape(channelShape)) * invStd.Reshape(channelShape);
        }

        var scale = Weight * invStd;
        var shift = Bias - (RunningMean! * scale);
        return (input * scale.Reshape(channelShape)) + shift.Reshape(channelShape);
    }

    private void UpdateRunningStats(Tensor mean, Tensor variance, long count)
    {
        using (Autograd.NoGrad())
        {
            var tracked = NumBatchesTracked!;
            tracked.Fill(tracked.Item() + 1);
            double factor = Momentum ?? 1.0 / tracked.Item();
            var batchMean = mean.Detach().Reshape(NumFeatures);
            var unbiasedVar = variance.Detach().Reshape(NumFeatures) * ((double)count / (count - 1));
            RunningMean!.CopyFrom((RunningMean * (1 - factor)) + (batchMean * factor));
            RunningVar!.CopyFrom((RunningVar * (1 - factor)) + (unbiasedVar * factor));
        }
    }
}
