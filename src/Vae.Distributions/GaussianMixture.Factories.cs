using Vae.Core;

namespace Vae.Distributions;

public sealed partial class GaussianMixture
{
    /// <summary>
    /// A mixture of diagonal Gaussians parameterised by log-variances (the usual learnable parameterisation: any real
    /// value is valid).
    /// </summary>
    /// <param name="means">Component means μ, shape [K, d] (K, d ≥ 1); may require grad.</param>
    /// <param name="logVariances">Per-dimension log σ², shape [K, d]; may require grad.</param>
    /// <param name="logits">Unnormalised log mixing weights, shape [K] (e.g. <c>weights.Log()</c>); null for uniform weights; may require grad.</param>
    /// <exception cref="ArgumentException">A shape or dtype does not fit (the message names the shapes).</exception>
    public static GaussianMixture FromLogVariances(Tensor means, Tensor logVariances, Tensor? logits = null)
    {
        CheckMeans(means);
        CheckParameter(logVariances, means.Shape, means, nameof(logVariances));
        CheckLogits(logits, means);
        return new GaussianMixture(means, logVariances, null, logits);
    }

    /// <summary>A mixture of diagonal Gaussians parameterised by standard deviations (stored as log-variances 2·log σ).</summary>
    /// <param name="means">Component means μ, shape [K, d]; may require grad.</param>
    /// <param name="scales">Per-dimension standard deviations σ &gt; 0, shape [K, d]; may require grad.</param>
    /// <param name="logits">Unnormalised log mixing weights, shape [K]; null for uniform weights.</param>
    /// <exception cref="ArgumentException">A shape or dtype does not fit, or a scale is not positive and finite.</exception>
    public static GaussianMixture FromScales(Tensor means, Tensor scales, Tensor? logits = null)
    {
        CheckMeans(means);
        CheckParameter(scales, means.Shape, means, nameof(scales));
        CheckLogits(logits, means);
        var s = scales.ToDoubleArray();
        for (int i = 0; i < s.Length; i++)
        {
            if (!(s[i] > 0) || double.IsInfinity(s[i]))
            {
                throw new ArgumentException($"GaussianMixture: scales must be positive and finite; entry {i} of scales {scales.Shape} is {s[i]}.", nameof(scales));
            }
        }

        return new GaussianMixture(means, scales.Log() * 2.0, null, logits);
    }

    /// <summary>A mixture of full-covariance Gaussians given by Cholesky factors, Σ_k = L_k·L_kᵀ.</summary>
    /// <param name="means">Component means μ, shape [K, d]; may require grad.</param>
    /// <param name="scaleTril">
    /// Lower-triangular factors L, shape [K, d, d], with a positive diagonal and zeros above it; may require grad.
    /// </param>
    /// <param name="logits">Unnormalised log mixing weights, shape [K]; null for uniform weights.</param>
    /// <exception cref="ArgumentException">A shape or dtype does not fit, or a factor is not lower triangular with a positive diagonal.</exception>
    public static GaussianMixture FromScaleTril(Tensor means, Tensor scaleTril, Tensor? logits = null)
    {
        CheckMeans(means);
        int k = means.Shape[0], d = means.Shape[1];
        CheckParameter(scaleTril, new Shape(k, d, d), means, nameof(scaleTril));
        CheckLogits(logits, means);
        var l = scaleTril.ToDoubleArray();
        for (int c = 0; c < k; c++)
        {
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    double v = l[(((c * d) + i) * d) + j];
                    bool ok = j < i ? double.IsFinite(v) : j == i ? v > 0 && double.IsFinite(v) : v == 0;
                    if (!ok)
                    {
                        throw new ArgumentException(
                            $"GaussianMixture: scaleTril {scaleTril.Shape} must be lower triangular with a positive finite diagonal; entry [{c}, {i}, {j}] is {v}.",
                            nameof(scaleTril));
                    }
                }
            }
        }

        return new GaussianMixture(means, null, scaleTril, logits);
    }

    /// <summary>
    /// A mixture of full-covariance Gaussians given by covariance matrices (factorised with a differentiable Cholesky
    /// decomposition; only their lower triangles are read).
    /// </summary>
    /// <param name="means">Component means μ, shape [K, d]; may require grad.</param>
    /// <param name="covariances">Symmetric positive-definite Σ_k, shape [K, d, d]; may require grad.</param>
    /// <param name="logits">Unnormalised log mixing weights, shape [K]; null for uniform weights.</param>
    /// <exception cref="ArgumentException">A shape or dtype does not fit, or a matrix is not positive definite.</exception>
    public static GaussianMixture FromCovariances(Tensor means, Tensor covariances, Tensor? logits = null)
    {
        CheckMeans(means);
        int k = means.Shape[0], d = means.Shape[1];
        CheckParameter(covariances, new Shape(k, d, d), means, nameof(covariances));
        CheckLogits(logits, means);
        return new GaussianMixture(means, null, covariances.Cholesky(), logits);
    }

    /// <summary>
    /// The 2-D "mixture of Gaussians on a circle": <paramref name="k"/> equally weighted components, component i
    /// centred at angle θ_i = 2πi/k on the circle of radius <paramref name="radius"/>, μ_i = r·(cos θ_i, sin θ_i), with
    /// covariance <c>R(θ_i)·diag(σ1², σ2²)·R(θ_i)ᵀ</c>: standard deviation σ1 along the radial direction and σ2 along
    /// the tangent. Stored as exact Cholesky factors (computed in double precision), so <see cref="LogProb"/> is exact.
    /// </summary>
    /// <param name="k">Number of components (≥ 1).</param>
    /// <param name="radius">Radius of the circle of means (≥ 0).</param>
    /// <param name="sigma1">Radial standard deviation (&gt; 0).</param>
    /// <param name="sigma2">Tangential standard deviation (&gt; 0).</param>
    /// <param name="dtype">Element type of the parameters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public static GaussianMixture OnCircle(int k, double radius, double sigma1, double sigma2, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!(radius >= 0) || double.IsInfinity(radius))
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "GaussianMixture.OnCircle: radius must be finite and non-negative.");
        }

        CheckSigma(sigma1, nameof(sigma1));
        CheckSigma(sigma2, nameof(sigma2));
        var means = new double[k * 2];
        var tril = new double[k * 4];
        double v1 = sigma1 * sigma1, v2 = sigma2 * sigma2;
        for (int i = 0; i < k; i++)
        {
            double angle = 2 * Math.PI * i / k;
            (double s, double c) = Math.SinCos(angle);
            means[2 * i] = radius * c;
            means[(2 * i) + 1] = radius * s;

            // Σ = R·diag(v1, v2)·Rᵀ with R = [[c, −s], [s, c]], and its Cholesky factor in closed form.
            double c11 = (v1 * c * c) + (v2 * s * s);
            double c21 = (v1 - v2) * c * s;
            double l11 = Math.Sqrt(c11);
            tril[4 * i] = l11;
            tril[(4 * i) + 2] = c21 / l11;
            tril[(4 * i) + 3] = sigma1 * sigma2 / l11;
        }

        return new GaussianMixture(
            Tensor.FromArray(means, k, 2).To(dtype), null, Tensor.FromArray(tril, k, 2, 2).To(dtype), null);
    }

    /// <summary>
    /// The 10-component 2-D prior of the adversarial-autoencoder experiments (ml-playground seed,
    /// <c>GaussianMultivariateMixture2D</c> with radius 2.0 and covariance diag(2.0, 0.1) rotated to each component's
    /// angle): <c>OnCircle(numClasses, 2.0, √2.0, √0.1)</c>. The seed's "sigma_1 = 2.0, sigma_2 = 0.1" are covariance
    /// entries, hence the square roots. (The widely copied sampler of the adversarial-autoencoder paper's
    /// reimplementations uses <c>OnCircle(10, 1.4, 0.5, 0.05)</c>.)
    /// </summary>
    /// <param name="numClasses">Number of components (one per class).</param>
    /// <param name="dtype">Element type of the parameters.</param>
    public static GaussianMixture AdversarialAutoencoderPrior(int numClasses = 10, DType dtype = DType.Float32) =>
        OnCircle(numClasses, 2.0, Math.Sqrt(2.0), Math.Sqrt(0.1), dtype);

    /// <summary>
    /// The per-class prior of the conditional VAE experiments (ml-playground seed,
    /// <c>GaussianMultivariateMixture</c>: radius 4.0, covariance diag(2.0, 0.1) rotated to each class's angle):
    /// <c>OnCircle(numClasses, 4.0, √2.0, √0.1)</c>. Class y's prior p(z | y) is component y; evaluate it with
    /// <see cref="ComponentLogProb(Tensor, Tensor)"/> and sample it with <see cref="SampleForLabels"/>.
    /// </summary>
    /// <param name="numClasses">Number of classes (components).</param>
    /// <param name="dtype">Element type of the parameters.</param>
    public static GaussianMixture ConditionalVaePrior(int numClasses = 10, DType dtype = DType.Float32) =>
        OnCircle(numClasses, 4.0, Math.Sqrt(2.0), Math.Sqrt(0.1), dtype);

    private static void CheckSigma(double sigma, string name)
    {
        if (!(sigma > 0) || double.IsInfinity(sigma))
        {
            throw new ArgumentOutOfRangeException(name, sigma, "GaussianMixture.OnCircle: standard deviations must be positive and finite.");
        }
    }

    private static void CheckMeans(Tensor means)
    {
        ArgumentNullException.ThrowIfNull(means);
        if (means.Rank != 2 || means.Shape[0] < 1 || means.Shape[1] < 1)
        {
            throw new ArgumentException($"GaussianMixture: means must have shape [K, d] with K, d ≥ 1, got {means.Shape}.", nameof(means));
        }
    }

    private static void CheckParameter(Tensor parameter, Shape expected, Tensor means, string name)
    {
        ArgumentNullException.ThrowIfNull(parameter, name);
        if (parameter.Shape != expected)
        {
            throw new ArgumentException(
                $"GaussianMixture: {name} must have shape {expected} to match means {means.Shape}, got {parameter.Shape}.", name);
        }

        if (parameter.DType != means.DType)
        {
            throw new ArgumentException($"GaussianMixture: {name} is {parameter.DType.Name()} but means are {means.DType.Name()}.", name);
        }
    }

    private static void CheckLogits(Tensor? logits, Tensor means)
    {
        if (logits is not null)
        {
            CheckParameter(logits, new Shape(means.Shape[0]), means, nameof(logits));
        }
    }
}
