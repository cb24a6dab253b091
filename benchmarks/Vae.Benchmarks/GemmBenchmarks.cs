using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Vae.Core.Kernels;

namespace Vae.Benchmarks;

/// <summary>
/// <c>Gemm.Run</c> at the canonical VAE shapes and 1024³ (float32 and float64), with the automatic thread count;
/// the GFLOP/s column is 2·m·n·k over the mean time. Run: <c>dotnet run -c Release --project
/// benchmarks/Vae.Benchmarks -- --filter *GemmBenchmarks*</c>.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private double[] _ad = [], _bd = [], _cd = [];

    public static IEnumerable<GemmShape> Shapes => GemmShape.Canonical;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.Canonical[0];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Enumerable.Range(0, Shape.M * Shape.K).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        _b = Enumerable.Range(0, Shape.K * Shape.N).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        _c = new float[Shape.M * Shape.N];
        _ad = _a.Select(x => (double)x).ToArray();
        _bd = _b.Select(x => (double)x).ToArray();
        _cd = new double[_c.Length];
    }

    [Benchmark]
    public void Sgemm() => Gemm.Run<float>(
        Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _a, Shape.TransA ? Shape.M : Shape.K,
        _b, Shape.TransB ? Shape.K : Shape.N, _c, Shape.N, false);

    [Benchmark]
    public void Dgemm() => Gemm.Run<double>(
        Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _ad, Shape.TransA ? Shape.M : Shape.K,
        _bd, Shape.TransB ? Shape.K : Shape.N, _cd, Shape.N, false);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn());
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithMaxParameterColumnWidth(40);
        }
    }
}
