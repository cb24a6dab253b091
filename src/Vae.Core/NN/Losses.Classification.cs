using Vae.Core.Kernels;

namespace Vae.Core.NN;

public static partial class Losses
{
    /// <summary>
    /// Cross-entropy of logits against class indices (<c>cross_entropy</c>): per example
    /// <c>−log softmax(x)[n, target[n]]</c>, computed as <see cref="NllLoss(Tensor, Tensor, Reduction)"/> of a fused,
    /// stable <see cref="Tensor.LogSoftmax"/>. The mean reduction divides by N.
    /// </summary>
    /// <param name="logits">Unnormalised scores [N, C].</param>
    /// <param name="target">
    /// Class indices [N] (integral values in [0, C), any dtype); or class probabilities [N, C] (the shape of
    /// <paramref name="logits"/>), giving <c>−Σ_c target[n, c]·log softmax(x)[n, c]</c> per example.
    /// </param>
    /// <param name="reduction">How to combine the per-example losses.</param>
    /// <returns>A scalar, or the per-example losses [N] with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit, or an index is not integral or out of range.</exception>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckLogits("CrossEntropy", logits, "logits");
        ArgumentNullException.ThrowIfNull(target);
        if (target.Shape == logits.Shape && target.Rank == 2)
        {
            if (target.DType != logits.DType)
            {
                throw new ArgumentException(
                    $"CrossEntropy: probability target is {target.DType.Name()} {target.Shape} but logits are {logits.DType.Name()} {logits.Shape}.",
                    nameof(target));
            }

            return Reduce(-(target * logits.LogSoftmax(1)).Sum(1), reduction);
        }

        var index = TargetIndices("CrossEntropy", logits, target);
        return Nll(logits.LogSoftmax(1), index, reduction);
    }

    /// <summary>Cross-entropy of logits [N, C] against class indices given as integers; see <see cref="CrossEntropy(Tensor, Tensor, Reduction)"/>.</summary>
    /// <param name="logits">Unnormalised scores [N, C].</param>
    /// <param name="target">N class indices in [0, C).</param>
    /// <param name="reduction">How to combine the per-example losses.</param>
    /// <returns>A scalar, or the per-example losses [N] with <see cref="Reduction.None"/>.</returns>
    public static Tensor CrossEntropy(Tensor logits, int[] target, Reduction reduction = Reduction.Mean)
    {
        CheckLogits("CrossEntropy", logits, "logits");
        var index = TargetIndices("CrossEntropy", logits, target);
        return Nll(logits.LogSoftmax(1), index, reduction);
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities against class indices (<c>nll_loss</c>): per example
    /// <c>−input[n, target[n]]</c>. The mean reduction divides by N.
    /// </summary>
    /// <param name="input">Log-probabilities [N, C] (for example from <see cref="Tensor.LogSoftmax"/>).</param>
    /// <param name="target">Class indices [N] (integral values in [0, C), any dtype).</param>
    /// <param name="reduction">How to combine the per-example losses.</param>
    /// <returns>A scalar, or the per-example losses [N] with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit, or an index is not integral or out of range.</exception>
    public static Tensor NllLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckLogits("NllLoss", input, "input");
        return Nll(input, TargetIndices("NllLoss", input, target), reduction);
    }

    /// <summary>Negative log-likelihood of log-probabilities [N, C] against integer class indices; see <see cref="NllLoss(Tensor, Tensor, Reduction)"/>.</summary>
    /// <param name="input">Log-probabilities [N, C].</param>
    /// <param name="target">N class indices in [0, C).</param>
    /// <param name="reduction">How to combine the per-example losses.</param>
    /// <returns>A scalar, or the per-example losses [N] with <see cref="Reduction.None"/>.</returns>
    public static Tensor NllLoss(Tensor input, int[] target, Reduction reduction = Reduction.Mean)
    {
        CheckLogits("NllLoss", input, "input");
        return Nll(input, TargetIndices("NllLoss", input, target), reduction);
    }

    private static Tensor Nll(Tensor logProbs, int[] index, Reduction reduction)
    {
        int n = logProbs.Shape[0];
        var picked = logProbs.GatherAlong(1, index, new Shape(n, 1));
        return Reduce(-picked.Reshape(n), reduction);
    }

    private static void CheckLogits(string op, Tensor input, string name)
    {
        ArgumentNullException.ThrowIfNull(input, name);
        if (input.Rank != 2)
        {
            throw new ArgumentException($"{op}: {name} shape {input.Shape} must be [N, C].", name);
        }
    }

    private static int[] TargetIndices(string op, Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Rank != 1 || target.Shape[0] != input.Shape[0])
        {
            throw new ArgumentException(
                $"{op}: target shape {target.Shape} does not fit input shape {input.Shape} (expected class indices [{input.Shape[0]}] or probabilities {input.Shape}).",
                nameof(target));
        }

        return IndexCopy.ToIndices(target, input.Shape[1], op, $"{input.Shape[1]} classes (input shape {input.Shape})");
    }

    private static int[] TargetIndices(string op, Tensor input, int[] target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Length != input.Shape[0])
        {
            throw new ArgumentException(
                $"{op}: {target.Length} target indices do not fit input shape {input.Shape} (expected {input.Shape[0]}).", nameof(target));
        }

        return IndexCopy.CheckIndices(target, input.Shape[1], op, $"{input.Shape[1]} classes (input shape {input.Shape})");
    }
}
