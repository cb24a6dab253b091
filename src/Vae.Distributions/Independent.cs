using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// Reinterprets the rightmost <see cref="ReinterpretedBatchDims"/> batch dimensions of a base distribution as event
/// dimensions: a base with batch shape <c>B + R</c> and event shape <c>E</c> becomes a distribution with batch shape
/// <c>B</c> and event shape <c>R + E</c>, whose <see cref="LogProb"/> and <see cref="Entropy"/> sum over <c>R</c>.
/// The typical use is a diagonal Gaussian posterior: <c>new Independent(new Normal(mu, sigma), 1)</c> turns a
/// [batch, latent] Normal into a batch of latent-dimensional distributions.
/// </summary>
public sealed class Independent : Distribution
{
    /// <summary>Wraps <paramref name="baseDistribution"/>, reinterpreting its rightmost batch dimensions.</summary>
    /// <param name="baseDistribution">The distribution whose batch dimensions are reinterpreted.</param>
    /// <param name="reinterpretedBatchDims">How many rightmost batch dimensions become event dimensions (0 ≤ n ≤ base batch rank).</param>
    /// <exception cref="ArgumentException"><paramref name="reinterpretedBatchDims"/> is negative or exceeds the base's batch rank.</exception>
    public Independent(Distribution baseDistribution, int reinterpretedBatchDims)
        : base(SplitBatch(baseDistribution, reinterpretedBatchDims).Batch, SplitBatch(baseDistribution, reinterpretedBatchDims).Event)
    {
        BaseDistribution = baseDistribution;
        ReinterpretedBatchDims = reinterpretedBatchDims;
    }

    /// <summary>The wrapped distribution.</summary>
    public Distribution BaseDistribution { get; }

    /// <summary>Number of base batch dimensions reinterpreted as event dimensions.</summary>
    public int ReinterpretedBatchDims { get; }

    /// <inheritdoc />
    public override DType DType => BaseDistribution.DType;

    /// <inheritdoc />
    public override bool HasRSample => BaseDistribution.HasRSample;

    /// <inheritdoc />
    public override Tensor Mean => BaseDistribution.Mean;

    /// <inheritdoc />
    public override Tensor Variance => BaseDistribution.Variance;

    /// <inheritdoc />
    public override Tensor StdDev => BaseDistribution.StdDev;

    /// <inheritdoc />
    public override Tensor Sample(Shape sampleShape, Generator generator) => BaseDistribution.Sample(sampleShape, generator);

    /// <inheritdoc />
    public override Tensor RSample(Shape sampleShape, Generator generator) => BaseDistribution.RSample(sampleShape, generator);

    /// <summary>The base log-probability summed over the reinterpreted dimensions.</summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape + EventShape</c> (the batch part may broadcast).</param>
    /// <returns>Log-probabilities of shape <c>sampleShape + BatchShape</c> (broadcast).</returns>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        return ContinuousParams.SumRightmost(BaseDistribution.LogProb(value), ReinterpretedBatchDims);
    }

    /// <summary>The base entropy summed over the reinterpreted dimensions, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Entropy() => ContinuousParams.SumRightmost(BaseDistribution.Entropy(), ReinterpretedBatchDims);

    /// <inheritdoc />
    public override string ToString() =>
        $"Independent({BaseDistribution}, reinterpreted_batch_ndims={ReinterpretedBatchDims})";

    private static (Shape Batch, Shape Event) SplitBatch(Distribution d, int n)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (n < 0 || n > d.BatchShape.Rank)
        {
            throw new ArgumentException(
                $"Independent: cannot reinterpret {n} batch dimensions of {d.GetType().Name} with batch shape {d.BatchShape} " +
                $"(need 0 ≤ n ≤ {d.BatchShape.Rank}).", "reinterpretedBatchDims");
        }

        var batch = ContinuousParams.DropRight(d.BatchShape, n);
        var ev = Concat(ContinuousParams.TakeRight(d.BatchShape, n), d.EventShape);
        return (batch, ev);
    }
}
