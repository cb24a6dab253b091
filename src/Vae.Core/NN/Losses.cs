using Vae.Core.Kernels;

namespace Vae.Core.NN;

/// <summary>
/// Loss functions with PyTorch's semantics (<c>torch.nn.functional</c>): each returns the elementwise (or
/// per-example) losses combined by a <see cref="Reduction"/> (default <see cref="Reduction.Mean"/>). All are
/// differentiable in their inputs (and targets where meaningful) to any order, composed of tensor ops or of fused
/// kernels whose backward rules are tensor ops. Shapes are validated up front; errors name them.
/// </summary>
public static partial class Losses
{
    /// <summary>PyTorch's lower bound on p·(1 − p) in the BCE gradient: the float32 value nearest 1e−12.</summary>
    private const double BceGradEpsilon = 1e-12f;

    /// <summary>
    /// Binary cross-entropy on logits (<c>binary_cross_entropy_with_logits</c>): for each element
    /// <c>−[t·log σ(l) + (1 − t)·log(1 − σ(l))]</c>, computed by a fused kernel in the stable form
    /// <c>max(l, 0) − l·t + log1p(e^(−|l|))</c> (no overflow for logits of any size). Gradient in the logits
    /// <c>g·(σ(l) − t)</c>, in the target <c>−g·l</c>.
    /// </summary>
    /// <param name="logits">Logits l, any shape.</param>
    /// <param name="target">Targets t (probabilities, usually 0 or 1), the shape and dtype of <paramref name="logits"/>.</param>
    /// <param name="reduction">How to combine the elementwise losses.</param>
    /// <returns>A scalar, or the elementwise losses (shape of <paramref name="logits"/>) with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">The shapes or dtypes differ.</exception>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("BinaryCrossEntropyWithLogits", logits, "logits", target, "target");
        var loss = Lanes.Map(logits, target, default(BceWithLogitsLane<float>), default(BceWithLogitsLane<double>));
        if (Tensor.ShouldRecord(logits, target))
        {
            loss.SetGradFn("BinaryCrossEntropyWithLogits", [logits, target], static (g, n) =>
            {
                var (l, t) = (n.Inputs[0], n.Inputs[1]);
                Tensor? dl = null;
                if (n.NeedsGrad[0])
                {
                    dl = !Autograd.IsGradEnabled && g.Shape == l.Shape
                        ? LossKernels.BceWithLogitsBackward(g, l, t)
                        : g * (l.Sigmoid() - t);
                }

                return [dl, n.NeedsGrad[1] ? -(g * l) : null];
            });
        }

        return Reduce(loss, reduction);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities (<c>binary_cross_entropy</c>): for each element
    /// <c>−[t·log p + (1 − t)·log(1 − p)]</c> with each logarithm clamped at −100 as PyTorch does, so p = 0 or 1
    /// gives a finite loss. Gradient in p: <c>g·(p − t) / max(p·(1 − p), ε)</c> with ε the float32 value of 1e−12 (PyTorch's rule); in t:
    /// <c>g·(log(1 − p) − log p)</c> with the clamped logarithms (PyTorch uses the unclamped ones there, giving ±∞ where
    /// p is 0 or 1). Prefer <see cref="BinaryCrossEntropyWithLogits"/>,
    /// which is exact where p saturates.
    /// </summary>
    /// <param name="probs">Probabilities p in [0, 1], any shape.</param>
    /// <param name="target">Targets t, the shape and dtype of <paramref name="probs"/>.</param>
    /// <param name="reduction">How to combine the elementwise losses.</param>
    /// <returns>A scalar, or the elementwise losses (shape of <paramref name="probs"/>) with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">The shapes or dtypes differ, or a probability lies outside [0, 1].</exception>
    public static Tensor BinaryCrossEntropy(Tensor probs, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("BinaryCrossEntropy", probs, "probs", target, "target");
        if (LossKernels.AnyOutsideUnitInterval(probs))
        {
            throw new ArgumentException(
                $"BinaryCrossEntropy: every element of probs (shape {probs.Shape}) must be between 0 and 1; use BinaryCrossEntropyWithLogits for logits.",
                nameof(probs));
        }

        Tensor loss;
        using (Autograd.NoGrad())
        {
            var (logP, log1mP) = ClampedLogs(probs);
            loss = -(log1mP + (target * (logP - log1mP)));
        }

        if (Tensor.ShouldRecord(probs, target))
        {
            loss.SetGradFn("BinaryCrossEntropy", [probs, target], static (g, n) =>
            {
                var (p, t) = (n.Inputs[0], n.Inputs[1]);
                Tensor? dt = null;
                if (n.NeedsGrad[1])
                {
                    var (logP, log1mP) = ClampedLogs(p);
                    dt = g * (log1mP - logP);
                }

                return [n.NeedsGrad[0] ? g * (p - t) / (p * (1.0 - p)).ClampMin(BceGradEpsilon) : null, dt];
            });
        }

        return Reduce(loss, reduction);
    }

    /// <summary>Mean squared error (<c>mse_loss</c>): for each element <c>(x − y)²</c>.</summary>
    /// <param name="input">Predictions x, any shape.</param>
    /// <param name="target">Targets y, the shape and dtype of <paramref name="input"/>.</param>
    /// <param name="reduction">How to combine the elementwise losses.</param>
    /// <returns>A scalar, or the elementwise losses (shape of <paramref name="input"/>) with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">The shapes or dtypes differ.</exception>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("MseLoss", input, "input", target, "target");
        return Reduce((input - target).Square(), reduction);
    }

    /// <summary>
    /// Gaussian negative log-likelihood (<c>gaussian_nll_loss</c>): for each element
    /// <c>½·(log v + (x − y)² / v)</c>, plus <c>½·log 2π</c> when <paramref name="full"/>, with v = max(var, eps). As in
    /// PyTorch the clamp does not stop the gradient: var receives the gradient evaluated at the clamped value.
    /// </summary>
    /// <param name="input">Predicted means x, any shape [*, D].</param>
    /// <param name="target">Observations y, the shape and dtype of <paramref name="input"/>.</param>
    /// <param name="var">
    /// Predicted variances, non-negative: the shape of <paramref name="input"/>; or that shape without its last
    /// dimension [*]; or with last dimension 1 [*, 1] (one variance shared by the D values).
    /// </param>
    /// <param name="full">Whether to include the constant ½·log 2π.</param>
    /// <param name="eps">Lower clamp of the variance, for stability (≥ 0).</param>
    /// <param name="reduction">How to combine the elementwise losses.</param>
    /// <returns>A scalar, or the elementwise losses (shape of <paramref name="input"/>) with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">A shape or dtype does not fit, <paramref name="eps"/> is negative, or a variance is negative.</exception>
    public static Tensor GaussianNllLoss(
        Tensor input, Tensor target, Tensor var, bool full = false, double eps = 1e-6, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("GaussianNllLoss", input, "input", target, "target");
        ArgumentNullException.ThrowIfNull(var);
        if (!(eps >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "GaussianNllLoss: eps must be non-negative.");
        }

        if (var.DType != input.DType)
        {
            throw new ArgumentException(
                $"GaussianNllLoss: var is {var.DType.Name()} {var.Shape} but input is {input.DType.Name()} {input.Shape}.", nameof(var));
        }

        if (var.Shape != input.Shape)
        {
            bool withoutLast = input.Rank > 0 && var.Rank == input.Rank - 1 && var.Shape.Dims.SequenceEqual(input.Shape.Dims[..^1]);
            bool lastIsOne = input.Rank > 0 && var.Rank == input.Rank && var.Shape[-1] == 1
                && var.Shape.Dims[..^1].SequenceEqual(input.Shape.Dims[..^1]);
            if (withoutLast)
            {
                var = var.Unsqueeze(-1);
            }
            else if (!lastIsOne)
            {
                throw new ArgumentException(
                    $"GaussianNllLoss: var shape {var.Shape} does not fit input shape {input.Shape} (expected {input.Shape}, the input shape without its last dimension, or that with last dimension 1).",
                    nameof(var));
            }
        }

        if (LossKernels.AnyNegative(var))
        {
            throw new ArgumentException($"GaussianNllLoss: var (shape {var.Shape}) has negative entries.", nameof(var));
        }

        // v = clamp(var, eps) in value, identity in gradient (PyTorch clamps a clone in place under no_grad).
        Tensor clampOffset;
        using (Autograd.NoGrad())
        {
            clampOffset = var.ClampMin(eps) - var;
        }

        var v = var + clampOffset;
        var loss = (v.Log() + ((input - target).Square() / v)) * 0.5;
        if (full)
        {
            loss += 0.5 * Math.Log(2 * Math.PI);
        }

        return Reduce(loss, reduction);
    }

    /// <summary>Applies <paramref name="reduction"/> to elementwise losses.</summary>
    private static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.None => loss,
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    /// <summary>(max(log p, −100), max(log(1 − p), −100)) as tensor ops.</summary>
    private static (Tensor LogP, Tensor Log1mP) ClampedLogs(Tensor p) => (p.Log().ClampMin(-100), p.Neg().Log1p().ClampMin(-100));

    private static void CheckSameShape(string op, Tensor a, string aName, Tensor b, string bName)
    {
        ArgumentNullException.ThrowIfNull(a, aName);
        ArgumentNullException.ThrowIfNull(b, bName);
        if (a.Shape != b.Shape)
        {
            throw new ArgumentException($"{op}: {aName} shape {a.Shape} and {bName} shape {b.Shape} must be equal.", bName);
        }

        if (a.DType != b.DType)
        {
            throw new ArgumentException(
                $"{op}: {aName} is {a.DType.Name()} {a.Shape} but {bName} is {b.DType.Name()} {b.Shape}; convert one with To(DType).", bName);
        }
    }
}
