namespace Vae.Core.NN;

/// <summary>
/// Merges dimensions <see cref="StartDim"/>…<see cref="EndDim"/> into one (a reshape sharing storage), e.g. images
/// [N, C, H, W] → [N, C·H·W] with the defaults.
/// </summary>
public sealed class Flatten : Module<Tensor, Tensor>
{
    /// <summary>Creates the module.</summary>
    /// <param name="startDim">First dimension to merge (negative counts from the end).</param>
    /// <param name="endDim">Last dimension to merge (negative counts from the end).</param>
    public Flatten(int startDim = 1, int endDim = -1)
    {
        StartDim = startDim;
        EndDim = endDim;
    }

    /// <summary>First dimension to merge.</summary>
    public int StartDim { get; }

    /// <summary>Last dimension to merge.</summary>
    public int EndDim { get; }

    /// <summary>Flattens the dimension range.</summary>
    /// <param name="input">Shape [d0, …, d(r-1)] with the range inside it.</param>
    /// <returns>Shape [d0, …, d(start-1), d(start)·…·d(end), d(end+1), …].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int r = input.Rank;
        if (r == 0)
        {
            return input.Reshape(1);
        }

        int s = StartDim < 0 ? StartDim + r : StartDim;
        int e = EndDim < 0 ? EndDim + r : EndDim;
        if (s < 0 || s >= r || e < 0 || e >= r || s > e)
        {
            throw new ArgumentException(
                $"Flatten(startDim={StartDim}, endDim={EndDim}): invalid dimension range for input shape {input.Shape}.", nameof(input));
        }

        var dims = new int[r - (e - s)];
        var src = input.Shape.Dims;
        for (int i = 0; i < s; i++)
        {
            dims[i] = src[i];
        }

        int merged = 1;
        for (int i = s; i <= e; i++)
        {
            merged *= src[i];
        }

        dims[s] = merged;
        for (int i = e + 1; i < r; i++)
        {
            dims[i - (e - s)] = src[i];
        }

        return input.Reshape(new Shape(dims));
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"startDim={StartDim}, endDim={EndDim}";
}
