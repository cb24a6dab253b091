using Vae.Core;

namespace Vae.Distributions;

/// <summary>Analytic KL rules between continuous distributions (and Bernoulli pairs), registered with <see cref="KL"/>.</summary>
internal static class ContinuousKlRules
{
    public static void Register()
    {
        KL.Register<Normal, Normal>(NormalNormal);
        KL.Register<Independent, Independent>(IndependentIndependent);
        KL.Register<MultivariateNormal, MultivariateNormal>(MvnMvn);
        KL.Register<Bernoulli, Bernoulli>(BernoulliBernoulli);
        KL.Register<ContinuousBernoulli, ContinuousBernoulli>(CbCb);
        KL.Register<Uniform, Uniform>(UniformUniform);
        KL.Register<Uniform, Normal>(UniformNormal);
        KL.Register<Laplace, Laplace>(LaplaceLaplace);
        KL.Register<Normal, Laplace>(NormalLaplace);
        KL.Register<Laplace, Normal>(LaplaceNormal);
    }

    /// <summary>log(σq/σp) + (σp² + (μp − μq)²)/(2σq²) − ½, with ratios formed before squaring.</summary>
    internal static Tensor NormalNormal(Normal p, Normal q)
    {
        var ratio = p.Scale / q.Scale;
        var t = (p.Loc - q.Loc) / q.Scale;
        return ((ratio.Square() + t.Square() - 1.0) * 0.5) + (q.LogScale - p.LogScale);
    }

    /// <summary>The base KL summed over the reinterpreted dimensions (both must reinterpret the same number).</summary>
    internal static Tensor IndependentIndependent(Independent p, Independent q)
    {
        if (p.ReinterpretedBatchDims != q.ReinterpretedBatchDims || p.EventShape != q.EventShape)
        {
            throw new ArgumentException(
                $"KL(Independent ‖ Independent): both must reinterpret the same dimensions; p reinterprets {p.ReinterpretedBatchDims} " +
                $"(event {p.EventShape}) and q {q.ReinterpretedBatchDims} (event {q.EventShape}).");
        }

        return ContinuousParams.SumRightmost(KL.Divergence(p.BaseDistribution, q.BaseDistribution), p.ReinterpretedBatchDims);
    }

    /// <summary>½[tr(Σq⁻¹Σp) + (μq − μp)ᵀΣq⁻¹(μq − μp) − d + log|Σq| − log|Σp|], via triangular solves with Lq.</summary>
    internal static Tensor MvnMvn(MultivariateNormal p, MultivariateNormal q)
    {
        if (p.Dimension != q.Dimension)
        {
            throw new ArgumentException($"KL(MultivariateNormal ‖ MultivariateNormal): event shapes {p.EventShape} and {q.EventShape} differ.");
        }

        int d = p.Dimension;
        var batch = Shape.Broadcast(p.BatchShape, q.BatchShape);
        var mat = Distribution.Concat(batch, new Shape(d, d));
        var lq = q.ScaleTril.Expand(mat);
        var lp = p.ScaleTril.Expand(mat);
        // tr(Σq⁻¹Σp) = ‖Lq⁻¹·Lp‖²_F.
        var trace = Tensor.SolveTriangular(MultivariateNormal.Flat(lq), MultivariateNormal.Flat(lp), upper: false)
            .Square().Sum([1, 2]).Reshape(batch);
        var maha = MultivariateNormal.Mahalanobis(lq, q.Loc - p.Loc);
        return ((trace + maha - d) * 0.5) + (q.HalfLogDet() - p.HalfLogDet());
    }

    /// <summary>p·(log σ(lp) − log σ(lq)) + (1 − p)·(log σ(−lp) − log σ(−lq)), with p = σ(lp).</summary>
    internal static Tensor BernoulliBernoulli(Bernoulli p, Bernoulli q)
    {
        var pp = p.Logits.Sigmoid();
        var pos = p.Logits.LogSigmoid() - q.Logits.LogSigmoid();
        var neg = p.Logits.Neg().LogSigmoid() - q.Logits.Neg().LogSigmoid();
        return (pp * pos) + ((1.0 - pp) * neg);
    }

    /// <summary>
    /// log p(x) = x·l + log σ(−l) + log C(l) is linear in x, so KL = m_p·(lp − lq) + log σ(−lp) − log σ(−lq) + log C(lp) − log C(lq).
    /// </summary>
    internal static Tensor CbCb(ContinuousBernoulli p, ContinuousBernoulli q)
    {
        var lp = p.Logits;
        var lq = q.Logits;
        return (p.Mean * (lp - lq)) + (lp.Neg().LogSigmoid() - lq.Neg().LogSigmoid())
            + (ContinuousBernoulli.LogNormalizer(lp) - ContinuousBernoulli.LogNormalizer(lq));
    }

    /// <summary>log((bq − aq)/(bp − ap)) when [ap, bp] ⊆ [aq, bq], else +∞.</summary>
    internal static Tensor UniformUniform(Uniform p, Uniform q)
    {
        var kl = (q.High - q.Low).Log() - (p.High - p.Low).Log();
        var outside = q.Low.Gt(p.Low) + p.High.Gt(q.High);
        return Tensor.Where(outside, Tensor.Scalar(double.PositiveInfinity, kl.DType), kl);
    }

    /// <summary>−log(b − a) + log σ + ½·log 2π + [(b − a)²/12 + ((a + b)/2 − μ)²]/(2σ²).</summary>
    internal static Tensor UniformNormal(Uniform p, Normal q)
    {
        var width = p.High - p.Low;
        var secondMoment = (width.Square() / 12.0) + (((p.Low + p.High) * 0.5) - q.Loc).Square();
        return (q.LogScale - width.Log() + NormalMath.HalfLog2Pi) + (secondMoment / (q.Scale.Square() * 2.0));
    }

    /// <summary>log(bq/bp) + |μp − μq|/bq + (bp/bq)·exp(−|μp − μq|/bp) − 1.</summary>
    internal static Tensor LaplaceLaplace(Laplace p, Laplace q)
    {
        var delta = (p.Loc - q.Loc).Abs();
        return (q.Scale.Log() - p.Scale.Log()) + (delta / q.Scale) + ((p.Scale / q.Scale) * (delta / p.Scale).Neg().Exp()) - 1.0;
    }

    /// <summary>
    /// −H(N(μ, σ)) + log(2b) + E|X − m|/b, with E|X − m| = σ·√(2/π)·exp(−δ²/(2σ²)) + δ·(1 − 2Φ(−δ/σ)) (folded-normal mean, δ = μ − m).
    /// </summary>
    internal static Tensor NormalLaplace(Normal p, Laplace q)
    {
        var delta = p.Loc - q.Loc;
        var r = delta / p.Scale;
        var meanAbs = (p.Scale * NormalMath.Pdf(r) * 2.0) + (delta * (1.0 - (NormalMath.Cdf(r.Neg()) * 2.0)));
        return (q.Scale.Log() + NormalMath.Ln2 - p.Entropy()) + (meanAbs / q.Scale);
    }

    /// <summary>−H(Laplace(μ, b)) + log σ + ½·log 2π + (2b² + (μ − m)²)/(2σ²).</summary>
    internal static Tensor LaplaceNormal(Laplace p, Normal q)
    {
        var secondMoment = (p.Scale.Square() * 2.0) + (p.Loc - q.Loc).Square();
        return (q.LogScale + NormalMath.HalfLog2Pi - p.Entropy()) + (secondMoment / (q.Scale.Square() * 2.0));
    }
}
