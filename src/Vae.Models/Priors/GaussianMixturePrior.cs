using System.Globalization;
using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// A Gaussian-mixture prior p(z) = Σ_k w_k N(z; μ_k, diag(exp(log σ²_k))) with K components in d dimensions, as in the
/// 2016 mixture-of-Gaussians-prior VAE (K = 1000, d = 10). Its means (<c>means</c>, [K, d]), log-variances
/// (<c>log_vars</c>, [K, d]) and mixture logits (<c>logits</c>, [K]) are <see cref="Parameter"/>s, each learnable or
/// fixed (a fixed one has <see cref="Tensor.RequiresGrad"/> false, so optimizers leave it alone); inside a VAE they are
/// named <c>prior.means</c>, <c>prior.log_vars</c>, <c>prior.logits</c>.
/// <para>
/// <see cref="Mixture"/> (and <see cref="Distribution"/>) builds a <see cref="GaussianMixture"/> from the current
/// parameters on every call, so <see cref="GaussianMixture.LogProb"/> is stable for a thousand components (log-space
/// throughout) and differentiable w.r.t. the parameters and the value. Use it with
/// <see cref="MixturePriorVariationalAutoencoder"/> for the closed-form variational KL approximation, or with any
/// <see cref="VariationalAutoencoder"/> for the Monte Carlo KL.
/// </para>
/// </summary>
public sealed class GaussianMixturePrior : Prior
{
    /// <summary>
    /// A prior with <paramref name="numComponents"/> components initialised per <paramref name="options"/>: means drawn
    /// from N(0, I)·<see cref="GaussianMixturePriorOptions.MeanScale"/> with <paramref name="generator"/>, log-variances
    /// <see cref="GaussianMixturePriorOptions.InitialLogVariance"/>, uniform weights.
    /// </summary>
    /// <param name="numComponents">Number of components K (≥ 1).</param>
    /// <param name="latentDim">Dimension d of z (≥ 1).</param>
    /// <param name="generator">Source of the initial means.</param>
    /// <param name="options">Initialisation and learnability; null for the defaults (learnable means and log-variances, fixed uniform weights).</param>
    public GaussianMixturePrior(int numComponents, int latentDim, Generator generator, GaussianMixturePriorOptions? options = null)
        : this(InitialMeans(numComponents, latentDim, generator, options ??= new GaussianMixturePriorOptions()),
               Tensor.Full(new Shape(numComponents, latentDim), options.InitialLogVariance, options.DType),
               null,
               options.LearnMeans,
               options.LearnLogVariances,
               options.LearnWeights)
    {
    }

    /// <summary>A prior with the given initial parameters (copied; the copies become the parameters).</summary>
    /// <param name="means">Component means μ, shape [K, d].</param>
    /// <param name="logVariances">Component log-variances log σ², shape [K, d], same dtype.</param>
    /// <param name="logits">Unnormalised log mixing weights, shape [K]; null for uniform weights (logits 0).</param>
    /// <param name="learnMeans">Whether the means are trained.</param>
    /// <param name="learnLogVariances">Whether the log-variances are trained.</param>
    /// <param name="learnWeights">Whether the logits are trained.</param>
    /// <exception cref="ArgumentException">A shape or dtype does not fit (the message names the shapes), or a value is not finite.</exception>
    public GaussianMixturePrior(
        Tensor means, Tensor logVariances, Tensor? logits = null, bool learnMeans = true, bool learnLogVariances = true, bool learnWeights = false)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(logVariances);
        if (means.Rank != 2 || means.Shape[0] < 1 || means.Shape[1] < 1)
        {
            throw new ArgumentException($"GaussianMixturePrior: means must have shape [K, d] with K, d ≥ 1, got {means.Shape}.", nameof(means));
        }

        int k = means.Shape[0];
        Check(logVariances, means.Shape, means, nameof(logVariances));
        logits ??= Tensor.Zeros(new Shape(k), means.DType);
        Check(logits, new Shape(k), means, nameof(logits));
        CheckFinite(means, nameof(means));
        CheckFinite(logVariances, nameof(logVariances));
        CheckFinite(logits, nameof(logits));

        Means = RegisterParameter("means", new Parameter(means.Detach().Clone(), learnMeans));
        LogVars = RegisterParameter("log_vars", new Parameter(logVariances.Detach().Clone(), learnLogVariances));
        Logits = RegisterParameter("logits", new Parameter(logits.Detach().Clone(), learnWeights));
    }

    /// <summary>Component means μ, [K, d] (<c>means</c>).</summary>
    public Parameter Means { get; }

    /// <summary>Component log-variances log σ², [K, d] (<c>log_vars</c>).</summary>
    public Parameter LogVars { get; }

    /// <summary>Unnormalised log mixing weights, [K] (<c>logits</c>; all 0 means uniform weights).</summary>
    public Parameter Logits { get; }

    /// <summary>Number of components K.</summary>
    public int NumComponents => Means.Shape[0];

    /// <inheritdoc />
    public override int LatentDim => Means.Shape[1];

    /// <summary>The element type of the parameters.</summary>
    public DType DType => Means.DType;

    /// <summary>The mixture for the current parameters (differentiable w.r.t. those that require grad).</summary>
    public GaussianMixture Mixture() => GaussianMixture.FromLogVariances(Means, LogVars, Logits);

    /// <inheritdoc />
    public override Distribution Distribution() => Mixture();

    /// <summary>log p(z), differentiable w.r.t. z and the learnable parameters.</summary>
    /// <param name="z">Codes of shape <c>[..., d]</c>.</param>
    /// <returns>Shape <c>[...]</c>.</returns>
    public Tensor LogProb(Tensor z) => Mixture().LogProb(z);

    /// <summary>Draws codes from the prior, each with the index of its component (without gradient).</summary>
    /// <param name="count">Number of codes (≥ 0).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <param name="component">A component index in [0, K) to draw every code from, or null to draw components by their weights.</param>
    /// <returns>Codes [count, d] and component indices [count].</returns>
    public (Tensor Samples, Tensor Components) Sample(int count, Generator generator, int? component = null)
    {
        using (Autograd.NoGrad())
        {
            var (samples, labels) = Mixture().SampleWithLabels(count, generator, component);
            return (samples, labels);
        }
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => string.Create(
        CultureInfo.InvariantCulture,
        $"components={NumComponents}, latentDim={LatentDim}, learn(means={Means.RequiresGrad}, log_vars={LogVars.RequiresGrad}, logits={Logits.RequiresGrad})");

    private static Tensor InitialMeans(int numComponents, int latentDim, Generator generator, GaussianMixturePriorOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numComponents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        ArgumentNullException.ThrowIfNull(generator);
        options.Validate();
        var means = Tensor.Randn(new Shape(numComponents, latentDim), generator, options.DType);
        return options.MeanScale == 1.0 ? means : means * options.MeanScale;
    }

    private static void Check(Tensor parameter, Shape expected, Tensor means, string name)
    {
        ArgumentNullException.ThrowIfNull(parameter, name);
        if (parameter.Shape != expected)
        {
            throw new ArgumentException($"GaussianMixturePrior: {name} must have shape {expected} to match means {means.Shape}, got {parameter.Shape}.", name);
        }

        if (parameter.DType != means.DType)
        {
            throw new ArgumentException($"GaussianMixturePrior: {name} is {parameter.DType.Name()} but means are {means.DType.Name()}.", name);
        }
    }

    private static void CheckFinite(Tensor t, string name)
    {
        var v = t.ToDoubleArray();
        for (int i = 0; i < v.Length; i++)
        {
            if (!double.IsFinite(v[i]))
            {
                throw new ArgumentException($"GaussianMixturePrior: {name} {t.Shape} must be finite; entry {i} is {v[i]}.", name);
            }
        }
    }
}
