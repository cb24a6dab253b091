using System.Runtime.Intrinsics;
using Vae.Core.Kernels;

namespace Vae.Benchmarks;

/// <summary>
/// <c>kernel-peak</c>: the float32 micro-kernel alone on L1-resident panels (no packing, no memory traffic),
/// i.e. the ceiling the blocked GEMM approaches. Timed with this thread's CPU time.
/// </summary>
public static unsafe class KernelPeak
{
    public static int Run()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            Console.WriteLine("Vector512 not accelerated on this machine.");
            return 1;
        }

        const int mr = GemmMicroKernel.MR;
        foreach (int kc in new[] { 64, 128, 256, 512 })
        {
            var a = new float[(mr * kc) + 16];
            var b = new float[(32 * kc) + 16];
            var c = new float[mr * 32];
            fixed (float* pa = a, pb = b, pc = c)
            {
                int reps = 4_000_000 / kc;
                double seconds = 0;
                for (int round = 0; round < 2; round++)
                {
                    double t0 = ThreadClock.Microseconds();
                    for (int r = 0; r < reps; r++)
                    {
                        GemmMicroKernel.Tile2<Vec512<float>, Vector512<float>, float>(kc, pa, mr, pb, 32, pc, 32, mr, 32, true, false);
                    }

                    seconds = (ThreadClock.Microseconds() - t0) / 1e6;
                }

                Console.WriteLine($"kc {kc,4}: {2.0 * mr * 32 * kc * reps / seconds / 1e9:F1} GFLOP/s");
            }
        }

        return 0;
    }
}
