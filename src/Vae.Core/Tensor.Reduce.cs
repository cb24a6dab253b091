using System.Numerics.Tensors;
using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>Mean of all elements (a scalar).</summary>
    public Tensor Mean() => Mean(AllDims(), keepDim: false);

    /// <summary>Mean over one dimension (negative counts from the end).</summary>
    /// <param name="dim">The dimension to average over.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1 (result shape like this tensor's with <c>shape[dim] = 1</c>) instead of dropping it.</param>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>Mean over the given dimensions (negative counts from the end).</summary>
    /// <param name="dims">Distinct dimensions to average over.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1 instead of dropping them.</param>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var nd = NormalizeReduceDims(dims, "Mean");
        double scale = 1.0 / Reduction.CountOver(Shape, nd);
        var kept = Reduction.Reduce<SumReducer>(this, nd);
        ScaleInPlace(kept, scale);
        var y = DropReduced(kept, nd, keepDim);
        if (ShouldRecord(this))
        {
            var keepShape = kept.Shape;
            y.SetGradFn("Mean", [this], (g, n) => [(g.Reshape(keepShape) * scale).Expand(n.Inputs[0].Shape)]);
        }

        return y;
    }

    /// <summary>
    /// Maximum over one dimension with the position of the first maximum (NaN counts as the maximum, like PyTorch).
    /// The gradient of <c>Values</c> flows to that position only.
    /// </summary>
    /// <param name="dim">The dimension to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1 instead of dropping it.</param>
    /// <returns>Values and Indices, both of this tensor's shape without <paramref name="dim"/> (or with it as size 1);
    /// Indices holds integer positions in this tensor's dtype and is not differentiable.</returns>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => ArgReduce(dim, keepDim, max: true, "Max");

    /// <summary>
    /// Minimum over one dimension with the position of the first minimum (NaN counts as the minimum, like PyTorch).
    /// The gradient of <c>Values</c> flows to that position only.
    /// </summary>
    /// <param name="dim">The dimension to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1 instead of dropping it.</param>
    /// <returns>Values and Indices, both of this tensor's shape without <paramref name="dim"/> (or with it as size 1);
    /// Indices holds integer positions in this tensor's dtype and is not differentiable.</returns>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => ArgReduce(dim, keepDim, max: false, "Min");

    /// <summary>
    /// Maximum of all elements (a scalar; NaN if any element is NaN). When several elements tie for the maximum the
    /// gradient is shared evenly among them (like PyTorch's <c>max()</c> and <c>amax</c>).
    /// </summary>
    public Tensor Max() => Extreme(AllDims(), keepDim: false, max: true, "Max");

    /// <summary>
    /// Minimum of all elements (a scalar; NaN if any element is NaN). When several elements tie for the minimum the
    /// gradient is shared evenly among them.
    /// </summary>
    public Tensor Min() => Extreme(AllDims(), keepDim: false, max: false, "Min");

    /// <summary>Maximum over the given dimensions (values only); ties share the gradient evenly.</summary>
    /// <param name="dims">Distinct dimensions to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1 instead of dropping them.</param>
    public Tensor AMax(int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        return Extreme(NormalizeReduceDims(dims, "AMax"), keepDim, max: true, "AMax");
    }

    /// <summary>Minimum over the given dimensions (values only); ties share the gradient evenly.</summary>
    /// <param name="dims">Distinct dimensions to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1 instead of dropping them.</param>
    public Tensor AMin(int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        return Extreme(NormalizeReduceDims(dims, "AMin"), keepDim, max: false, "AMin");
    }

    /// <summary>Positions of the first maxima along <paramref name="dim"/>, as integer values in this tensor's dtype (not differentiable).</summary>
    /// <param name="dim">The dimension to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1 instead of dropping it.</param>
    public Tensor ArgMax(int dim, bool keepDim = false) => ArgReduceIndices(dim, keepDim, max: true, "ArgMax");

    /// <summary>Positions of the first minima along <paramref name="dim"/>, as integer values in this tensor's dtype (not differentiable).</summary>
    /// <param name="dim">The dimension to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1 instead of dropping it.</param>
    public Tensor ArgMin(int dim, bool keepDim = false) => ArgReduceIndices(dim, keepDim, max: false, "ArgMin");

    /// <summary>Row-major flat position of the first maximum of all elements (a scalar of this tensor's dtype).</summary>
    public Tensor ArgMax() => FlatArgReduce(max: true, "ArgMax");

    /// <summary>Row-major flat position of the first minimum of all elements (a scalar of this tensor's dtype).</summary>
    public Tensor ArgMin() => FlatArgReduce(max: false, "ArgMin");

    /// <summary>Normalises reduction dimensions and rejects reductions over empty dimensions, naming the shape.</summary>
    internal int[] NormalizeReduceDims(ReadOnlySpan<int> dims, string op)
    {
        var nd = Reduction.NormalizeDims(Shape, dims, op);
        foreach (int d in nd)
        {
            if (Shape.Dims[d] == 0)
            {
                throw new ArgumentException($"{op}: cannot reduce over dimension {d} of size 0 (shape {Shape}).", nameof(dims));
            }
        }

        return nd;
    }

    /// <summary>The keep-dim reduction result viewed without the reduced dimensions unless <paramref name="keepDim"/>.</summary>
    internal Tensor DropReduced(Tensor kept, int[] dims, bool keepDim) =>
        keepDim ? kept : new Tensor(kept.Data, Reduction.DropDims(Shape, dims), DType);

    /// <summary>Multiplies a fresh (unrecorded) tensor's elements in place.</summary>
    internal static void ScaleInPlace(Tensor t, double scale)
    {
        if (t.DType == DType.Float32)
        {
            TensorPrimitives.Multiply(t.Span<float>(), (float)scale, t.Span<float>());
        }
        else
        {
            TensorPrimitives.Multiply(t.Span<double>(), scale, t.Span<double>());
        }
    }

    private Tensor Extreme(int[] dims, bool keepDim, bool max, string name)
    {
        foreach (int d in dims)
        {
            if (Shape.Dims[d] == 0)
            {
                throw new ArgumentException($"{name}: cannot reduce over dimension {d} of size 0 (shape {Shape}).", nameof(dims));
            }
        }

        var kept = max ? Reduction.Reduce<MaxReducer>(this, dims) : Reduction.Reduce<MinReducer>(this, dims);
        var y = DropReduced(kept, dims, keepDim);
        if (ShouldRecord(this))
        {
            var keepShape = kept.Shape;
            y.SetGradFn(name, [this], (g, n) => [g.Reshape(keepShape) * TieWeights(n.Inputs[0], kept, dims)]);
        }

        return y;
    }

    /// <summary>Constant weights 1/k on the k elements equal to the reduced value of their slice, 0 elsewhere.</summary>
    private static Tensor TieWeights(Tensor x, Tensor kept, int[] dims)
    {
        var mask = Elementwise.Binary<ReductionKernels.EqualMaskOp>(x, kept, "TieWeights");
        var count = Reduction.Reduce<SumReducer>(mask, dims);
        return Elementwise.Binary<DivOp>(mask, count, "TieWeights");
    }

    private (Tensor Values, Tensor Indices) ArgReduce(int dim, bool keepDim, bool max, string name)
    {
        var (values, indices, outer, n, inner) = ArgReduceCore(dim, keepDim, max, name);
        if (ShouldRecord(this))
        {
            var keepShape = Reduction.KeepDims(Shape, [Shape.NormalizeDim(dim)]);
            values.SetGradFn(name, [this], (g, node) =>
            {
                var x = node.Inputs[0];
                var mask = Empty(x.Shape, x.DType);
                if (x.DType == DType.Float32)
                {
                    ReductionKernels.IndexMask(indices.Span<float>(), outer, n, inner, mask.Span<float>());
                }
                else
                {
                    ReductionKernels.IndexMask(indices.Span<double>(), outer, n, inner, mask.Span<double>());
                }

                return [g.Reshape(keepShape) * mask];
            });
        }

        return (values, indices);
    }

    private Tensor ArgReduceIndices(int dim, bool keepDim, bool max, string name) =>
        ArgReduceCore(dim, keepDim, max, name).Indices;

    private (Tensor Values, Tensor Indices, int Outer, int N, int Inner) ArgReduceCore(int dim, bool keepDim, bool max, string name)
    {
        int d = NormalizeReduceDims([dim], name)[0];
        int n = Shape.Dims[d];
        CheckIndexRange(n, name);
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++)
        {
            outer *= Shape.Dims[i];
        }

        for (int i = d + 1; i < Rank; i++)
        {
            inner *= Shape.Dims[i];
        }

        var outShape = keepDim ? Reduction.KeepDims(Shape, [d]) : Reduction.DropDims(Shape, [d]);
        var values = Empty(outShape, DType);
        var indices = Empty(outShape, DType);
        if (DType == DType.Float32)
        {
            ReductionKernels.ArgReduce(Span<float>(), outer, n, inner, values.Span<float>(), indices.Span<float>(), max);
        }
        else
        {
            ReductionKernels.ArgReduce(Span<double>(), outer, n, inner, values.Span<double>(), indices.Span<double>(), max);
        }

        return (values, indices, outer, n, inner);
    }

    private Tensor FlatArgReduce(bool max, string name)
    {
        if (Numel == 0)
        {
            throw new ArgumentException($"{name}: cannot reduce an empty tensor (shape {Shape}).");
        }

        CheckIndexRange(Numel, name);
        int k = DType == DType.Float32
            ? (max ? TensorPrimitives.IndexOfMax<float>(Span<float>()) : TensorPrimitives.IndexOfMin<float>(Span<float>()))
            : (max ? TensorPrimitives.IndexOfMax<double>(Span<double>()) : TensorPrimitives.IndexOfMin<double>(Span<double>()));
        return Scalar(k, DType);
    }

    /// <summary>Indices are stored in the tensor's dtype: float32 holds integers exactly only up to 2^24.</summary>
    private void CheckIndexRange(int count, string name)
    {
        if (DType == DType.Float32 && count > (1 << 24))
        {
            throw new ArgumentException(
                $"{name}: {count} positions cannot be represented exactly as float32 indices (shape {Shape}); convert to float64 first.");
        }
    }
}
