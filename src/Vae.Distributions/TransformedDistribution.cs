using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// The distribution of y = T(x) for x drawn from a base distribution and T a (composed) <see cref="Transform"/>:
/// <c>log p(y) = log p_base(T⁻¹(y)) − log|det ∂T/∂x|</c>. The event rank is the larger of the base's event rank and
/// the transform's <see cref="Transform.EventDims"/> (base batch dimensions are reinterpreted as event dimensions
/// when the transform needs them). Transforms are assumed to be shape-preserving unless they override
/// <see cref="Transform.ForwardShape"/>. Designed for extension (e.g. log-normal, normalising flows).
/// </summary>
public class TransformedDistribution : Distribution
{
    private readonly int _baseExtraDims;
    private readonly int _transformExtraDims;

    /// <summary>Transforms <paramref name="baseDistribution"/> by <paramref name="transforms"/>, applied first to last.</summary>
    /// <param name="baseDistribution">The distribution of x.</param>
    /// <param name="transforms">The transforms (at least one), applied in order.</param>
    /// <exception cref="ArgumentException">A transform's event rank exceeds the rank of the base's <c>BatchShape + EventShape</c>.</exception>
    public TransformedDistribution(Distribution baseDistribution, params IReadOnlyList<Transform> transforms)
        : this(baseDistribution, Combine(transforms), transforms)
    {
    }

    private TransformedDistribution(Distribution baseDistribution, Transform transform, IReadOnlyList<Transform> parts)
        : base(Shapes(baseDistribution, transform).Batch, Shapes(baseDistribution, transform).Event)
    {
        BaseDistribution = baseDistribution;
        Transform = transform;
        Transforms = [.. parts];
        _baseExtraDims = EventShape.Rank - baseDistribution.EventShape.Rank;
        _transformExtraDims = EventShape.Rank - transform.EventDims;
    }

    /// <summary>The distribution of x.</summary>
    public Distribution BaseDistribution { get; }

    /// <summary>The transforms, in the order they are applied.</summary>
    public IReadOnlyList<Transform> Transforms { get; }

    /// <summary>The composed transform T.</summary>
    public Transform Transform { get; }

    /// <inheritdoc />
    public override DType DType => BaseDistribution.DType;

    /// <inheritdoc />
    public override bool HasRSample => BaseDistribution.HasRSample;

    /// <summary>Samples T(x), x drawn from the base without gradient, of shape <c>sampleShape + BatchShape + EventShape</c>.</summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of randomness.</param>
    public override Tensor Sample(Shape sampleShape, Generator generator)
    {
        using (Autograd.NoGrad())
        {
            return Transform.Forward(BaseDistribution.Sample(sampleShape, generator)).Detach();
        }
    }

    /// <summary>Reparameterised samples T(x), x = base RSample, of shape <c>sampleShape + BatchShape + EventShape</c>.</summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of randomness.</param>
    public override Tensor RSample(Shape sampleShape, Generator generator) =>
        Transform.Forward(BaseDistribution.RSample(sampleShape, generator));

    /// <summary>
    /// Reparameterised samples together with their log-densities, computed from the forward pass only (no inverse
    /// is evaluated) — what variational inference with flows needs.
    /// </summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Samples of shape <c>sampleShape + BatchShape + EventShape</c> and log-densities of shape <c>sampleShape + BatchShape</c>.</returns>
    public (Tensor Sample, Tensor LogProb) RSampleWithLogProb(Shape sampleShape, Generator generator)
    {
        var x = BaseDistribution.RSample(sampleShape, generator);
        var (y, ld) = Transform.ForwardWithLogAbsDet(x);
        return (y, Combine(BaseDistribution.LogProb(x), ld));
    }

    /// <summary>log p_base(T⁻¹(value)) − log|det ∂T/∂x|, each summed over the event dimensions.</summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape + EventShape</c> (the batch part may broadcast).</param>
    /// <returns>Log-densities of shape <c>sampleShape + BatchShape</c> (broadcast).</returns>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        var x = Transform.Inverse(value);
        return Combine(BaseDistribution.LogProb(x), Transform.LogAbsDetJacobian(x, value));
    }

    /// <inheritdoc />
    public override string ToString() => $"TransformedDistribution({BaseDistribution}, {Transform})";

    private Tensor Combine(Tensor baseLogProb, Tensor logAbsDet) =>
        ContinuousParams.SumRightmost(baseLogProb, _baseExtraDims) - ContinuousParams.SumRightmost(logAbsDet, _transformExtraDims);

    private static Transform Combine(IReadOnlyList<Transform> transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (transforms.Count == 0)
        {
            throw new ArgumentException("TransformedDistribution: at least one transform is required.", nameof(transforms));
        }

        return transforms.Count == 1 ? transforms[0] ?? throw new ArgumentNullException(nameof(transforms)) : new ComposeTransform(transforms);
    }

    private static (Shape Batch, Shape Event) Shapes(Distribution d, Transform t)
    {
        ArgumentNullException.ThrowIfNull(d);
        var full = t.ForwardShape(Concat(d.BatchShape, d.EventShape));
        int eventRank = Math.Max(d.EventShape.Rank, t.EventDims);
        if (eventRank > full.Rank)
        {
            throw new ArgumentException(
                $"TransformedDistribution: {t} acts on events of {t.EventDims} dimensions but the base's shape {full} has rank {full.Rank}.");
        }

        return (ContinuousParams.DropRight(full, eventRank), ContinuousParams.TakeRight(full, eventRank));
    }
}
