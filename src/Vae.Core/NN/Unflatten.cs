namespace Vae.Core.NN;

/// <summary>
/// Splits dimension <see cref="Dim"/> into several (a reshape sharing storage), e.g. [N, 784] → [N, 1, 28, 28]
/// with <c>new Unflatten(1, 1, 28, 28)</c>.
/// </summary>
public sealed class Unflatten : Module<Tensor, Tensor>
{
    private readonly int[] _sizes;

    /// <summary>Creates the module.</summary>
    /// <param name="dim">Dimension to split (negative counts from the end).</param>
    /// <param name="sizes">Sizes it is split into; their product must equal its size (one entry may be -1 and is inferred).</param>
    public Unflatten(int dim, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length == 0)
        {
            throw new ArgumentException("Unflatten: sizes must not be empty.", nameof(sizes));
        }

        Dim = dim;
        _sizes = (int[])sizes.Clone();
    }

    /// <summary>Dimension that is split.</summary>
    public int Dim { get; }

    /// <summary>Sizes the dimension is split into.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <summary>Splits the dimension.</summary>
    /// <param name="input">Shape [*, n, *] where n = product of the sizes, at position <see cref="Dim"/>.</param>
    /// <returns>Shape [*, sizes…, *].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int r = input.Rank;
        int d = Dim < 0 ? Dim + r : Dim;
        if (d < 0 || d >= r)
        {
            throw new ArgumentException($"Unflatten(dim={Dim}): dimension out of range for input shape {input.Shape}.", nameof(input));
        }

        var src = input.Shape.Dims;
        var dims = new int[r - 1 + _sizes.Length];
        for (int i = 0; i < d; i++)
        {
            dims[i] = src[i];
        }

        _sizes.CopyTo(dims, d);
        for (int i = d + 1; i < r; i++)
        {
            dims[i - 1 + _sizes.Length] = src[i];
        }

        try
        {
            return input.Reshape(dims);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"Unflatten(dim={Dim}, sizes={Shape.Format(_sizes)}): cannot split dimension {d} of input shape {input.Shape}: {e.Message}",
                nameof(input), e);
        }
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"dim={Dim}, sizes={Shape.Format(_sizes)}";
}
