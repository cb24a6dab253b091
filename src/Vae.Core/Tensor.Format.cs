using System.Globalization;
using System.Text;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>Tensors with more elements than this are printed with "..." in place of their middles.</summary>
    private const int PrintThreshold = 1000;

    /// <summary>Entries shown at each end of an elided dimension.</summary>
    private const int PrintEdgeItems = 3;

    /// <summary>Line width at which long rows wrap.</summary>
    private const int PrintLineWidth = 80;

    /// <summary>
    /// PyTorch-style text with 4 decimals, e.g. <c>tensor([[ 1.0000, -2.5000],\n        [ 0.0000,  3.1416]], dtype=float32, shape=[2, 2])</c>;
    /// see <see cref="ToString(int)"/>.
    /// </summary>
    public override string ToString() => ToString(4);

    /// <summary>
    /// PyTorch-style text (invariant culture): nested brackets with right-aligned columns, one row per line; all
    /// elements use one format chosen from the finite non-zero values shown — <c>1.</c> style when all are integers,
    /// fixed <c>0.1235</c> style, or scientific <c>1.2346e-05</c> style when magnitudes span more than 1000× or leave
    /// [1e-4, 1e8]; NaN/±∞ print as <c>nan</c>, <c>inf</c>, <c>-inf</c>. Tensors with more than 1000 elements show
    /// only the first and last 3 entries of each dimension longer than 6, with "..." between. Then come
    /// <c>dtype=…, shape=[…]</c> (a scalar prints as <c>tensor(3.1416)</c>, with <c>dtype=float64</c> only when it is
    /// float64), and <c>grad_fn=&lt;Name&gt;</c> for results of recorded operations or <c>requires_grad=True</c> for
    /// leaves that require grad.
    /// </summary>
    /// <param name="precision">Digits after the decimal point (0 to 15) in fixed and scientific styles.</param>
    public string ToString(int precision)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(precision);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(precision, 15);
        var sb = new StringBuilder("tensor(");
        if (Numel == 0)
        {
            sb.Append("[]");
        }
        else
        {
            bool summarize = Numel > PrintThreshold;
            var shown = new List<double>();
            CollectShown(0, 0, summarize, shown);
            var fmt = new ValueFormatter(shown, precision);
            if (Rank == 0)
            {
                sb.Append(fmt.Format(GetFlat(0)).TrimStart());
            }
            else
            {
                AppendBlock(sb, 0, 0, "tensor(".Length, summarize, fmt);
            }
        }

        if (Rank > 0 || Numel == 0)
        {
            sb.Append(", dtype=").Append(DType.Name()).Append(", shape=").Append(Shape.ToString());
        }
        else if (DType != DType.Float32)
        {
            sb.Append(", dtype=").Append(DType.Name());
        }

        if (GradFn is not null)
        {
            sb.Append(", grad_fn=<").Append(GradFn.Name).Append('>');
        }
        else if (RequiresGrad)
        {
            sb.Append(", requires_grad=True");
        }

        return sb.Append(')').ToString();
    }

    /// <summary>Indices along one dimension that are printed; -1 marks the "..." gap.</summary>
    private static IEnumerable<int> ShownIndices(int size, bool summarize)
    {
        if (!summarize || size <= 2 * PrintEdgeItems)
        {
            for (int i = 0; i < size; i++)
            {
                yield return i;
            }

            yield break;
        }

        for (int i = 0; i < PrintEdgeItems; i++)
        {
            yield return i;
        }

        yield return -1;
        for (int i = size - PrintEdgeItems; i < size; i++)
        {
            yield return i;
        }
    }

    private void CollectShown(int dim, int offset, bool summarize, List<double> shown)
    {
        if (dim == Rank)
        {
            shown.Add(GetFlat(offset));
            return;
        }

        int stride = StrideOf(dim);
        foreach (int i in ShownIndices(Shape.Dims[dim], summarize))
        {
            if (i >= 0)
            {
                CollectShown(dim + 1, offset + (i * stride), summarize, shown);
            }
        }
    }

    private void AppendBlock(StringBuilder sb, int dim, int offset, int indent, bool summarize, ValueFormatter fmt)
    {
        int stride = StrideOf(dim);
        int size = Shape.Dims[dim];
        if (dim == Rank - 1)
        {
            var items = new List<string>();
            foreach (int i in ShownIndices(size, summarize))
            {
                items.Add(i < 0 ? " ..." : fmt.Format(GetFlat(offset + i)));
            }

            int perLine = Math.Max(1, (PrintLineWidth - indent) / (fmt.Width + 2));
            sb.Append('[');
            for (int k = 0; k < items.Count; k++)
            {
                if (k > 0)
                {
                    sb.Append(',');
                    if (k % perLine == 0)
                    {
                        sb.Append('\n').Append(' ', indent + 1);
                    }
                    else
                    {
                        sb.Append(' ');
                    }
                }

                sb.Append(items[k]);
            }

            sb.Append(']');
            return;
        }

        sb.Append('[');
        bool first = true;
        foreach (int i in ShownIndices(size, summarize))
        {
            if (!first)
            {
                sb.Append(',').Append('\n', Rank - dim - 1).Append(' ', indent + 1);
            }

            first = false;
            if (i < 0)
            {
                sb.Append("...");
            }
            else
            {
                AppendBlock(sb, dim + 1, offset + (i * stride), indent + 1, summarize, fmt);
            }
        }

        sb.Append(']');
    }

    private int StrideOf(int dim)
    {
        int s = 1;
        for (int k = dim + 1; k < Rank; k++)
        {
            s *= Shape.Dims[k];
        }

        return s;
    }

    /// <summary>Chooses one number style and column width for all printed values, like PyTorch's formatter.</summary>
    private sealed class ValueFormatter
    {
        private readonly bool _intMode = true;
        private readonly bool _sciMode;
        private readonly string _fixed;
        private readonly string _sci;

        public ValueFormatter(List<double> values, int precision)
        {
            _fixed = "F" + precision.ToString(CultureInfo.InvariantCulture);
            _sci = (precision == 0 ? "0" : "0." + new string('0', precision)) + "e+00";
            double min = double.PositiveInfinity, max = 0;
            bool any = false;
            foreach (double v in values)
            {
                if (!double.IsFinite(v) || v == 0)
                {
                    continue;
                }

                any = true;
                double a = Math.Abs(v);
                min = Math.Min(min, a);
                max = Math.Max(max, a);
                if (v != Math.Ceiling(v))
                {
                    _intMode = false;
                }
            }

            if (any)
            {
                _sciMode = max / min > 1000.0 || max > 1.0e8 || (!_intMode && min < 1.0e-4);
            }

            Width = 1;
            foreach (double v in values)
            {
                Width = Math.Max(Width, Raw(v).Length);
            }
        }

        /// <summary>Column width: the longest printed value.</summary>
        public int Width { get; }

        /// <summary>The value in the chosen style, right-aligned to <see cref="Width"/>.</summary>
        public string Format(double v) => Raw(v).PadLeft(Width);

        private string Raw(double v)
        {
            if (double.IsNaN(v))
            {
                return "nan";
            }

            if (double.IsInfinity(v))
            {
                return v > 0 ? "inf" : "-inf";
            }

            if (_sciMode)
            {
                return v.ToString(_sci, CultureInfo.InvariantCulture);
            }

            return _intMode ? v.ToString("F0", CultureInfo.InvariantCulture) + "." : v.ToString(_fixed, CultureInfo.InvariantCulture);
        }
    }
}
