using System.Globalization;

namespace Vae.Core.Optim;

/// <summary>Helpers for scheduler state dicts: scalars and lists stored as float64 tensors.</summary>
internal static class StateTensors
{
    public static Tensor Scalar(double v) => Tensor.Scalar(v, DType.Float64);

    public static Tensor Vector(IReadOnlyList<double> values)
    {
        var a = new double[values.Count];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = values[i];
        }

        return Tensor.FromArray(a, a.Length);
    }

    /// <summary>Reads a scalar entry, recording a problem (and returning NaN) when missing or not a scalar.</summary>
    public static double ReadScalar(IReadOnlyDictionary<string, Tensor> d, string key, List<string> problems)
    {
        if (!d.TryGetValue(key, out var t) || t is null)
        {
            problems.Add($"missing key \"{key}\"");
            return double.NaN;
        }

        if (t.Numel != 1)
        {
            problems.Add($"\"{key}\" must be a scalar, got shape {t.Shape}");
            return double.NaN;
        }

        return t.Item();
    }

    /// <summary>Reads an integer scalar entry.</summary>
    public static int ReadInt(IReadOnlyDictionary<string, Tensor> d, string key, List<string> problems)
    {
        double v = ReadScalar(d, key, problems);
        if (double.IsNaN(v))
        {
            return 0;
        }

        if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
        {
            problems.Add($"\"{key}\" must be an integer, got {v.ToString(CultureInfo.InvariantCulture)}");
            return 0;
        }

        return (int)v;
    }

    /// <summary>Reads a 1-D entry, recording a problem when missing, not 1-D or (if given) not of <paramref name="length"/> elements.</summary>
    public static double[] ReadVector(IReadOnlyDictionary<string, Tensor> d, string key, int? length, List<string> problems)
    {
        if (!d.TryGetValue(key, out var t) || t is null)
        {
            problems.Add($"missing key \"{key}\"");
            return [];
        }

        if (t.Rank != 1 || (length is int n && t.Numel != n))
        {
            problems.Add($"\"{key}\" has shape {t.Shape}, expected [{(length is int m ? m.ToString(CultureInfo.InvariantCulture) : "n")}]");
            return [];
        }

        return t.ToDoubleArray();
    }

    /// <summary>Records every key of <paramref name="d"/> not in <paramref name="known"/> as a problem.</summary>
    public static void CheckUnexpected(IReadOnlyDictionary<string, Tensor> d, ICollection<string> known, List<string> problems)
    {
        foreach (var key in d.Keys)
        {
            if (!known.Contains(key))
            {
                problems.Add($"unexpected key \"{key}\"");
            }
        }
    }

    /// <summary>Throws one <see cref="ArgumentException"/> listing all problems, if any.</summary>
    public static void ThrowIfAny(string owner, List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"{owner}.LoadStateDict: the state dict does not fit:\n  {string.Join("\n  ", problems)}", "stateDict");
        }
    }
}
