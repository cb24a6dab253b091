using System.Numerics;

namespace Vae.Core.Kernels;

/// <summary>
/// Tensor-level products on top of <see cref="Gemm"/>: op(A)·op(B) over the last two dimensions with NumPy
/// broadcasting of the leading (batch) dimensions, and the fused linear map x·Wᵀ + b. Transposed operands are
/// never materialised: the flags go to the GEMM, whose packing absorbs them. Forward computation only; the
/// autograd rules live in <c>Tensor.MatMul.cs</c>.
/// </summary>
internal static class GemmBatched
{
    /// <summary>
    /// op(a)·op(b) for a [..., ra, ca] and b [..., rb, cb] (rank ≥ 2 each), giving [broadcast(batch), m, n].
    /// Throws an <see cref="ArgumentException"/> naming <paramref name="shapeA"/> and <paramref name="shapeB"/>
    /// (the shapes the user passed, before any 1-D promotion) when they do not fit.
    /// </summary>
    public static Tensor Product(Tensor a, Tensor b, bool transA, bool transB, string op, Shape shapeA, Shape shapeB)
    {
        Tensor.CheckSameDType(a, b, op);
        int ra = a.Shape[-2], ca = a.Shape[-1], rb = b.Shape[-2], cb = b.Shape[-1];
        int m = transA ? ca : ra, k = transA ? ra : ca;
        int kb = transB ? cb : rb, n = transB ? rb : cb;
        var batchA = BatchShape(a.Shape);
        var batchB = BatchShape(b.Shape);
        Shape batch;
        try
        {
            batch = Shape.Broadcast(batchA, batchB);
        }
        catch (ArgumentException)
        {
            throw Incompatible(op, shapeA, shapeB, "batch dimensions do not broadcast");
        }

        if (k != kb)
        {
            throw Incompatible(op, shapeA, shapeB, $"inner dimensions {k} and {kb} differ");
        }

        var outDims = new int[batch.Rank + 2];
        batch.Dims.CopyTo(outDims);
        outDims[^2] = m;
        outDims[^1] = n;
        var y = Tensor.Empty(new Shape(outDims), a.DType);
        if (y.Numel == 0)
        {
            return y;
        }

        if (a.DType == DType.Float32)
        {
            Run<float>(a, b, y, transA, transB, m, n, k, batch, batchA, batchB);
        }
        else
        {
            Run<double>(a, b, y, transA, transB, m, n, k, batch, batchA, batchB);
        }

        return y;
    }

    /// <summary>y = x·Wᵀ + bias for x [..., in], weight [out, in], bias [out] or null, giving [..., out].</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        int inF = weight.Shape[1], outF = weight.Shape[0];
        int rows = 1;
        foreach (int d in x.Shape.Dims[..^1])
        {
            rows *= d;
        }

        var outDims = x.Shape.ToArray();
        outDims[^1] = outF;
        var y = Tensor.Empty(new Shape(outDims), x.DType);
        if (x.DType == DType.Float32)
        {
            LinearRun<float>(x, weight, bias, y, rows, inF, outF);
        }
        else
        {
            LinearRun<double>(x, weight, bias, y, rows, inF, outF);
        }

        return y;
    }

    private static void LinearRun<T>(Tensor x, Tensor weight, Tensor? bias, Tensor y, int rows, int inF, int outF)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ys = y.Span<T>();
        if (bias is not null)
        {
            var bs = bias.Span<T>();
            for (int r = 0; r < rows; r++)
            {
                bs.CopyTo(ys.Slice(r * outF, outF));
            }
        }

        Gemm.Run<T>(false, true, rows, outF, inF, x.Span<T>(), inF, weight.Span<T>(), inF, ys, outF, accumulate: bias is not null);
    }

    private static void Run<T>(
        Tensor a, Tensor b, Tensor y, bool transA, bool transB, int m, int n, int k, Shape batch, Shape batchA, Shape batchB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lda = a.Shape[-1], ldb = b.Shape[-1];
        int count = batch.Numel;
        var sa = a.Span<T>();
        var sb = b.Span<T>();
        var sy = y.Span<T>();

        // A batched, B a single matrix, A not transposed: the batch folds into the rows of one GEMM.
        if (batchB.Numel == 1 && !transA && batchA.Numel == count)
        {
            Gemm.Run<T>(false, transB, count * m, n, k, sa, lda, sb, ldb, sy, n, false);
            return;
        }

        int aSize = a.Shape[-2] * lda, bSize = b.Shape[-2] * ldb, ySize = m * n;
        int[] offA = BatchOffsets(batch, batchA, aSize), offB = BatchOffsets(batch, batchB, bSize);
        long work = (long)m * n * k;
        if (count > 1 && work < 2 * Gemm.ParallelWorkPerThread)
        {
            // Many small products: spread whole products over the cores, each single-threaded.
            int threads = ParallelWork.ThreadsFor(work * count, Gemm.ParallelWorkPerThread);
            if (threads > 1)
            {
                var path = work <= Gemm.SmallWork ? GemmPath.Scalar : Gemm.BestPath;
                ParallelWork.For(threads, t =>
                {
                    var xa = a.Span<T>();
                    var xb = b.Span<T>();
                    var xy = y.Span<T>();
                    for (int i = count * t / threads, end = count * (t + 1) / threads; i < end; i++)
                    {
                        Gemm.Run<T>(path, 1, transA, transB, m, n, k, xa[offA[i]..], lda, xb[offB[i]..], ldb, xy.Slice(i * ySize, ySize), n, false);
                    }
                });
                return;
            }
        }

        for (int i = 0; i < count; i++)
        {
            Gemm.Run<T>(transA, transB, m, n, k, sa[offA[i]..], lda, sb[offB[i]..], ldb, sy.Slice(i * ySize, ySize), n, false);
        }
    }

    /// <summary>Element offset of each batch entry's matrix in an operand whose batch shape broadcasts to <paramref name="batch"/>.</summary>
    private static int[] BatchOffsets(Shape batch, Shape operandBatch, int matrixSize)
    {
        int count = batch.Numel, rank = batch.Rank, lead = rank - operandBatch.Rank;
        var offsets = new int[count];
        if (operandBatch.Numel == 1)
        {
            return offsets;
        }

        // Stride (in matrices) of each broadcast batch dimension in the operand; 0 where it is broadcast.
        var strides = new int[rank];
        for (int d = rank - 1, s = 1; d >= lead; d--)
        {
            int size = operandBatch.Dims[d - lead];
            strides[d] = size == 1 ? 0 : s;
            s *= size;
        }

        var index = new int[rank];
        for (int i = 0, off = 0; i < count; i++)
        {
            offsets[i] = off * matrixSize;
            for (int d = rank - 1; d >= 0; d--)
            {
                off += strides[d];
                if (++index[d] < batch.Dims[d])
                {
                    break;
                }

                off -= strides[d] * batch.Dims[d];
                index[d] = 0;
            }
        }

        return offsets;
    }

    private static Shape BatchShape(Shape s) => new(s.Dims[..^2]);

    private static ArgumentException Incompatible(string op, Shape a, Shape b, string why) =>
        new($"{op}: shapes {a} and {b} are not compatible ({why}).");
}
