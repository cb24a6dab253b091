using System.Diagnostics;
using System.Globalization;
using Vae.Core;
using Vae.Core.Kernels;

namespace Vae.Benchmarks;

/// <summary>
/// A quick timer for the seven convolutions of the h-vae conv VAE (benchmarks/compare/ARCHITECTURES.md, conv-vae) at
/// batch 256: for each layer the forward, the input gradient (transposed convolution) and the weight gradient,
/// median of N runs (wall clock, each call in a TensorScope so that outputs come from the storage pool as in training), as ms and GFLOP/s (2·N·O·P·C/G·kH·kW per product).
/// Usage: <c>conv-quick [--runs N] [--batch N] [--dtype f32|f64] [--layer substring]</c>.
/// Output lines: <c>CONV label product median_ms gflops</c>, then the sum over all layers.
/// </summary>
public static class ConvQuick
{
    private static readonly (string Label, int C, int H, int O, int Stride)[] Layers =
    [
        ("enc1:1>16@28s2", 1, 28, 16, 2),
        ("enc2:16>32@14s2", 16, 14, 32, 2),
        ("enc3:32>32@7s2", 32, 7, 32, 2),
        ("dec1:32>32@4s1", 32, 4, 32, 1),
        ("dec2:32>16@7s1", 32, 7, 16, 1),
        ("dec3:16>16@14s1", 16, 14, 16, 1),
        ("dec4:16>1@28s1", 16, 28, 1, 1),
    ];

    public static int Run(string[] args)
    {
        int runs = int.Parse(Option(args, "--runs", "20"), CultureInfo.InvariantCulture);
        int batch = int.Parse(Option(args, "--batch", "256"), CultureInfo.InvariantCulture);
        var dtype = Option(args, "--dtype", "f32") == "f64" ? DType.Float64 : DType.Float32;
        string filter = Option(args, "--layer", "");
        var gen = new Generator(1);
        double total = 0;
        foreach (var (label, c, h, o, s) in Layers)
        {
            if (filter.Length > 0 && !label.Contains(filter, StringComparison.Ordinal))
            {
                continue;
            }

            var x = Tensor.Randn(new Shape(batch, c, h, h), gen).To(dtype);
            var w = (Tensor.Randn(new Shape(o, c, 5, 5), gen) * 0.05).To(dtype);
            var b = Tensor.Randn(new Shape(o), gen).To(dtype);
            var geo = ConvGeometry.ForConv2d(x, w, b, (s, s), (2, 2), (1, 1), 1);
            var gy = Tensor.Randn(geo.OutputShape, gen).To(dtype);
            double flops = 2.0 * batch * o * geo.P * c * 25;
            using (Autograd.NoGrad())
            {
                total += Report(label, "fwd", flops, runs, () => Tensor.ConvForward(x, w, b, geo));
                total += Report(label, "dX", flops, runs, () => Tensor.ConvBackwardData(gy, w, null, geo));
                if (args.Contains("--ab"))
                {
                    Conv2dKernel.DisableGatherTranspose = true;
                    Report(label, "dXs", flops, runs, () => Tensor.ConvBackwardData(gy, w, null, geo));
                    Conv2dKernel.DisableGatherTranspose = false;
                    Report(label, "dX", flops, runs, () => Tensor.ConvBackwardData(gy, w, null, geo));
                }
                total += Report(label, "dW", flops, runs, () => Tensor.ConvBackwardWeight(x, gy, geo));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CONV total {total:F2} ms"));
        return 0;
    }

    private static double Report(string label, string product, double flops, int runs, Func<Tensor> f)
    {
        // Each call in its own TensorScope, as in training: the output's storage comes from the pool, not fresh pages.
        for (int i = 0; i < 3; i++)
        {
            using (TensorScope.Begin())
            {
                _ = f();
            }
        }

        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            using (TensorScope.Begin())
            {
                long t0 = Stopwatch.GetTimestamp();
                _ = f();
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        }

        Array.Sort(times);
        double ms = times[runs / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CONV {label,-16} {product,-3} {ms,8:F2} ms {flops / ms / 1e6,7:F1} GFLOP/s"));
        return ms;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
