using System.Globalization;
using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// Parameter plumbing shared by the continuous distributions: broadcasting parameters to a common batch shape,
/// dtype checks, and value validation with messages that name the distribution, the parameter and its shape.
/// </summary>
internal static class ContinuousParams
{
    /// <summary>Throws unless every tensor has the same dtype; returns it.</summary>
    public static DType SameDType(string who, params (string Name, Tensor Value)[] ps)
    {
        foreach (var (name, value) in ps)
        {
            ArgumentNullException.ThrowIfNull(value, name);
        }

        var d = ps[0].Value.DType;
        foreach (var (name, value) in ps)
        {
            if (value.DType != d)
            {
                throw new ArgumentException(
                    $"{who}: parameters must share one dtype; {ps[0].Name} is {d.Name()} {ps[0].Value.Shape} but {name} is {value.DType.Name()} {value.Shape}.",
                    name);
            }
        }

        return d;
    }

    /// <summary>The tensor's shape, throwing <see cref="ArgumentNullException"/> for a null tensor (for use in constructor initialisers).</summary>
    public static Shape ShapeOf(Tensor? t, string name) => (t ?? throw new ArgumentNullException(name)).Shape;

    /// <summary>The broadcast of the parameters' shapes; throws naming every shape when they do not broadcast.</summary>
    public static Shape BroadcastShape(string who, params (string Name, Shape Shape)[] ps)
    {
        var s = ps[0].Shape;
        try
        {
            for (int i = 1; i < ps.Length; i++)
            {
                s = Shape.Broadcast(s, ps[i].Shape);
            }
        }
        catch (ArgumentException)
        {
            var names = string.Join(", ", ps.Select(p => $"{p.Name} {p.Shape}"));
            throw new ArgumentException($"{who}: parameter shapes do not broadcast to a common batch shape ({names}).");
        }

        return s;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when an element is ≤ 0 (or −∞). NaN is let through: NaN parameters
    /// propagate into NaN results (IEEE), so a training loop's NaN guard sees them instead of an exception.
    /// </summary>
    public static void RequirePositive(string who, string name, Tensor t)
    {
        int bad = FindFirst(t, static v => v <= 0);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"{who}: {name} must be positive, but element {FormatIndex(t.Shape, bad)} of {name} {t.Shape} is {Format(t.GetFlat(bad))}.", name);
        }
    }

    /// <summary>Throws when an element lies outside [<paramref name="lo"/>, <paramref name="hi"/>] (NaN is let through).</summary>
    public static void RequireInRange(string who, string name, Tensor t, double lo, double hi)
    {
        int bad = FindFirst(t, v => v < lo || v > hi);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"{who}: {name} must lie in [{Format(lo)}, {Format(hi)}], but element {FormatIndex(t.Shape, bad)} of {name} {t.Shape} is {Format(t.GetFlat(bad))}.", name);
        }
    }

    /// <summary>Throws when an element is ±∞ (NaN is let through).</summary>
    public static void RequireNotInfinite(string who, string name, Tensor t)
    {
        int bad = FindFirst(t, double.IsInfinity);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"{who}: {name} must be finite, but element {FormatIndex(t.Shape, bad)} of {name} {t.Shape} is {Format(t.GetFlat(bad))}.", name);
        }
    }

    /// <summary>Index of the first element satisfying <paramref name="predicate"/>, or −1.</summary>
    public static int FindFirst(Tensor t, Func<double, bool> predicate)
    {
        if (t.DType == DType.Float32)
        {
            var s = t.Span<float>();
            for (int i = 0; i < s.Length; i++)
            {
                if (predicate(s[i]))
                {
                    return i;
                }
            }
        }
        else
        {
            var s = t.Span<double>();
            for (int i = 0; i < s.Length; i++)
            {
                if (predicate(s[i]))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary>Sums the rightmost <paramref name="n"/> dimensions (identity for n = 0).</summary>
    public static Tensor SumRightmost(Tensor t, int n)
    {
        if (n == 0)
        {
            return t;
        }

        var dims = new int[n];
        for (int i = 0; i < n; i++)
        {
            dims[i] = t.Rank - n + i;
        }

        return t.Sum(dims);
    }

    /// <summary>The first <c>Rank − n</c> dimensions of a shape.</summary>
    public static Shape DropRight(Shape s, int n) => new(s.Dims[..(s.Rank - n)]);

    /// <summary>The last <paramref name="n"/> dimensions of a shape.</summary>
    public static Shape TakeRight(Shape s, int n) => new(s.Dims[(s.Rank - n)..]);

    /// <summary>The smallest ε with 1 + ε ≠ 1 in the dtype (used to clamp probabilities away from 0 and 1).</summary>
    public static double Epsilon(DType dtype) => dtype == DType.Float64 ? Math.Pow(2, -52) : Math.Pow(2, -23);

    /// <summary>
    /// logit(p) = log p − log(1 − p), with p first clamped into [ε, 1 − ε] (ε the dtype's machine epsilon) so that
    /// probabilities of exactly 0 or 1 give large finite logits instead of ±∞.
    /// </summary>
    public static Tensor ProbsToLogits(Tensor probs)
    {
        double eps = Epsilon(probs.DType);
        var p = probs.Clamp(eps, 1 - eps);
        return p.Log() - p.Neg().Log1p();
    }

    private static string FormatIndex(Shape shape, int flat)
    {
        if (shape.Rank == 0)
        {
            return "[]";
        }

        var idx = new int[shape.Rank];
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }

        return "[" + string.Join(", ", idx) + "]";
    }

    internal static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
