namespace Vae.Models.Visualization;

/// <summary>Principal components of a small set of column vectors, in float64 (cyclic Jacobi eigen-decomposition).</summary>
internal static class Pca
{
    /// <summary>
    /// Projects the centred rows of <paramref name="data"/> [n, d] onto the leading <paramref name="components"/>
    /// principal axes. Each axis's sign is fixed so that its largest-magnitude entry is positive.
    /// </summary>
    /// <returns>Projections [n, components] (row-major) and the fraction of the total variance each axis explains.</returns>
    public static (double[] Projected, double[] ExplainedFraction) Project(double[] data, int n, int d, int components)
    {
        var mean = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                mean[j] += data[(i * d) + j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
        }

        var cov = new double[d, d];
        var row = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                row[j] = data[(i * d) + j] - mean[j];
            }

            for (int a = 0; a < d; a++)
            {
                for (int b = a; b < d; b++)
                {
                    cov[a, b] += row[a] * row[b];
                }
            }
        }

        for (int a = 0; a < d; a++)
        {
            for (int b = a; b < d; b++)
            {
                cov[a, b] /= Math.Max(n - 1, 1);
                cov[b, a] = cov[a, b];
            }
        }

        var (values, vectors) = SymmetricEigen(cov);
        var order = Enumerable.Range(0, d).OrderByDescending(k => values[k]).ToArray();
        double trace = values.Sum(v => Math.Max(v, 0));
        var projected = new double[n * components];
        var explained = new double[components];
        for (int c = 0; c < components; c++)
        {
            int k = order[c];
            int argMax = 0;
            for (int j = 1; j < d; j++)
            {
                argMax = Math.Abs(vectors[j, k]) > Math.Abs(vectors[argMax, k]) ? j : argMax;
            }

            double sign = vectors[argMax, k] < 0 ? -1 : 1;
            explained[c] = trace > 0 ? Math.Max(values[k], 0) / trace : 0;
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < d; j++)
                {
                    s += (data[(i * d) + j] - mean[j]) * vectors[j, k];
                }

                projected[(i * components) + c] = sign * s;
            }
        }

        return (projected, explained);
    }

    /// <summary>Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations.</summary>
    internal static (double[] Values, double[,] Vectors) SymmetricEigen(double[,] matrix)
    {
        int d = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            v[i, i] = 1;
        }

        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int p = 0; p < d; p++)
            {
                diag += a[p, p] * a[p, p];
                for (int q = p + 1; q < d; q++)
                {
                    off += a[p, q] * a[p, q];
                }
            }

            if (off <= 1e-30 * Math.Max(diag, 1e-300))
            {
                break;
            }

            for (int p = 0; p < d; p++)
            {
                for (int q = p + 1; q < d; q++)
                {
                    if (a[p, q] == 0)
                    {
                        continue;
                    }

                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    if (theta == 0)
                    {
                        t = 1;
                    }

                    double c = 1 / Math.Sqrt((t * t) + 1), s = t * c;
                    for (int k = 0; k < d; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = (c * akp) - (s * akq);
                        a[k, q] = (s * akp) + (c * akq);
                    }

                    for (int k = 0; k < d; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = (c * apk) - (s * aqk);
                        a[q, k] = (s * apk) + (c * aqk);
                    }

                    for (int k = 0; k < d; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = (c * vkp) - (s * vkq);
                        v[k, q] = (s * vkp) + (c * vkq);
                    }
                }
            }
        }

        var values = new double[d];
        for (int i = 0; i < d; i++)
        {
            values[i] = a[i, i];
        }

        return (values, v);
    }
}
