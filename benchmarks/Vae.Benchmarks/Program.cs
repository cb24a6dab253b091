using BenchmarkDotNet.Running;
using Vae.Benchmarks;

// `gemm-quick [...]`: fast median-of-N GEMM timing (see GemmQuick); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "pack-probe")
{
    return PackProbe.Run();
}

if (args.Length > 0 && args[0] == "gemm-quick")
{
    return GemmQuick.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(GemmQuick).Assembly).Run(args);
return 0;
