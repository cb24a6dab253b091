using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// Merges dimensions <paramref name="startDim"/> … <paramref name="endDim"/> (inclusive; negative counts from the
    /// end) into one, sharing storage: [a, b, c, d] with (1, 2) gives [a, b·c, d]. A scalar flattens to [1].
    /// </summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0)
        {
            if (startDim is not (0 or -1) || endDim is not (0 or -1))
            {
                throw new ArgumentOutOfRangeException(nameof(startDim), $"Flatten: dimensions ({startDim}, {endDim}) are out of range for a scalar.");
            }

            return Reshape(new Shape(1));
        }

        int s = Shape.NormalizeDim(startDim), e = Shape.NormalizeDim(endDim);
        if (s > e)
        {
            throw new ArgumentException($"Flatten: startDim {startDim} comes after endDim {endDim} (shape {Shape}).", nameof(startDim));
        }

        var dims = new List<int>(Rank);
        int merged = 1;
        for (int i = 0; i < Rank; i++)
        {
            if (i < s || i > e)
            {
                dims.Add(Shape.Dims[i]);
            }
            else
            {
                merged *= Shape.Dims[i];
                if (i == e)
                {
                    dims.Add(merged);
                }
            }
        }

        return Reshape(new Shape(dims.ToArray()));
    }

    /// <summary>
    /// Splits dimension <paramref name="dim"/> into <paramref name="sizes"/> (whose product must equal its size; one
    /// entry may be −1 and is inferred), sharing storage: [a, 12] with (1, 3, 4) gives [a, 3, 4].
    /// </summary>
    public Tensor Unflatten(int dim, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int d = Shape.NormalizeDim(dim), n = Shape.Dims[d];
        if (sizes.Length == 0)
        {
            throw new ArgumentException($"Unflatten: sizes must not be empty (shape {Shape}).", nameof(sizes));
        }

        var resolved = (int[])sizes.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (infer >= 0)
                {
                    throw new ArgumentException($"Unflatten: only one of the sizes {Shape.Format(sizes)} can be -1.", nameof(sizes));
                }

                infer = i;
            }
            else if (resolved[i] < 0)
            {
                throw new ArgumentException($"Unflatten: invalid size {resolved[i]} in {Shape.Format(sizes)} (shape {Shape}).", nameof(sizes));
            }
            else
            {
                known *= resolved[i];
            }
        }

        bool fits = infer >= 0 ? known != 0 && n % known == 0 : known == n;
        if (!fits)
        {
            throw new ArgumentException(
                $"Unflatten: sizes {Shape.Format(sizes)} do not multiply to the size {n} of dimension {dim} of shape {Shape}.", nameof(sizes));
        }

        if (infer >= 0)
        {
            resolved[infer] = (int)(n / known);
        }

        var dims = new List<int>(Rank + resolved.Length);
        dims.AddRange(Shape.Dims[..d].ToArray());
        dims.AddRange(resolved);
        dims.AddRange(Shape.Dims[(d + 1)..].ToArray());
        return Reshape(new Shape(dims.ToArray()));
    }

    /// <summary>Removes every dimension of size 1, sharing storage: [1, 3, 1, 2] gives [3, 2].</summary>
    public Tensor Squeeze()
    {
        var dims = new List<int>(Rank);
        foreach (int n in Shape.Dims)
        {
            if (n != 1)
            {
                dims.Add(n);
            }
        }

        return Reshape(new Shape(dims.ToArray()));
    }

    /// <summary>
    /// Removes dimension <paramref name="dim"/> (negative counts from the end) if its size is 1, sharing storage;
    /// otherwise the shape is unchanged (as in PyTorch): [3, 1, 2] with 1 gives [3, 2].
    /// </summary>
    public Tensor Squeeze(int dim)
    {
        if (Rank == 0 && dim is 0 or -1)
        {
            return Reshape(Shape);
        }

        int d = Shape.NormalizeDim(dim);
        if (Shape.Dims[d] != 1)
        {
            return Reshape(Shape);
        }

        var dims = Shape.ToArray().ToList();
        dims.RemoveAt(d);
        return Reshape(new Shape(dims.ToArray()));
    }

    /// <summary>
    /// Inserts a dimension of size 1 at <paramref name="dim"/> (in [−rank−1, rank]; negative counts from the end of
    /// the result), sharing storage: [3, 2] with 1 gives [3, 1, 2], with −1 gives [3, 2, 1].
    /// </summary>
    public Tensor Unsqueeze(int dim) => Reshape(InsertDim(Shape, NormalizeInsertDim(dim, Rank, "Unsqueeze"), 1));

    /// <summary>
    /// Tiles the tensor: dimension i is repeated <paramref name="repeats"/>[i] times (as <c>torch.Tensor.repeat</c>).
    /// There may be more repeats than dimensions; the shape is then padded with leading 1s. Shape [a, b] with
    /// repeats (2, 3) gives [2a, 3b].
    /// </summary>
    public Tensor Repeat(params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        int r = repeats.Length;
        if (r < Rank)
        {
            throw new ArgumentException($"Repeat: {r} repeats given for a tensor of shape {Shape}; need at least one per dimension.", nameof(repeats));
        }

        var interleaved = new int[2 * r];
        var expanded = new int[2 * r];
        var result = new int[r];
        for (int i = 0; i < r; i++)
        {
            if (repeats[i] < 0)
            {
                throw new ArgumentException($"Repeat: negative repeat count in {Shape.Format(repeats)} (shape {Shape}).", nameof(repeats));
            }

            int size = i < r - Rank ? 1 : Shape.Dims[i - (r - Rank)];
            interleaved[2 * i] = 1;
            interleaved[(2 * i) + 1] = size;
            expanded[2 * i] = repeats[i];
            expanded[(2 * i) + 1] = size;
            result[i] = checked(repeats[i] * size);
        }

        return Reshape(new Shape(interleaved)).Expand(new Shape(expanded)).Reshape(new Shape(result));
    }

    /// <summary>
    /// Lower triangle of the last two dimensions (batched over leading ones): keeps element (i, j) where
    /// j − i ≤ <paramref name="diagonal"/> and zeros the rest. 0 is the main diagonal, positive values include
    /// diagonals above it, negative values exclude diagonals below it. Shape [..., m, n] is preserved.
    /// </summary>
    public Tensor Tril(int diagonal = 0) => Triangle(diagonal, lower: true);

    /// <summary>
    /// Upper triangle of the last two dimensions (batched over leading ones): keeps element (i, j) where
    /// j − i ≥ <paramref name="diagonal"/> and zeros the rest. Shape [..., m, n] is preserved.
    /// </summary>
    public Tensor Triu(int diagonal = 0) => Triangle(diagonal, lower: false);

    private Tensor Triangle(int diagonal, bool lower)
    {
        string name = lower ? "Tril" : "Triu";
        if (Rank < 2)
        {
            throw new ArgumentException($"{name}: needs a tensor of rank at least 2 (a matrix or a batch of them), got shape {Shape}.");
        }

        int rows = Shape.Dims[^2], cols = Shape.Dims[^1];
        int batch = rows * cols == 0 ? 0 : Numel / (rows * cols);
        var y = Empty(Shape, DType);
        if (DType == DType.Float32)
        {
            AxisCopy.Triangle<float>(Span<float>(), y.Span<float>(), batch, rows, cols, diagonal, lower);
        }
        else
        {
            AxisCopy.Triangle<double>(Span<double>(), y.Span<double>(), batch, rows, cols, diagonal, lower);
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn(name, [this], (g, _) => [g.Triangle(diagonal, lower)]);
        }

        return y;
    }
}
