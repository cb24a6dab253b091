using System.Diagnostics;
using System.Runtime.Intrinsics;
using Vae.Core.Kernels;

namespace Vae.Benchmarks;

public static unsafe class PackProbe
{
    public static int Run()
    {
        foreach (int kc in new[] { 64, 128, 256, 512 })
        {
            var a = new float[8 * kc + 16];
            var b = new float[32 * kc + 16];
            var c = new float[8 * 32];
            fixed (float* pa = a, pb = b, pc = c)
            {
                int reps = 2_000_000 / kc;
                for (int w = 0; w < 2; w++)
                {
                    double t0 = ThreadClock.Microseconds();
                    for (int r = 0; r < reps; r++)
                    {
                        GemmMicroKernel.Tile2<Vec512<float>, Vector512<float>, float>(kc, pa, pb, pc, 32, 8, 32, true);
                    }

                    double s = (ThreadClock.Microseconds() - t0) / 1e6;
                    if (w == 1)
                    {
                        Console.WriteLine($"kc {kc}: {2.0 * 8 * 32 * kc * reps / s / 1e9:F1} GFLOP/s");
                    }
                }
            }
        }

        return 0;
    }
}
