using Vae.Core;

namespace Vae.Distributions;

/// <summary>Analytic KL rules between discrete distributions.</summary>
internal static class DiscreteKlRules
{
    public static void Register()
    {
        KL.Register<Categorical, Categorical>(CategoricalCategorical);
        KL.Register<OneHotCategorical, OneHotCategorical>(static (p, q) => CategoricalCategorical(p.Categorical, q.Categorical));
    }

    /// <summary>
    /// KL(p ‖ q) = Σ_k p_k (log p_k − log q_k) over the last dimension, with the batch shapes broadcast: classes with
    /// p_k = 0 contribute 0 (also when q_k = 0), classes with p_k &gt; 0 = q_k give +∞. Differentiable w.r.t. both
    /// distributions' parameters (no NaN gradients from the masked classes).
    /// </summary>
    internal static Tensor CategoricalCategorical(Categorical p, Categorical q)
    {
        if (p.NumCategories != q.NumCategories)
        {
            throw new ArgumentException(
                $"KL(Categorical ‖ Categorical): the distributions have {p.NumCategories} and {q.NumCategories} categories " +
                $"(logits {p.Logits.Shape} and {q.Logits.Shape}).");
        }

        if (p.DType != q.DType)
        {
            throw new ArgumentException($"KL(Categorical ‖ Categorical): dtypes differ ({p.DType.Name()} and {q.DType.Name()}).");
        }

        try
        {
            _ = Shape.Broadcast(p.BatchShape, q.BatchShape);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException(
                $"KL(Categorical ‖ Categorical): batch shapes {p.BatchShape} and {q.BatchShape} do not broadcast (logits {p.Logits.Shape} and {q.Logits.Shape}).");
        }

        var probs = p.Probs;
        var zeroP = probs.Eq(0.0);
        var zero = Tensor.Scalar(0, p.DType);

        // Where p = 0 the log-ratio may be −∞ − (−∞) = NaN: replace it before multiplying so that neither the value nor
        // the gradient sees it.
        var logRatio = Tensor.Where(zeroP, zero, p.Logits - q.Logits);
        return (probs * logRatio).Sum(-1);
    }
}
