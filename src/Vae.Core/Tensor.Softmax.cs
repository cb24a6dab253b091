using System.Numerics.Tensors;
using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// Softmax along <paramref name="dim"/>: <c>exp(x − max) / Σ exp(x − max)</c>, stable for large logits. A slice
    /// whose entries are all −∞ gives NaN, like PyTorch. The result has this tensor's shape.
    /// </summary>
    /// <param name="dim">The dimension whose slices sum to 1 (negative counts from the end).</param>
    public Tensor Softmax(int dim)
    {
        int d = Reduction.NormalizeDims(Shape, [dim], "Softmax")[0];
        var y = SoftmaxKernel([d], log: false);
        if (ShouldRecord(this))
        {
            RecordSoftmax(y, [d]);
        }

        return y;
    }

    /// <summary>
    /// Log-softmax along <paramref name="dim"/>: <c>x − LogSumExp(x, dim)</c>, computed stably in one fused pass
    /// (use it instead of <c>Softmax(dim)</c> followed by a logarithm). The result has this tensor's shape.
    /// </summary>
    /// <param name="dim">The dimension to normalise over (negative counts from the end).</param>
    public Tensor LogSoftmax(int dim)
    {
        int d = Reduction.NormalizeDims(Shape, [dim], "LogSoftmax")[0];
        var y = SoftmaxKernel([d], log: true);
        if (ShouldRecord(this))
        {
            // d/dx: g − softmax(x) · Σ g.
            y.SetGradFn("LogSoftmax", [this], (g, n) => [g - (n.Inputs[0].Softmax(d) * g.Sum(d, keepDim: true))]);
        }

        return y;
    }

    /// <summary>log Σ exp over all elements (a scalar), computed stably.</summary>
    public Tensor LogSumExp() => LogSumExp(AllDims(), keepDim: false);

    /// <summary>log Σ exp over one dimension, computed stably; see <see cref="LogSumExp(int[], bool)"/>.</summary>
    /// <param name="dim">The dimension to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1 instead of dropping it.</param>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp([dim], keepDim);

    /// <summary>
    /// log Σ exp over the given dimensions, computed stably as <c>m + log Σ exp(x − m)</c> with m the maximum, so
    /// that [1000, 1000] gives 1000 + log 2. Slices that are all −∞ give −∞ (not NaN); a +∞ entry gives +∞; NaN
    /// propagates. The gradient is <c>g · softmax(x)</c> over the same dimensions.
    /// </summary>
    /// <param name="dims">Distinct dimensions to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1 instead of dropping them.</param>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var nd = NormalizeReduceDims(dims, "LogSumExp");
        var kept = LogSumExpKept(nd);
        var y = DropReduced(kept, nd, keepDim);
        if (ShouldRecord(this))
        {
            var keepShape = kept.Shape;
            y.SetGradFn("LogSumExp", [this], (g, n) => [g.Reshape(keepShape) * n.Inputs[0].SoftmaxOver(nd, kept)]);
        }

        return y;
    }

    /// <summary>
    /// Softmax over several dimensions, differentiable; when <paramref name="lseKept"/> (the keep-dim log-sum-exp of
    /// this tensor over <paramref name="dims"/>) is known, the forward pass is just <c>exp(x − lse)</c>.
    /// </summary>
    internal Tensor SoftmaxOver(int[] dims, Tensor? lseKept = null)
    {
        Tensor y;
        if (lseKept is null && Reduction.TryAsSingleAxis(Shape, dims, out _, out _, out _))
        {
            y = SoftmaxKernel(dims, log: false);
        }
        else
        {
            y = Elementwise.Binary<SubOp>(this, lseKept ?? LogSumExpKept(dims), "Softmax");
            ExpInPlace(y);
        }

        if (ShouldRecord(this))
        {
            RecordSoftmax(y, dims);
        }

        return y;
    }

    /// <summary>Records d/dx softmax: y · (g − Σ g·y) over <paramref name="dims"/>, in Tensor ops.</summary>
    private void RecordSoftmax(Tensor y, int[] dims) =>
        y.SetGradFn("Softmax", [this], (g, n) =>
        {
            var s = n.Output;
            return [s * (g - (g * s).Sum(dims, keepDim: true))];
        });

    /// <summary>Fused (log-)softmax over a single contiguous axis (<paramref name="dims"/> must form one).</summary>
    private Tensor SoftmaxKernel(int[] dims, bool log)
    {
        var y = Empty(Shape, DType);
        if (Numel == 0)
        {
            return y;
        }

        Reduction.TryAsSingleAxis(Shape, dims, out int outer, out int n, out int inner);
        if (DType == DType.Float32)
        {
            ReductionKernels.Softmax(Span<float>(), outer, n, inner, y.Span<float>(), log);
        }
        else
        {
            ReductionKernels.Softmax(Span<double>(), outer, n, inner, y.Span<double>(), log);
        }

        return y;
    }

    /// <summary>Keep-dim log-sum-exp over normalised dims: fused kernel for one axis, else max / shift / exp / sum.</summary>
    private Tensor LogSumExpKept(int[] dims)
    {
        var keepShape = Reduction.KeepDims(Shape, dims);
        if (Reduction.TryAsSingleAxis(Shape, dims, out int outer, out int n, out int inner))
        {
            var kept = Empty(keepShape, DType);
            if (DType == DType.Float32)
            {
                ReductionKernels.LogSumExp(Span<float>(), outer, n, inner, kept.Span<float>());
            }
            else
            {
                ReductionKernels.LogSumExp(Span<double>(), outer, n, inner, kept.Span<double>());
            }

            return kept;
        }

        // Shift by the maximum where it is finite and by 0 elsewhere: all −∞ → log 0 = −∞, +∞ → +∞, NaN → NaN.
        var shift = Reduction.Reduce<MaxReducer>(this, dims);
        if (DType == DType.Float32)
        {
            ZeroNonFinite(shift.Span<float>());
        }
        else
        {
            ZeroNonFinite(shift.Span<double>());
        }

        var t = Elementwise.Binary<SubOp>(this, shift, "LogSumExp");
        ExpInPlace(t);
        var s = Reduction.Reduce<SumReducer>(t, dims);
        if (DType == DType.Float32)
        {
            TensorPrimitives.Log(s.Span<float>(), s.Span<float>());
            TensorPrimitives.Add(s.Span<float>(), shift.Span<float>(), s.Span<float>());
        }
        else
        {
            TensorPrimitives.Log(s.Span<double>(), s.Span<double>());
            TensorPrimitives.Add(s.Span<double>(), shift.Span<double>(), s.Span<double>());
        }

        return s;
    }

    private static void ZeroNonFinite<T>(Span<T> s)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (!T.IsFinite(s[i]))
            {
                s[i] = T.Zero;
            }
        }
    }

    private static void ExpInPlace(Tensor t)
    {
        if (t.DType == DType.Float32)
        {
            TensorPrimitives.Exp(t.Span<float>(), t.Span<float>());
        }
        else
        {
            TensorPrimitives.Exp(t.Span<double>(), t.Span<double>());
        }
    }
}
