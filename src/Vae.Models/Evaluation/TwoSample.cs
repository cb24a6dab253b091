using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Vae.Core;

namespace Vae.Models.Evaluation;

/// <summary>
/// Two-sample statistics: how far apart the distributions behind two samples are, e.g. the codes of an adversarial
/// autoencoder and samples of the prior they should match. Computed in float64 whatever the inputs' dtype.
/// </summary>
public static class TwoSample
{
    /// <summary>Default cap on the number of points the median heuristic looks at (see <see cref="MedianHeuristicBandwidth"/>).</summary>
    public const int DefaultMedianPoints = 2000;

    /// <summary>
    /// The maximum mean discrepancy (Gretton et al., 2012) between the samples with a Gaussian kernel
    /// k(a, b) = exp(−‖a − b‖² / (2σ²)): MMD² = E k(x, x′) + E k(y, y′) − 2 E k(x, y). It is 0 for identical
    /// distributions, and positive and growing as they move apart (e.g. with a growing mean shift). Cost O((n + m)²·d)
    /// time and O(n + m) memory.
    /// </summary>
    /// <param name="x">First sample [n, d] (n ≥ 1; n ≥ 2 when unbiased).</param>
    /// <param name="y">Second sample [m, d] (m ≥ 1; m ≥ 2 when unbiased).</param>
    /// <param name="bandwidth">Kernel bandwidth σ &gt; 0; null (the default) uses the median heuristic (<see cref="MedianHeuristicBandwidth"/>).</param>
    /// <param name="unbiased">
    /// False (the default): the biased V-statistic, all pairs including i = j (≥ 0, what "MMD" usually reports);
    /// true: the unbiased U-statistic, without the i = j terms of the within-sample means.
    /// </param>
    /// <returns>MMD², the bandwidth used and which estimate it is.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit or a sample is too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The bandwidth is not positive and finite.</exception>
    public static TwoSampleMmd Mmd(Tensor x, Tensor y, double? bandwidth = null, bool unbiased = false)
    {
        var (a, n, b, m, d) = Samples(x, y, "TwoSample.Mmd");
        if (unbiased && (n < 2 || m < 2))
        {
            throw new ArgumentException($"TwoSample.Mmd: the unbiased estimate needs at least 2 points per sample, got {x.Shape} and {y.Shape}.");
        }

        double sigma = bandwidth ?? Median(a, n, b, m, d, DefaultMedianPoints);
        if (!(sigma > 0 && double.IsFinite(sigma)))
        {
            throw new ArgumentOutOfRangeException(nameof(bandwidth), sigma, "TwoSample.Mmd: the bandwidth must be positive and finite.");
        }

        double gamma = -1.0 / (2 * sigma * sigma);
        double kxx = KernelSum(a, n, a, n, d, gamma, symmetric: true);
        double kyy = KernelSum(b, m, b, m, d, gamma, symmetric: true);
        double kxy = KernelSum(a, n, b, m, d, gamma, symmetric: false);
        double squared = unbiased
            ? ((kxx - n) / (n * (n - 1.0))) + ((kyy - m) / (m * (m - 1.0))) - (2 * kxy / ((double)n * m))
            : (kxx / ((double)n * n)) + (kyy / ((double)m * m)) - (2 * kxy / ((double)n * m));
        return new TwoSampleMmd(squared, sigma, unbiased);
    }

    /// <summary>
    /// The median heuristic for a kernel bandwidth: the median of the Euclidean distances between distinct points of
    /// the pooled sample. When the pool has more than <paramref name="maxPoints"/> points, an evenly strided subset
    /// of each sample (in proportion to its size) is used, which keeps the cost at O(maxPoints²). When all those
    /// distances are 0 the result is 1.
    /// </summary>
    /// <param name="x">First sample [n, d].</param>
    /// <param name="y">Second sample [m, d].</param>
    /// <param name="maxPoints">Cap on the pooled points used (≥ 2).</param>
    /// <returns>σ &gt; 0.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static double MedianHeuristicBandwidth(Tensor x, Tensor y, int maxPoints = DefaultMedianPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        var (a, n, b, m, d) = Samples(x, y, "TwoSample.MedianHeuristicBandwidth");
        return Median(a, n, b, m, d, maxPoints);
    }

    private static double Median(double[] a, int n, double[] b, int m, int d, int maxPoints)
    {
        int total = n + m;
        int takeA = n, takeB = m;
        if (total > maxPoints)
        {
            takeA = Math.Max(1, (int)Math.Round((double)maxPoints * n / total));
            takeB = Math.Max(1, maxPoints - takeA);
        }

        var pool = new double[(takeA + takeB) * d];
        Stride(a, n, takeA, d, pool, 0);
        Stride(b, m, takeB, d, pool, takeA * d);
        int p = takeA + takeB;
        if (p < 2)
        {
            return 1.0;
        }

        var columns = Columns(pool, p, d);
        var scratch = new double[p];
        var distances = new double[(long)p * (p - 1) / 2];
        long k = 0;
        for (int i = 0; i < p - 1; i++)
        {
            var row = distances.AsSpan((int)k, p - 1 - i);
            SquaredDistances(columns, pool.AsSpan(i * d, d), i + 1, row, scratch);
            TensorPrimitives.Sqrt(row, row);
            k += row.Length;
        }

        double median = LatentMetrics.Median(distances);
        return median > 0 ? median : 1.0;
    }

    private static void Stride(double[] source, int count, int take, int d, double[] destination, int offset)
    {
        for (int t = 0; t < take; t++)
        {
            long i = (long)t * count / take;
            Array.Copy(source, i * d, destination, offset + ((long)t * d), d);
        }
    }

    /// <summary>Σ_i Σ_j k(a_i, b_j); with <paramref name="symmetric"/> (a = b) only i &lt; j is computed and doubled, plus n diagonal ones.</summary>
    private static double KernelSum(double[] a, int n, double[] b, int m, int d, double gamma, bool symmetric)
    {
        var columns = Columns(b, m, d);
        var buffer = new double[m];
        var scratch = new double[m];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            int start = symmetric ? i + 1 : 0;
            if (start >= m)
            {
                continue;
            }

            var row = buffer.AsSpan(0, m - start);
            SquaredDistances(columns, a.AsSpan(i * d, d), start, row, scratch);
            TensorPrimitives.Multiply(row, gamma, row);
            TensorPrimitives.Exp(row, row);
            sum += TensorPrimitives.Sum<double>(row);
        }

        return symmetric ? (2 * sum) + n : sum;
    }

    /// <summary>The points as d columns of length n (for vectorised distance rows).</summary>
    internal static double[][] Columns(double[] rowMajor, int n, int d)
    {
        var columns = new double[d][];
        for (int k = 0; k < d; k++)
        {
            var c = columns[k] = new double[n];
            for (int i = 0; i < n; i++)
            {
                c[i] = rowMajor[(i * d) + k];
            }
        }

        return columns;
    }

    /// <summary>row[j] = ‖point − column point (start + j)‖² for j in [0, row.Length); scratch is at least as long as row.</summary>
    internal static void SquaredDistances(double[][] columns, ReadOnlySpan<double> point, int start, Span<double> row, double[] scratch)
    {
        row.Clear();
        var t = scratch.AsSpan(0, row.Length);
        for (int k = 0; k < columns.Length; k++)
        {
            TensorPrimitives.Subtract(columns[k].AsSpan(start, row.Length), point[k], t);
            TensorPrimitives.MultiplyAdd(t, t, row, row);
        }
    }

    private static (double[] A, int N, double[] B, int M, int D) Samples(Tensor x, Tensor y, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank != 2 || y.Rank != 2 || x.Shape[1] != y.Shape[1] || x.Shape[0] < 1 || y.Shape[0] < 1 || x.Shape[1] < 1)
        {
            throw new ArgumentException($"{what}: samples must have shapes [n, d] and [m, d] with n, m, d ≥ 1; got {x.Shape} and {y.Shape}.");
        }

        return (x.ToDoubleArray(), x.Shape[0], y.ToDoubleArray(), y.Shape[0], x.Shape[1]);
    }
}
