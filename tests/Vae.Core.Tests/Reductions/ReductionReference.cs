using Vae.Core;

namespace Vae.Core.Tests;

/// <summary>Naive float64 reference reductions over the middle axis of an [outer, n, inner] view.</summary>
internal static class ReductionReference
{
    /// <summary>Applies <paramref name="f"/> to every slice x[o, :, i] of the row-major data.</summary>
    public static double[] Reduce(double[] x, int outer, int n, int inner, Func<double[], double> f)
    {
        var r = new double[outer * inner];
        var slice = new double[n];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    slice[j] = x[(((o * n) + j) * inner) + i];
                }

                r[(o * inner) + i] = f(slice);
            }
        }

        return r;
    }

    /// <summary>Applies a slice-to-slice map (like softmax) to every x[o, :, i].</summary>
    public static double[] Map(double[] x, int outer, int n, int inner, Func<double[], double[]> f)
    {
        var r = new double[x.Length];
        var slice = new double[n];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    slice[j] = x[(((o * n) + j) * inner) + i];
                }

                var y = f(slice);
                for (int j = 0; j < n; j++)
                {
                    r[(((o * n) + j) * inner) + i] = y[j];
                }
            }
        }

        return r;
    }

    /// <summary>log Σ exp without any stabilisation (fine for moderate values).</summary>
    public static double NaiveLogSumExp(double[] s) => Math.Log(s.Sum(Math.Exp));

    public static double[] NaiveSoftmax(double[] s)
    {
        double z = s.Sum(Math.Exp);
        return s.Select(v => Math.Exp(v) / z).ToArray();
    }

    public static Tensor Rand(int seed, DType dtype, params int[] shape) =>
        Tensor.Randn(new Shape(shape), new Generator((ulong)seed), dtype);
}
