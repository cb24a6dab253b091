using BenchmarkDotNet.Running;
using Vae.Benchmarks;

// Quick console modes (seconds instead of BenchmarkDotNet's minutes):
//   gemm-quick [...]  median-of-N GEMM timing per canonical shape (see GemmQuick; used by benchmarks/gemm-compare.sh)
//   kernel-peak       the micro-kernel alone on L1-resident panels
//   gemm-tune CFG...  interleaved A/B comparison of blocking knobs (see GemmTune)
//   conv-quick [...]  median-of-N timing of the conv VAE's seven convolutions (see ConvQuick)
//   par-quick [...]   1-vs-all-threads timing of the parallel elementwise / reduction / Adam paths (see ParQuick)
// Anything else goes to BenchmarkDotNet, e.g. `-- --filter *GemmBenchmarks*` or `-- --list flat`.
return args.FirstOrDefault() switch
{
    "gemm-quick" => GemmQuick.Run(args[1..]),
    "kernel-peak" => KernelPeak.Run(),
    "gemm-tune" => GemmTune.Run(args[1..]),
    "conv-quick" => ConvQuick.Run(args[1..]),
    "par-quick" => ParQuick.Run(args[1..]),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(GemmQuick).Assembly).Run(args);
    return 0;
}
