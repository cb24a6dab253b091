using System.Globalization;
using Vae.Core;

namespace Vae.Models;

/// <summary>Validation and conversion of class labels (index tensors or <c>int[]</c>) for conditional models.</summary>
internal static class ClassLabels
{
    /// <summary>
    /// Checks that <paramref name="labels"/> is a 1-D tensor of integral class indices in [0, numClasses) (with
    /// <paramref name="expectedCount"/> entries when given) and returns them as integers.
    /// </summary>
    /// <exception cref="ArgumentException">The shape is wrong or a label is not a class index; the message names the number of classes and the bad label.</exception>
    public static int[] ToArray(Tensor labels, int numClasses, int? expectedCount, string context)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Rank != 1)
        {
            throw new ArgumentException($"{context}: labels must be a 1-D tensor of class indices [N], got shape {labels.Shape}.", nameof(labels));
        }

        CheckCount(labels.Shape[0], expectedCount, context);
        var values = labels.ToDoubleArray();
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!(v >= 0 && v < numClasses) || v != Math.Floor(v))
            {
                throw Bad(v.ToString("R", CultureInfo.InvariantCulture), i, numClasses, context);
            }

            result[i] = (int)v;
        }

        return result;
    }

    /// <summary>As <see cref="ToArray(Tensor, int, int?, string)"/> for integer labels; returns a private copy.</summary>
    public static int[] Check(ReadOnlySpan<int> labels, int numClasses, int? expectedCount, string context)
    {
        CheckCount(labels.Length, expectedCount, context);
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)numClasses)
            {
                throw Bad(labels[i].ToString(CultureInfo.InvariantCulture), i, numClasses, context);
            }
        }

        return labels.ToArray();
    }

    /// <summary>A float tensor [N] holding the labels.</summary>
    public static Tensor ToTensor(ReadOnlySpan<int> labels, DType dtype)
    {
        var values = new double[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            values[i] = labels[i];
        }

        return Tensor.FromArray(values, labels.Length).To(dtype);
    }

    private static void CheckCount(int count, int? expectedCount, string context)
    {
        if (expectedCount is int n && count != n)
        {
            throw new ArgumentException($"{context}: got {count} labels for a batch of {n} examples; expected one label per example.", "labels");
        }
    }

    private static ArgumentException Bad(string value, int position, int numClasses, string context) =>
        new($"{context}: label {value} at position {position} is not a class index; the model has {numClasses} classes, so labels must be integers in [0, {numClasses}).", "labels");
}
