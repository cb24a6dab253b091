using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// A mixture of K multivariate Gaussians in d dimensions: batch shape [], event shape [d], density
/// <c>p(x) = Σ_k w_k N(x; μ_k, Σ_k)</c> with diagonal covariances (log-variances or scales [K, d]) or full
/// covariances (Cholesky factors or covariance matrices [K, d, d]). Create one with the factories
/// (<see cref="FromLogVariances"/>, <see cref="FromScales"/>, <see cref="FromScaleTril"/>, <see cref="FromCovariances"/>,
/// <see cref="OnCircle"/>, <see cref="AdversarialAutoencoderPrior"/>, <see cref="ConditionalVaePrior"/>).
/// <para>
/// <see cref="LogProb"/> works in log space throughout (per-component log-densities, then log-sum-exp), so it stays
/// finite and accurate for a thousand components with far-apart means. Parameters may require grad (a learnable
/// mixture prior): <see cref="LogProb"/>, <see cref="ComponentLogProb(Tensor)"/> and
/// <see cref="LogResponsibilities"/> are differentiable w.r.t. means, covariance parameters, logits and the value.
/// There is no closed-form entropy or KL divergence: use <see cref="KL.MonteCarlo"/>.
/// </para>
/// </summary>
public sealed partial class GaussianMixture : Distribution, ILabeledSampler
{
    private readonly GaussianComponents _components;
    private readonly MixtureSameFamily _mixture;

    private GaussianMixture(Tensor means, Tensor? logVariances, Tensor? scaleTril, Tensor? logits)
        : base(Shape.Scalar, new Shape(means.Shape[1]))
    {
        var weights = logits ?? Tensor.Zeros(new Shape(means.Shape[0]), means.DType);
        _components = new GaussianComponents(means, logVariances, scaleTril);
        MixtureDistribution = new Categorical(weights);
        _mixture = new MixtureSameFamily(MixtureDistribution, _components);
    }

    /// <summary>Number of components K.</summary>
    public int NumComponents => _components.Count;

    /// <summary>Dimension d of the space.</summary>
    public int Dimension => _components.Dimension;

    /// <summary>Same as <see cref="NumComponents"/>: labels are component indices.</summary>
    public int NumLabels => NumComponents;

    /// <summary>Whether the components have diagonal covariances (parameterised by log-variances).</summary>
    public bool IsDiagonal => _components.LogVariances is not null;

    /// <summary>Component means μ, shape [K, d] (the tensor given at creation).</summary>
    public Tensor ComponentMeans => _components.Means;

    /// <summary>Component log-variances, shape [K, d], for diagonal mixtures; null for full-covariance mixtures.</summary>
    public Tensor? ComponentLogVariances => _components.LogVariances;

    /// <summary>Lower-triangular Cholesky factors L (Σ_k = L_k·L_kᵀ), shape [K, d, d], for full-covariance mixtures; null for diagonal ones.</summary>
    public Tensor? ComponentScaleTril => _components.ScaleTril;

    /// <summary>Diagonal of each component covariance, shape [K, d].</summary>
    public Tensor ComponentVariances => _components.Variance;

    /// <summary>Full component covariance matrices Σ_k, shape [K, d, d].</summary>
    public Tensor ComponentCovariances => _components.Covariances;

    /// <summary>Normalised log mixing weights, shape [K].</summary>
    public Tensor Logits => MixtureDistribution.Logits;

    /// <summary>Mixing weights (summing to 1), shape [K].</summary>
    public Tensor Weights => MixtureDistribution.Probs;

    /// <summary>The distribution of the component index (K categories, batch shape []).</summary>
    public Categorical MixtureDistribution { get; }

    /// <summary>
    /// The components as one batched distribution: batch shape [K], event shape [d] (LogProb of values
    /// <c>[..., K or 1, d]</c> → <c>[..., K]</c>, Sample, Mean [K, d], Variance [K, d], Entropy [K]).
    /// </summary>
    public Distribution ComponentDistribution => _components;

    /// <inheritdoc />
    public override DType DType => _components.DType;

    /// <summary>Mixture mean <c>Σ_k w_k μ_k</c>, shape [d].</summary>
    public override Tensor Mean => _mixture.Mean;

    /// <summary>Per-dimension mixture variance (law of total variance), shape [d].</summary>
    public override Tensor Variance => _mixture.Variance;

    /// <summary>Mixture covariance <c>Σ_k w_k (Σ_k + μ_k μ_kᵀ) − μ μᵀ</c>, shape [d, d].</summary>
    public Tensor CovarianceMatrix
    {
        get
        {
            var w = Weights.Reshape(NumComponents, 1, 1);
            var mu = ComponentMeans;
            var second = (w * (ComponentCovariances + (mu.Unsqueeze(-1) * mu.Unsqueeze(-2)))).Sum(0);
            var mean = (Weights.Unsqueeze(-1) * mu).Sum(0);
            return second - Tensor.Outer(mean, mean);
        }
    }

    /// <summary>The same mixture as a generic <see cref="MixtureSameFamily"/> (sharing parameters).</summary>
    public MixtureSameFamily ToMixtureSameFamily() => _mixture;

    /// <summary>
    /// Log-density <c>log Σ_k exp(log w_k + log N(x; μ_k, Σ_k))</c>; exact for diagonal and full covariances, stable
    /// and differentiable.
    /// </summary>
    /// <param name="value">Points of shape <c>[..., d]</c>.</param>
    /// <returns>Shape <c>[...]</c>.</returns>
    /// <exception cref="ArgumentException">The last dimension is not d, or the dtype differs.</exception>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        return (ComponentLogProb(value) + Logits).LogSumExp(-1);
    }

    /// <summary>Log-density of every component at every point: <c>log N(x; μ_k, Σ_k)</c>.</summary>
    /// <param name="value">Points of shape <c>[..., d]</c>.</param>
    /// <returns>Shape <c>[..., K]</c>.</returns>
    public Tensor ComponentLogProb(Tensor value)
    {
        ValidateValue(value);
        var lead = value.Shape.Dims[..^1].ToArray();
        var flat = _components.PairwiseLogProb(value.Reshape(value.Numel / Dimension, Dimension));
        return flat.Reshape([.. lead, NumComponents]);
    }

    /// <summary>
    /// Log-density of each point under its own labelled component, <c>log N(x; μ_y, Σ_y)</c> (a per-class prior
    /// p(z | y)); only the selected components are evaluated. Differentiable w.r.t. the component parameters and the value.
    /// </summary>
    /// <param name="value">Points of shape <c>[..., d]</c>.</param>
    /// <param name="labels">Component indices of shape <c>[...]</c> (the value's shape without d); integral in [0, K), either dtype.</param>
    /// <returns>Shape <c>[...]</c>.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit or a label is out of range.</exception>
    public Tensor ComponentLogProb(Tensor value, Tensor labels)
    {
        ValidateValue(value);
        ArgumentNullException.ThrowIfNull(labels);
        var lead = value.Shape.Dims[..^1].ToArray();
        if (!labels.Shape.Dims.SequenceEqual(lead))
        {
            throw new ArgumentException(
                $"GaussianMixture.ComponentLogProb: labels of shape {labels.Shape} do not match the value of shape {value.Shape}; expected labels of shape {new Shape(lead)}.",
                nameof(labels));
        }

        Categorical.CheckIndices(labels, NumComponents, "GaussianMixture.ComponentLogProb");
        var result = _components.SelectedLogProb(value.Reshape(labels.Numel, Dimension), labels.Reshape(labels.Numel));
        return result.Reshape(lead);
    }

    /// <summary>Log posterior component probabilities <c>log p(k | x)</c>, differentiable.</summary>
    /// <param name="value">Points of shape <c>[..., d]</c>.</param>
    /// <returns>Shape <c>[..., K]</c>; each row log-sums to 0.</returns>
    public Tensor LogResponsibilities(Tensor value) => (ComponentLogProb(value) + Logits).LogSoftmax(-1);

    /// <summary>
    /// Draws points: the component labels first (as <see cref="Categorical.Sample(Shape, Generator)"/>), then one
    /// Gaussian draw per point from its component only.
    /// </summary>
    /// <param name="sampleShape">Leading sample dimensions S.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Shape <c>S + [d]</c>, without gradient.</returns>
    public override Tensor Sample(Shape sampleShape, Generator generator) => SampleWithLabels(sampleShape, generator).Samples;

    /// <summary>Draws points with the index of the component each came from; see <see cref="Sample(Shape, Generator)"/>.</summary>
    /// <param name="sampleShape">Leading sample dimensions S.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Samples of shape <c>S + [d]</c> and component labels of shape S, without gradient.</returns>
    public (Tensor Samples, Tensor Labels) SampleWithLabels(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var labels = MixtureDistribution.Sample(sampleShape, generator);
        return (SampleForLabels(labels, generator), labels);
    }

    /// <summary>Draws <paramref name="n"/> points, all from component <paramref name="label"/> when given, else from random components.</summary>
    /// <param name="n">Number of points (≥ 0).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <param name="label">A component index in [0, K), or null to draw components by their weights.</param>
    /// <returns>Samples [n, d] and labels [n], without gradient.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative or <paramref name="label"/> is out of range.</exception>
    public (Tensor Samples, Tensor Labels) SampleWithLabels(int n, Generator generator, int? label = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentNullException.ThrowIfNull(generator);
        if (label is null)
        {
            return SampleWithLabels(new Shape(n), generator);
        }

        if (label < 0 || label >= NumComponents)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"GaussianMixture: label must be in [0, {NumComponents}).");
        }

        var labels = Tensor.Full(new Shape(n), label.Value, DType);
        return (SampleForLabels(labels, generator), labels);
    }

    /// <summary>Draws one point from each labelled component (e.g. prior samples matching a batch's classes).</summary>
    /// <param name="labels">Component indices of any shape L, integral in [0, K); either dtype.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Shape <c>L + [d]</c>, without gradient.</returns>
    /// <exception cref="ArgumentException">A label is not an integer in [0, K).</exception>
    public Tensor SampleForLabels(Tensor labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(generator);
        Categorical.CheckIndices(labels, NumComponents, "GaussianMixture.SampleForLabels");
        var x = _components.SampleSelected(labels.Detach().Reshape(labels.Numel), generator);
        return x.Reshape([.. labels.Shape.Dims, Dimension]);
    }
}
