using Vae.Core;

namespace Vae.Core.Tests;

/// <summary>
/// Straightforward direct-loop definitions (float64) of convolution, transposed convolution and pooling, written
/// from the formulas and independent of the library's im2col lowering.
/// </summary>
internal static class ConvReference
{
    /// <summary>y[n, o, i, j] = b[o] + Σ w[o, c, p, q] · x[n, grp·Cg + c, i·sh − ph + p·dh, j·sw − pw + q·dw].</summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? b, (int H, int W) s, (int H, int W) pad, (int H, int W) d, int groups = 1)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int o = w.Shape[0], cg = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3], og = o / groups;
        int oh = ((h + (2 * pad.H) - (d.H * (kh - 1)) - 1) / s.H) + 1;
        int ow = ((wd + (2 * pad.W) - (d.W * (kw - 1)) - 1) / s.W) + 1;
        var y = new double[n * o * oh * ow];
        for (int ni = 0; ni < n; ni++)
        {
            for (int oi = 0; oi < o; oi++)
            {
                int grp = oi / og;
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        double acc = b is null ? 0 : b[oi];
                        for (int ci = 0; ci < cg; ci++)
                        {
                            for (int p = 0; p < kh; p++)
                            {
                                for (int q = 0; q < kw; q++)
                                {
                                    int ih = (i * s.H) - pad.H + (p * d.H), iw = (j * s.W) - pad.W + (q * d.W);
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                                    {
                                        acc += w[oi, ci, p, q] * x[ni, (grp * cg) + ci, ih, iw];
                                    }
                                }
                            }
                        }

                        y[(((((ni * o) + oi) * oh) + i) * ow) + j] = acc;
                    }
                }
            }
        }

        return Tensor.FromArray(y, n, o, oh, ow);
    }

    /// <summary>
    /// Transposed convolution by scattering: every input element x[n, c, i, j] adds x·w[c, o, p, q] to
    /// y[n, grp·Og + o, i·sh − ph + p·dh, j·sw − pw + q·dw] (positions outside the output are dropped).
    /// </summary>
    public static Tensor ConvTranspose2d(
        Tensor x, Tensor w, Tensor? b, (int H, int W) s, (int H, int W) pad, (int H, int W) outPad, (int H, int W) d, int groups = 1)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int og = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3], o = og * groups, cg = c / groups;
        int oh = ((h - 1) * s.H) - (2 * pad.H) + (d.H * (kh - 1)) + outPad.H + 1;
        int ow = ((wd - 1) * s.W) - (2 * pad.W) + (d.W * (kw - 1)) + outPad.W + 1;
        var y = new double[n * o * oh * ow];
        for (int ni = 0; ni < n; ni++)
        {
            for (int oi = 0; oi < o; oi++)
            {
                for (int i = 0; i < oh * ow; i++)
                {
                    y[(((ni * o) + oi) * oh * ow) + i] = b is null ? 0 : b[oi];
                }
            }

            for (int ci = 0; ci < c; ci++)
            {
                int grp = ci / cg;
                for (int i = 0; i < h; i++)
                {
                    for (int j = 0; j < wd; j++)
                    {
                        double v = x[ni, ci, i, j];
                        for (int oo = 0; oo < og; oo++)
                        {
                            for (int p = 0; p < kh; p++)
                            {
                                for (int q = 0; q < kw; q++)
                                {
                                    int yh = (i * s.H) - pad.H + (p * d.H), yw = (j * s.W) - pad.W + (q * d.W);
                                    if (yh >= 0 && yh < oh && yw >= 0 && yw < ow)
                                    {
                                        y[(((((ni * o) + (grp * og) + oo) * oh) + yh) * ow) + yw] += v * w[ci, oo, p, q];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        return Tensor.FromArray(y, n, o, oh, ow);
    }

    /// <summary>Max or average (padding counted, PyTorch's default) pooling by direct loops.</summary>
    public static Tensor Pool2d(Tensor x, bool max, (int H, int W) k, (int H, int W) s, (int H, int W) pad)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int oh = ((h + (2 * pad.H) - k.H) / s.H) + 1, ow = ((wd + (2 * pad.W) - k.W) / s.W) + 1;
        var y = new double[n * c * oh * ow];
        int idx = 0;
        for (int ni = 0; ni < n; ni++)
        {
            for (int ci = 0; ci < c; ci++)
            {
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        double acc = max ? double.NegativeInfinity : 0;
                        for (int p = 0; p < k.H; p++)
                        {
                            for (int q = 0; q < k.W; q++)
                            {
                                int ih = (i * s.H) - pad.H + p, iw = (j * s.W) - pad.W + q;
                                if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                                {
                                    double v = x[ni, ci, ih, iw];
                                    acc = max ? Math.Max(acc, v) : acc + v;
                                }
                            }
                        }

                        y[idx++] = max ? acc : acc / (k.H * k.W);
                    }
                }
            }
        }

        return Tensor.FromArray(y, n, c, oh, ow);
    }

    /// <summary>Inner product of two same-shaped tensors, in float64.</summary>
    public static double Dot(Tensor a, Tensor b)
    {
        var x = a.ToDoubleArray();
        var y = b.ToDoubleArray();
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * y[i];
        }

        return s;
    }

    /// <summary>Asserts equal shapes and elementwise agreement within <paramref name="tol"/>.</summary>
    public static void ShouldMatch(this Tensor actual, Tensor expected, double tol = 1e-10)
    {
        actual.ShouldHaveShape(expected.Shape.ToArray());
        actual.ShouldBeClose(expected.ToDoubleArray(), tol);
    }

    /// <summary>Asserts the tensor's shape.</summary>
    public static void ShouldHaveShape(this Tensor actual, params int[] shape) => actual.Shape.ToArray().Should().Equal(shape);
}
