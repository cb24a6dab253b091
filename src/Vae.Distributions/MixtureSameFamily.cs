using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// A finite mixture whose K components come from one batched distribution (as <c>torch.distributions.MixtureSameFamily</c>):
/// a <see cref="Categorical"/> over K components with batch shape B (broadcastable to the components' batch without its
/// last dimension) and a component distribution of batch shape <c>B + [K]</c> and any event shape E. The mixture has
/// batch shape B and event shape E; <c>p(x) = Σ_k w_k p_k(x)</c>, evaluated in log space.
/// <para>
/// There is no reparameterised sampler (the component choice is discrete) and no closed-form entropy or KL
/// divergence: <see cref="KL.Divergence"/> throws <see cref="NotSupportedException"/>; estimate it with
/// <see cref="KL.MonteCarlo"/> (q reparameterisable, this mixture as p).
/// </para>
/// </summary>
public sealed class MixtureSameFamily : Distribution
{
    private readonly Categorical _sampler;
    private readonly int _eventRank;

    /// <summary>Creates the mixture.</summary>
    /// <param name="mixtureDistribution">Mixing weights: a categorical with K categories and batch shape broadcastable to B.</param>
    /// <param name="componentDistribution">
    /// The components: any distribution of batch shape <c>B + [K]</c> (event shape E) with <c>LogProb</c> and
    /// <c>Sample</c>, e.g. an independent normal with parameters of shape <c>B + [K] + E</c>.
    /// </param>
    /// <exception cref="ArgumentException">The shapes or dtypes of the two distributions do not fit.</exception>
    public MixtureSameFamily(Categorical mixtureDistribution, Distribution componentDistribution)
        : base(CheckShapes(mixtureDistribution, componentDistribution), componentDistribution.EventShape)
    {
        MixtureDistribution = mixtureDistribution;
        ComponentDistribution = componentDistribution;
        _eventRank = componentDistribution.EventShape.Rank;
        var full = Concat(BatchShape, new Shape(NumComponents));
        _sampler = mixtureDistribution.Logits.Shape == full
            ? mixtureDistribution
            : new Categorical(mixtureDistribution.Logits.Expand(full));
    }

    /// <summary>The distribution of the component index (mixing weights over the last dimension of its parameters).</summary>
    public Categorical MixtureDistribution { get; }

    /// <summary>The batched components, batch shape <c>BatchShape + [K]</c>.</summary>
    public Distribution ComponentDistribution { get; }

    /// <summary>Number of components K.</summary>
    public int NumComponents => MixtureDistribution.NumCategories;

    /// <inheritdoc />
    public override DType DType => ComponentDistribution.DType;

    /// <summary><c>Σ_k w_k μ_k</c>, shape <c>BatchShape + EventShape</c> (needs the components' <c>Mean</c>).</summary>
    public override Tensor Mean => (WeightsForEvents() * ComponentDistribution.Mean).Sum(ComponentDim);

    /// <summary>
    /// Law of total variance: <c>Σ_k w_k σ²_k + Σ_k w_k (μ_k − μ)²</c>, shape <c>BatchShape + EventShape</c> (needs the
    /// components' <c>Mean</c> and <c>Variance</c>).
    /// </summary>
    public override Tensor Variance
    {
        get
        {
            var w = WeightsForEvents();
            var means = ComponentDistribution.Mean;
            var mean = (w * means).Sum(ComponentDim, keepDim: true);
            var withinComponents = (w * ComponentDistribution.Variance).Sum(ComponentDim);
            var betweenComponents = (w * (means - mean).Square()).Sum(ComponentDim);
            return withinComponents + betweenComponents;
        }
    }

    /// <summary>Dimension of the component axis in <c>sampleShape + BatchShape + [K] + EventShape</c>, counted from the end.</summary>
    private int ComponentDim => -1 - _eventRank;

    /// <summary>
    /// <c>log Σ_k exp(log w_k + log p_k(x))</c>, stable for widely separated components and differentiable w.r.t. the
    /// mixing logits, the component parameters and the value.
    /// </summary>
    /// <param name="value">Shape <c>sampleShape + BatchShape + EventShape</c> (the batch part may broadcast).</param>
    /// <returns>Shape <c>sampleShape + BatchShape</c> (broadcast).</returns>
    /// <exception cref="ArgumentException">The value's shape or dtype does not fit.</exception>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        return JointLogProb(value).LogSumExp(-1);
    }

    /// <summary>
    /// Log posterior probabilities of the components given the value, <c>log w_k + log p_k(x) − log p(x)</c>
    /// (the "responsibilities" of EM, in log space); differentiable.
    /// </summary>
    /// <param name="value">Shape <c>sampleShape + BatchShape + EventShape</c>.</param>
    /// <returns>Shape <c>sampleShape + BatchShape + [K]</c>.</returns>
    public Tensor LogResponsibilities(Tensor value)
    {
        ValidateValue(value);
        return JointLogProb(value).LogSoftmax(-1);
    }

    /// <summary>
    /// Draws samples: the component indices first (as <see cref="Categorical.Sample(Shape, Generator)"/>), then one draw
    /// of every component (<c>ComponentDistribution.Sample</c>), from which each sample's chosen component is gathered.
    /// </summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Shape <c>sampleShape + BatchShape + EventShape</c>, without gradient.</returns>
    public override Tensor Sample(Shape sampleShape, Generator generator) => SampleWithComponents(sampleShape, generator).Samples;

    /// <summary>Draws samples together with the index of the component each came from; see <see cref="Sample(Shape, Generator)"/>.</summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>
    /// Samples of shape <c>sampleShape + BatchShape + EventShape</c> and component indices (labels) of shape
    /// <c>sampleShape + BatchShape</c>, both without gradient.
    /// </returns>
    public (Tensor Samples, Tensor Components) SampleWithComponents(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using (Autograd.NoGrad())
        {
            var labels = _sampler.Sample(sampleShape, generator);
            var all = ComponentDistribution.Sample(sampleShape, generator); // S + B + [K] + E
            int kDim = sampleShape.Rank + BatchShape.Rank;
            var indexDims = Concat(labels.Shape, new Shape(1));
            var ones = new int[_eventRank];
            Array.Fill(ones, 1);
            var index = labels.Reshape(Concat(indexDims, new Shape(ones)));
            var target = Concat(indexDims, EventShape);
            if (index.Shape != target)
            {
                index = index.Expand(target);
            }

            var picked = all.Gather(kDim, index).Squeeze(kDim);
            return (picked.Detach(), labels.Detach());
        }
    }

    /// <summary><c>log w_k + log p_k(x)</c> of shape <c>sampleShape + BatchShape + [K]</c> for a validated value.</summary>
    private Tensor JointLogProb(Tensor value)
    {
        var x = value.Unsqueeze(value.Rank - _eventRank);
        return ComponentDistribution.LogProb(x) + MixtureDistribution.Logits;
    }

    /// <summary>The mixing probabilities reshaped to <c>B + [K] + [1, …]</c> to broadcast against component moments.</summary>
    private Tensor WeightsForEvents()
    {
        var p = MixtureDistribution.Probs;
        var ones = new int[_eventRank];
        Array.Fill(ones, 1);
        return _eventRank == 0 ? p : p.Reshape(Concat(p.Shape, new Shape(ones)));
    }

    private static Shape CheckShapes(Categorical mixture, Distribution components)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(components);
        var cb = components.BatchShape;
        if (cb.Rank == 0 || cb[-1] != mixture.NumCategories)
        {
            throw new ArgumentException(
                $"MixtureSameFamily: the component distribution's batch shape {cb} must end with the number of mixture categories {mixture.NumCategories} " +
                $"(mixture logits {mixture.Logits.Shape}).",
                nameof(components));
        }

        var batch = new Shape(cb.Dims[..^1]);
        if (!mixture.BatchShape.CanBroadcastTo(batch))
        {
            throw new ArgumentException(
                $"MixtureSameFamily: the mixture's batch shape {mixture.BatchShape} does not broadcast to the components' batch shape {batch} " +
                $"(component batch shape {cb} without its last dimension).",
                nameof(mixture));
        }

        if (mixture.DType != components.DType)
        {
            throw new ArgumentException(
                $"MixtureSameFamily: the mixture is {mixture.DType.Name()} but the components are {components.DType.Name()}.", nameof(components));
        }

        return batch;
    }
}
