using System.Collections;
using System.Text;

namespace Vae.Core;

/// <summary>
/// The sizes of a tensor's dimensions, outermost first (row-major). Immutable. A shape of rank 0 is a scalar.
/// Broadcasting follows NumPy: shapes are aligned at their last dimension and sizes must be equal or 1.
/// </summary>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private static readonly int[] NoDims = [];
    private readonly int[]? _dims;

    /// <summary>Creates a shape from dimension sizes (each ≥ 0).</summary>
    public Shape(params ReadOnlySpan<int> dims)
    {
        foreach (int d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape {Format(dims)} has a negative dimension.", nameof(dims));
            }
        }

        _dims = dims.ToArray();
        long n = 1;
        foreach (int d in _dims)
        {
            n *= d;
            if (n > int.MaxValue)
            {
                throw new ArgumentException($"Shape {Format(dims)} has more than {int.MaxValue} elements.", nameof(dims));
            }
        }
    }

    /// <summary>The shape of a scalar (rank 0, one element).</summary>
    public static Shape Scalar => default;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Number of dimensions (same as <see cref="Rank"/>).</summary>
    public int Count => Rank;

    /// <summary>Total number of elements (product of the sizes; 1 for a scalar).</summary>
    public int Numel
    {
        get
        {
            int n = 1;
            foreach (int d in Dims)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>The sizes as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims ?? NoDims;

    /// <summary>Size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    public int this[int dim] => Dims[NormalizeDim(dim)];

    /// <summary>Implicit conversion from an array of sizes.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>Copies the sizes into a new array.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>Maps a possibly negative dimension index into <c>[0, Rank)</c>, throwing when out of range.</summary>
    public int NormalizeDim(int dim)
    {
        int r = Rank;
        int d = dim < 0 ? dim + r : dim;
        if (d < 0 || d >= r)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), $"Dimension {dim} is out of range for shape {this} (rank {r}).");
        }

        return d;
    }

    /// <summary>Row-major strides (in elements) of a contiguous tensor of this shape.</summary>
    public int[] Strides()
    {
        var dims = Dims;
        var s = new int[dims.Length];
        int acc = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= dims[i];
        }

        return s;
    }

    /// <summary>The NumPy broadcast of two shapes; throws <see cref="ArgumentException"/> naming both when incompatible.</summary>
    public static Shape Broadcast(Shape a, Shape b)
    {
        if (a.Equals(b))
        {
            return a;
        }

        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a.Dims[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b.Dims[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException($"Shapes {a} and {b} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            }

            dims[i] = da == 1 ? db : da;
        }

        return new Shape(dims);
    }

    /// <summary>Whether a tensor of this shape can be broadcast to <paramref name="target"/>.</summary>
    public bool CanBroadcastTo(Shape target)
    {
        if (Rank > target.Rank)
        {
            return false;
        }

        int off = target.Rank - Rank;
        for (int i = 0; i < Rank; i++)
        {
            int d = Dims[i];
            if (d != 1 && d != target.Dims[i + off])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims)
        {
            h.Add(d);
        }

        return h.ToHashCode();
    }

    /// <summary>Equality of sizes.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Inequality of sizes.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>Formats as <c>[2, 3]</c>.</summary>
    public override string ToString() => Format(Dims);

    /// <inheritdoc />
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? NoDims)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(dims[i]);
        }

        return sb.Append(']').ToString();
    }
}
