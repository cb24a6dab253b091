using Vae.Core;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// KL divergence from a diagonal Gaussian q = N(μ, diag σ²) (e.g. a VAE posterior q(z|x)) to a Gaussian mixture
/// p = Σ_k w_k p_k with diagonal components p_k = N(μ_k, diag σ_k²), which has no closed form. Besides the exact
/// per-component divergences KL(q ‖ p_k) this gives the closed-form variational approximation used by the 2016
/// mixture-of-Gaussians-prior VAE,
/// <code>
///     KL(q ‖ p) ≈ D_var(q ‖ p) = −log Σ_k w_k exp(−KL(q ‖ p_k)),
/// </code>
/// which is Hershey &amp; Olsen's (2007) variational approximation for the special case of a single-component q, and
/// an upper bound on the exact divergence.
/// </summary>
/// <remarks>
/// <para>
/// <b>Derivation.</b> KL(q ‖ p) = E_q[log q(z)] − E_q[log Σ_k w_k p_k(z)]. Take any weights φ_k &gt; 0 with Σ_k φ_k = 1.
/// Since log is concave (Jensen's inequality),
/// <c>log Σ_k w_k p_k(z) = log Σ_k φ_k·(w_k p_k(z)/φ_k) ≥ Σ_k φ_k·log(w_k p_k(z)/φ_k)</c> for every z. Taking the
/// expectation under q and subtracting from E_q[log q]:
/// <code>
///     KL(q ‖ p) ≤ U(φ) = Σ_k φ_k·[KL(q ‖ p_k) + log φ_k − log w_k].
/// </code>
/// U is convex in φ; minimising it on the simplex (Lagrange multiplier λ: KL(q ‖ p_k) + log φ_k + 1 − log w_k + λ = 0)
/// gives φ*_k ∝ w_k·exp(−KL(q ‖ p_k)) (<see cref="Responsibilities"/>), and substituting back,
/// <code>
///     min_φ U(φ) = −log Σ_k w_k exp(−KL(q ‖ p_k)) = D_var(q ‖ p) ≥ KL(q ‖ p).
/// </code>
/// (The minimum can also be read off convexity: −log is convex, so by Jensen
/// <c>−log Σ_k w_k e^(−KL_k) = −log Σ_k φ_k e^(log w_k − log φ_k − KL_k) ≤ Σ_k φ_k (KL_k + log φ_k − log w_k) = U(φ)</c>
/// for every φ, with equality at φ*; hence D_var = min_φ U(φ) ≥ KL(q ‖ p).) Equivalently, U(φ) is the KL divergence
/// between the joint distributions q(z)·φ(k) and w_k·p_k(z) of (z, k), whose z-marginals are q and p, and marginalising
/// cannot increase a KL divergence. The gap is exact: D_var − KL(q ‖ p) = E_q[KL(φ* ‖ p(k | z))] ≥ 0, where
/// p(k | z) = w_k p_k(z)/p(z) are the prior's responsibilities at z, so the bound is tight when they barely change
/// over q's mass (q well inside one isolated component, or K = 1, where D_var = KL(q ‖ p_1) exactly).
/// Hershey &amp; Olsen's general formula, <c>Σ_a π_a log(Σ_a' π_a' e^(−KL(f_a ‖ f_a')) / Σ_b ω_b e^(−KL(f_a ‖ g_b)))</c> for mixtures f and g, reduces to
/// D_var when f has one component (the numerator is e⁰ = 1).
/// </para>
/// <para>
/// Each term has the familiar closed form for diagonal Gaussians,
/// <c>KL(q ‖ p_k) = ½ Σ_j [log σ_kj² − log σ_j² − 1 + (σ_j² + (μ_j − μ_kj)²)/σ_kj²]</c>, so D_var is a log-sum-exp
/// over K closed forms: deterministic, differentiable w.r.t. q's and the mixture's parameters (to any order), and, as
/// a VAE's KL term, a valid training objective (it lowers the ELBO, never raises it). For float32 inputs the
/// [N, K] matrix of divergences is evaluated in float64 by expanding the square, which turns it into one
/// [N, 2d+2]×[2d+2, K] matrix product (exact to far below float32 resolution, with a guard that falls back to the
/// direct form for extreme magnitudes); float64 inputs use the direct [N, K, d] form.
/// </para>
/// </remarks>
public static class GaussianMixtureKl
{
    /// <summary>
    /// The exact divergences KL(q ‖ p_k) from a diagonal Gaussian q to every component p_k of the mixture.
    /// </summary>
    /// <param name="posterior">
    /// A diagonal Gaussian with event shape [d] and any batch shape B: <c>Independent(Normal(μ, σ), 1)</c> as returned
    /// by <see cref="GaussianEncoder"/>.
    /// </param>
    /// <param name="prior">A diagonal Gaussian mixture with K components in d dimensions, same dtype.</param>
    /// <returns>Shape <c>B + [K]</c>.</returns>
    /// <exception cref="NotSupportedException">q is not a diagonal Gaussian, or the mixture has full covariances.</exception>
    /// <exception cref="ArgumentException">The dimensions or dtypes differ.</exception>
    public static Tensor ComponentDivergences(Distribution posterior, GaussianMixture prior)
    {
        var (mean, logVar, batch) = Unpack(posterior, prior);
        var kl = ComponentDivergences(mean, logVar, prior.ComponentMeans, prior.ComponentLogVariances!, Expand(mean, logVar, prior));
        return kl.Reshape([.. batch.Dims, prior.NumComponents]);
    }

    /// <summary>
    /// The variational approximation D_var(q ‖ p) = −log Σ_k w_k exp(−KL(q ‖ p_k)), an upper bound on KL(q ‖ p)
    /// (see the remarks for the derivation); differentiable.
    /// </summary>
    /// <param name="posterior">A diagonal Gaussian with event shape [d] and batch shape B (see <see cref="ComponentDivergences(Distribution, GaussianMixture)"/>).</param>
    /// <param name="prior">A diagonal Gaussian mixture in d dimensions, same dtype.</param>
    /// <returns>Shape B.</returns>
    /// <exception cref="NotSupportedException">q is not a diagonal Gaussian, or the mixture has full covariances.</exception>
    /// <exception cref="ArgumentException">The dimensions or dtypes differ.</exception>
    public static Tensor Variational(Distribution posterior, GaussianMixture prior)
    {
        var (mean, logVar, batch) = Unpack(posterior, prior);
        bool expand = Expand(mean, logVar, prior);
        var logWeightedDensities = expand
            ? LogWeightsMinusDivergencesExpanded(mean, logVar, prior.ComponentMeans, prior.ComponentLogVariances!, prior.Logits)
            : prior.Logits - ComponentDivergences(mean, logVar, prior.ComponentMeans, prior.ComponentLogVariances!, expand: false);
        var result = logWeightedDensities.LogSumExp(-1).Neg();
        return result.To(mean.DType).Reshape(batch);
    }

    /// <summary>
    /// The optimal variational weights φ_k = w_k exp(−KL(q ‖ p_k)) / Σ_j w_j exp(−KL(q ‖ p_j)): how much of q each
    /// component explains (the posterior's soft component assignment); differentiable.
    /// </summary>
    /// <param name="posterior">A diagonal Gaussian with event shape [d] and batch shape B.</param>
    /// <param name="prior">A diagonal Gaussian mixture with K components in d dimensions, same dtype.</param>
    /// <returns>Shape <c>B + [K]</c>; sums to 1 over the last dimension.</returns>
    public static Tensor Responsibilities(Distribution posterior, GaussianMixture prior)
    {
        var (mean, logVar, batch) = Unpack(posterior, prior);
        bool expand = Expand(mean, logVar, prior);
        var kl = ComponentDivergences(mean, logVar, prior.ComponentMeans, prior.ComponentLogVariances!, expand);
        var logits = expand ? prior.Logits.Double() : prior.Logits;
        return (logits - kl).Softmax(-1).To(mean.DType).Reshape([.. batch.Dims, prior.NumComponents]);
    }

    /// <summary>
    /// KL(N(μ_n, diag e^{lv_n}) ‖ N(μ_k, diag e^{lv_k})) for all pairs: mean, logVar [N, d]; means, logVars [K, d] → [N, K].
    /// With <paramref name="expand"/>, computed in float64 via matrix products (see the type's remarks); else directly.
    /// </summary>
    internal static Tensor ComponentDivergences(Tensor mean, Tensor logVar, Tensor means, Tensor logVars, bool expand)
    {
        int d = mean.Shape[1];
        if (expand)
        {
            var mu = mean.Double();
            var lv = logVar.Double();
            var muK = means.Double();
            var lvK = logVars.Double();
            var precision = lvK.Neg().Exp(); // [K, d]
            var second = (lv.Exp() + mu.Square()).MatMul(precision.Transpose(0, 1)); // Σ_j (σ² + μ²)·P → [N, K]
            var cross = mu.MatMul((muK * precision).Transpose(0, 1)); // Σ_j μ·μ_k·P → [N, K]
            var perComponent = lvK.Sum(-1) + (muK.Square() * precision).Sum(-1); // [K]
            var perPoint = (lv.Sum(-1) + d).Unsqueeze(-1); // [N, 1]
            return (second - (cross * 2.0) + perComponent - perPoint) * 0.5;
        }

        var diff = mean.Unsqueeze(1) - means; // [N, K, d]
        var varianceRatio = (logVar.Unsqueeze(1) - logVars).Exp(); // σ²/σ_k²
        var terms = varianceRatio + (diff.Square() * logVars.Neg().Exp()) - (logVar.Unsqueeze(1) - logVars) - 1.0;
        return terms.Sum(-1) * 0.5;
    }

    /// <summary>
    /// log w_k − KL(q_n ‖ p_k) for all pairs as one float64 matrix product [N, 2d+2]·[2d+2, K], the only [N, K]-sized
    /// operation: with P = exp(−log σ_k²) and c_k = Σ_j (log σ_kj² + μ_kj²·P_kj),
    /// <c>log w_k − KL = −½ Σ_j (σ_j² + μ_j²)·P_kj + Σ_j μ_j·μ_kj·P_kj − ½ c_k + log w_k + ½ (Σ_j log σ_j² + d)</c>,
    /// i.e. rows <c>[σ² + μ², μ, 1, Σ log σ² + d]</c> of q times rows <c>[−½P, μ_k⊙P, log w_k − ½c_k, ½]</c> of the mixture.
    /// </summary>
    internal static Tensor LogWeightsMinusDivergencesExpanded(Tensor mean, Tensor logVar, Tensor means, Tensor logVars, Tensor logWeights)
    {
        int n = mean.Shape[0], k = means.Shape[0], d = mean.Shape[1];
        var mu = mean.Double();
        var lv = logVar.Double();
        var muK = means.Double();
        var lvK = logVars.Double();
        var precision = lvK.Neg().Exp(); // [K, d]
        var scaledMeans = muK * precision;
        var perComponent = (lvK.Sum(-1, keepDim: true) + (muK * scaledMeans).Sum(-1, keepDim: true)) * -0.5; // [K, 1]
        var posteriorRows = Tensor.Cat([lv.Exp() + mu.Square(), mu, Tensor.Ones(new Shape(n, 1), DType.Float64), lv.Sum(-1, keepDim: true) + d], 1);
        var mixtureRows = Tensor.Cat([precision * -0.5, scaledMeans, perComponent + logWeights.Double().Reshape(k, 1), Tensor.Full(new Shape(k, 1), 0.5, DType.Float64)], 1);
        return posteriorRows.MatMul(mixtureRows.Transpose(0, 1));
    }

    /// <summary>
    /// Whether the float64 expansion is used: float32 inputs whose magnitudes keep its cancellation error (about
    /// 2⁻⁵²·(|μ|² + |μ_k|² + σ²)·max P·d) below 1e-7, and all finite.
    /// </summary>
    internal static bool Expand(Tensor mean, Tensor logVar, GaussianMixture prior)
    {
        if (mean.DType != DType.Float32)
        {
            return false;
        }

        double mu2 = MaxAbs(mean.ToDoubleArray(), square: true);
        double muK2 = MaxAbs(prior.ComponentMeans.ToDoubleArray(), square: true);
        double variance = Math.Exp(Max(logVar.ToDoubleArray()));
        double precision = Math.Exp(-Min(prior.ComponentLogVariances!.ToDoubleArray()));
        double bound = (mu2 + muK2 + variance) * precision * mean.Shape[1];
        return double.IsFinite(bound) && bound <= 1e8 && double.IsFinite(Max(prior.Logits.ToDoubleArray()));
    }

    private static (Tensor Mean, Tensor LogVar, Shape Batch) Unpack(Distribution posterior, GaussianMixture prior)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        ArgumentNullException.ThrowIfNull(prior);
        if (!prior.IsDiagonal)
        {
            throw new NotSupportedException(
                "GaussianMixtureKl needs a mixture of diagonal Gaussians (GaussianMixture.FromLogVariances or FromScales); this one has full covariances.");
        }

        if (posterior is not Independent { ReinterpretedBatchDims: 1, BaseDistribution: Normal normal })
        {
            throw new NotSupportedException(
                $"GaussianMixtureKl needs a diagonal Gaussian posterior, Independent(Normal(μ, σ), 1); got {posterior}.");
        }

        int d = prior.Dimension;
        if (posterior.EventShape.Rank != 1 || posterior.EventShape[0] != d)
        {
            throw new ArgumentException(
                $"GaussianMixtureKl: the posterior's event shape {posterior.EventShape} does not match the mixture's dimension [{d}].", nameof(posterior));
        }

        if (posterior.DType != prior.DType)
        {
            throw new ArgumentException(
                $"GaussianMixtureKl: the posterior is {posterior.DType.Name()} but the mixture is {prior.DType.Name()}.", nameof(posterior));
        }

        var batch = posterior.BatchShape;
        int n = batch.Numel;
        var mean = normal.Loc.Reshape(n, d);
        var logVar = (normal.LogScale * 2.0).Reshape(n, d);
        return (mean, logVar, batch);
    }

    private static double MaxAbs(double[] values, bool square)
    {
        double m = 0;
        foreach (double v in values)
        {
            m = double.IsNaN(v) ? double.NaN : Math.Max(m, Math.Abs(v));
            if (double.IsNaN(m))
            {
                return double.NaN;
            }
        }

        return square ? m * m : m;
    }

    private static double Max(double[] values)
    {
        double m = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                return double.NaN;
            }

            m = Math.Max(m, v);
        }

        return values.Length == 0 ? 0 : m;
    }

    private static double Min(double[] values)
    {
        double m = double.PositiveInfinity;
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                return double.NaN;
            }

            m = Math.Min(m, v);
        }

        return values.Length == 0 ? 0 : m;
    }
}
