using System.Numerics.Tensors;

namespace Vae.Core.Optim;

/// <summary>Gradient clipping, in place on <see cref="Tensor.Grad"/> (PyTorch's <c>torch.nn.utils.clip_grad_*_</c>).</summary>
public static class ClipGrad
{
    /// <summary>
    /// Scales all gradients by min(1, maxNorm / (total + 1e-6)), where total is the norm of order
    /// <paramref name="normType"/> of all gradients together (as if concatenated into one vector) — PyTorch's
    /// <c>clip_grad_norm_</c>. Parameters without a gradient are ignored.
    /// </summary>
    /// <param name="parameters">Tensors whose <see cref="Tensor.Grad"/> is clipped (any shapes).</param>
    /// <param name="maxNorm">Largest allowed total norm.</param>
    /// <param name="normType">Order p &gt; 0 of the norm, or <see cref="double.PositiveInfinity"/> for the max-norm.</param>
    /// <param name="errorIfNonfinite">Throw <see cref="InvalidOperationException"/> when the total norm is NaN or infinite (otherwise the gradients are scaled by the non-finite factor, like PyTorch).</param>
    /// <returns>The total norm before clipping (0 when no parameter has a gradient).</returns>
    public static double Norm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(normType > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(normType), $"ClipGrad.Norm: normType must be > 0 or +infinity, got {normType}.");
        }

        var grads = Grads(parameters);
        if (grads.Count == 0)
        {
            return 0;
        }

        double total;
        if (double.IsPositiveInfinity(normType))
        {
            total = 0;
            foreach (var g in grads)
            {
                double m = g.DType == DType.Float32
                    ? Math.Abs(TensorPrimitives.MaxMagnitude<float>(g.Span<float>()))
                    : Math.Abs(TensorPrimitives.MaxMagnitude<double>(g.Span<double>()));
                total = double.IsNaN(m) || double.IsNaN(total) ? double.NaN : Math.Max(total, m);
            }
        }
        else
        {
            double sum = 0;
            foreach (var g in grads)
            {
                sum += Math.Pow(NormOf(g, normType), normType);
            }

            total = normType == 2 ? Math.Sqrt(sum) : normType == 1 ? sum : Math.Pow(sum, 1 / normType);
        }

        if (errorIfNonfinite && !double.IsFinite(total))
        {
            throw new InvalidOperationException(
                $"The total norm of order {normType} of the gradients is non-finite ({total}), so it cannot be clipped. " +
                "Pass errorIfNonfinite: false to scale the gradients by the non-finite norm anyway.");
        }

        double coef = maxNorm / (total + 1e-6);
        if (!(coef >= 1))
        {
            // Gradients may share storage (e.g. both inputs of an addition receive the same gradient tensor):
            // scale each storage once.
            var scaled = new HashSet<Array>(ReferenceEqualityComparer.Instance);
            foreach (var g in grads)
            {
                if (!scaled.Add(g.Data))
                {
                    continue;
                }

                if (g.DType == DType.Float32)
                {
                    TensorPrimitives.Multiply(g.Span<float>(), (float)coef, g.Span<float>());
                }
                else
                {
                    TensorPrimitives.Multiply(g.Span<double>(), coef, g.Span<double>());
                }
            }
        }

        return total;
    }

    /// <summary>
    /// Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>] (PyTorch's
    /// <c>clip_grad_value_</c>; NaN stays NaN). Parameters without a gradient are ignored.
    /// </summary>
    /// <param name="parameters">Tensors whose <see cref="Tensor.Grad"/> is clipped (any shapes).</param>
    /// <param name="clipValue">Largest allowed magnitude (≥ 0).</param>
    public static void Value(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(clipValue), $"ClipGrad.Value: clipValue must be >= 0, got {clipValue}.");
        }

        foreach (var g in Grads(parameters))
        {
            if (g.DType == DType.Float32)
            {
                var s = g.Span<float>();
                TensorPrimitives.Min(s, (float)clipValue, s);
                TensorPrimitives.Max(s, -(float)clipValue, s);
            }
            else
            {
                var s = g.Span<double>();
                TensorPrimitives.Min(s, clipValue, s);
                TensorPrimitives.Max(s, -clipValue, s);
            }
        }
    }

    private static List<Tensor> Grads(IEnumerable<Tensor> parameters)
    {
        var grads = new List<Tensor>();
        foreach (var p in parameters)
        {
            if (p?.Grad is Tensor g)
            {
                grads.Add(g);
            }
        }

        return grads;
    }

    /// <summary>The p-norm of one gradient (float32 gradients accumulate in float32, like PyTorch).</summary>
    private static double NormOf(Tensor g, double p)
    {
        if (g.DType == DType.Float32)
        {
            var s = g.Span<float>();
            return p switch
            {
                2 => TensorPrimitives.Norm(s),
                1 => TensorPrimitives.SumOfMagnitudes(s),
                _ => GeneralNorm<float>(s, p),
            };
        }
        else
        {
            var s = g.Span<double>();
            return p switch
            {
                2 => TensorPrimitives.Norm(s),
                1 => TensorPrimitives.SumOfMagnitudes(s),
                _ => GeneralNorm<double>(s, p),
            };
        }
    }

    private static double GeneralNorm<T>(ReadOnlySpan<T> s, double p)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach (var x in s)
        {
            sum += Math.Pow(Math.Abs(double.CreateTruncating(x)), p);
        }

        return Math.Pow(sum, 1 / p);
    }
}
