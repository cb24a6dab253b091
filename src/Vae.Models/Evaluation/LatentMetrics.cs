using Vae.Core;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Vae.Distributions;

namespace Vae.Models.Evaluation;

/// <summary>
/// Geometry of latent codes against a prior: which mixture component each code is nearest to, how far codes lie from
/// the prior's support (distance to the nearest of many prior samples), and whether a code's nearest prior sample
/// carries the code's class. Used to check that an adversarial autoencoder's codes match its prior (each class on its
/// own component or swiss-roll segment in the label-incorporating variant). Computed in float64.
/// </summary>
public static class LatentMetrics
{
    /// <summary>The index of the nearest (Euclidean) component mean for each code.</summary>
    /// <param name="codes">Codes [N, d].</param>
    /// <param name="componentMeans">Means [K, d].</param>
    /// <returns>N indices in [0, K).</returns>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static int[] NearestComponent(Tensor codes, Tensor componentMeans)
    {
        var (index, _) = Nearest(codes, componentMeans, "LatentMetrics.NearestComponent");
        return index;
    }

    /// <summary>
    /// The fraction of codes whose nearest component mean is the mean of their own class's component (class y ↔
    /// component y, as in the label-incorporating adversarial autoencoder).
    /// </summary>
    /// <param name="codes">Codes [N, d] (N ≥ 1).</param>
    /// <param name="labels">Classes [N], integral in [0, K).</param>
    /// <param name="componentMeans">Means [K, d].</param>
    /// <returns>A fraction in [0, 1].</returns>
    /// <exception cref="ArgumentException">The shapes do not fit or a label is out of range.</exception>
    public static double NearestComponentAccuracy(Tensor codes, Tensor labels, Tensor componentMeans)
    {
        ArgumentNullException.ThrowIfNull(componentMeans);
        var nearest = NearestComponent(codes, componentMeans);
        var y = Labels(labels, nearest.Length, componentMeans.Shape[0], "LatentMetrics.NearestComponentAccuracy");
        int correct = 0;
        for (int i = 0; i < y.Length; i++)
        {
            correct += nearest[i] == y[i] ? 1 : 0;
        }

        return (double)correct / y.Length;
    }

    /// <summary>
    /// <see cref="NearestComponentAccuracy(Tensor, Tensor, Tensor)"/> against the component means of a Gaussian mixture
    /// (e.g. <see cref="GaussianMixture.AdversarialAutoencoderPrior"/>).
    /// </summary>
    /// <param name="codes">Codes [N, d].</param>
    /// <param name="labels">Classes [N], integral in [0, K).</param>
    /// <param name="mixture">The mixture; class y ↔ component y.</param>
    /// <returns>A fraction in [0, 1].</returns>
    public static double NearestComponentAccuracy(Tensor codes, Tensor labels, GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        return NearestComponentAccuracy(codes, labels, mixture.ComponentMeans);
    }

    /// <summary>
    /// The mean over codes of the Euclidean distance to the nearest reference point — with many prior samples as the
    /// reference, how far the codes lie from the prior's support (small when the codes lie on a swiss roll, say). For
    /// scale, compare with the same statistic for fresh prior samples, which is what a perfect match gives.
    /// </summary>
    /// <param name="codes">Codes [N, d] (N ≥ 1).</param>
    /// <param name="reference">Reference points [M, d] (M ≥ 1), e.g. prior samples.</param>
    /// <returns>The mean nearest distance.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static double MeanNearestDistance(Tensor codes, Tensor reference)
    {
        var (_, distance) = Nearest(codes, reference, "LatentMetrics.MeanNearestDistance");
        double sum = 0;
        foreach (double v in distance)
        {
            sum += v;
        }

        return sum / distance.Length;
    }

    /// <summary>
    /// The fraction of codes whose nearest reference point has the code's label — with labelled prior samples as the
    /// reference (<see cref="ILabeledSampler.SampleWithLabels(Shape, Generator)"/>), whether each class's codes lie
    /// on that class's part of the prior (its swiss-roll segment, say).
    /// </summary>
    /// <param name="codes">Codes [N, d] (N ≥ 1).</param>
    /// <param name="labels">Classes of the codes [N] (integral values).</param>
    /// <param name="reference">Reference points [M, d].</param>
    /// <param name="referenceLabels">Classes of the reference points [M] (integral values).</param>
    /// <returns>A fraction in [0, 1].</returns>
    /// <exception cref="ArgumentException">The shapes do not fit or a label is not integral.</exception>
    public static double NearestNeighbourLabelAccuracy(Tensor codes, Tensor labels, Tensor reference, Tensor referenceLabels)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var (index, _) = Nearest(codes, reference, "LatentMetrics.NearestNeighbourLabelAccuracy");
        var y = Labels(labels, index.Length, int.MaxValue, "LatentMetrics.NearestNeighbourLabelAccuracy");
        var r = Labels(referenceLabels, reference.Shape[0], int.MaxValue, "LatentMetrics.NearestNeighbourLabelAccuracy (reference)");
        int correct = 0;
        for (int i = 0; i < y.Length; i++)
        {
            correct += r[index[i]] == y[i] ? 1 : 0;
        }

        return (double)correct / y.Length;
    }

    /// <summary>The median of <paramref name="values"/> (mean of the two middle values for an even count); reorders the array.</summary>
    internal static double Median(double[] values)
    {
        int n = values.Length;
        if (n == 0)
        {
            return double.NaN;
        }

        double upper = Select(values, n / 2);
        if (n % 2 == 1)
        {
            return upper;
        }

        // After selection, everything left of n/2 is ≤ upper: the lower middle value is their maximum.
        double lower = double.NegativeInfinity;
        for (int i = 0; i < n / 2; i++)
        {
            lower = Math.Max(lower, values[i]);
        }

        return (lower + upper) / 2;
    }

    /// <summary>Quickselect (Hoare partition, median-of-three pivot): the k-th smallest value, with a[..k] ≤ a[k] ≤ a[k+1..].</summary>
    private static double Select(double[] a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (a[mid] < a[lo])
            {
                (a[mid], a[lo]) = (a[lo], a[mid]);
            }

            if (a[hi] < a[lo])
            {
                (a[hi], a[lo]) = (a[lo], a[hi]);
            }

            if (a[hi] < a[mid])
            {
                (a[hi], a[mid]) = (a[mid], a[hi]);
            }

            double pivot = a[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return a[k];
            }
        }

        return a[k];
    }

    /// <summary>For each code, the index of and distance to the nearest reference point (brute force, O(N·M·d)).</summary>
    private static (int[] Index, double[] Distance) Nearest(Tensor codes, Tensor reference, string what)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(reference);
        if (codes.Rank != 2 || reference.Rank != 2 || codes.Shape[1] != reference.Shape[1] || codes.Shape[0] < 1 || reference.Shape[0] < 1)
        {
            throw new ArgumentException($"{what}: codes and reference points must have shapes [N, d] and [M, d] with N, M ≥ 1; got {codes.Shape} and {reference.Shape}.");
        }

        int n = codes.Shape[0], m = reference.Shape[0], d = codes.Shape[1];
        var a = codes.ToDoubleArray();
        var columns = TwoSample.Columns(reference.ToDoubleArray(), m, d);
        var row = new double[m];
        var scratch = new double[m];
        var index = new int[n];
        var distance = new double[n];
        for (int i = 0; i < n; i++)
        {
            TwoSample.SquaredDistances(columns, a.AsSpan(i * d, d), 0, row, scratch);
            int arg = TensorPrimitives.IndexOfMin<double>(row);
            index[i] = arg;
            distance[i] = Math.Sqrt(row[arg]);
        }

        return (index, distance);
    }

    private static int[] Labels(Tensor labels, int n, int numClasses, string what)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Rank != 1 || labels.Shape[0] != n)
        {
            throw new ArgumentException($"{what}: labels must have shape [{n}], got {labels.Shape}.", nameof(labels));
        }

        var values = labels.ToDoubleArray();
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            double v = values[i];
            if (v != Math.Floor(v) || v < 0 || v >= numClasses)
            {
                throw new ArgumentException(
                    numClasses == int.MaxValue
                        ? $"{what}: label {v} at position {i} is not a non-negative integer."
                        : $"{what}: label {v} at position {i} is not an integer in [0, {numClasses}).",
                    nameof(labels));
            }

            y[i] = (int)v;
        }

        return y;
    }
}
