using BenchmarkDotNet.Attributes;
using Vae.Core;

namespace Vae.Benchmarks;

/// <summary>
/// Conv2d at the h-vae encoder's first layer ([128, 1, 28, 28] → 16 channels, 5×5, stride 2, padding 2) and a
/// 32→32 5×5 layer on 7×7 maps, forward and forward+backward. GFLOP/s of the forward: 2·N·O·Ho·Wo·C·kH·kW / time.
/// Run: <c>dotnet run -c Release --project benchmarks/Vae.Benchmarks -- --filter *ConvBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private Tensor _x1 = Tensor.Zeros(1), _w1 = Tensor.Zeros(1), _b1 = Tensor.Zeros(1);
    private Tensor _x2 = Tensor.Zeros(1), _w2 = Tensor.Zeros(1), _b2 = Tensor.Zeros(1);

    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(1);
        _x1 = Tensor.Rand(new Shape(128, 1, 28, 28), g);
        _w1 = (Tensor.Randn(new Shape(16, 1, 5, 5), g) * 0.2).SetRequiresGrad();
        _b1 = Tensor.Zeros(16).SetRequiresGrad();
        _x2 = Tensor.Randn(new Shape(128, 32, 7, 7), g);
        _w2 = (Tensor.Randn(new Shape(32, 32, 5, 5), g) * 0.05).SetRequiresGrad();
        _b2 = Tensor.Zeros(32).SetRequiresGrad();
    }

    /// <summary>0.020 GFLOP per call.</summary>
    [Benchmark]
    public Tensor Enc1Forward()
    {
        using (Autograd.NoGrad())
        {
            return _x1.Conv2d(_w1, _b1, stride: 2, padding: 2);
        }
    }

    [Benchmark]
    public void Enc1ForwardBackward() => _x1.Conv2d(_w1, _b1, stride: 2, padding: 2).Sum().Backward();

    /// <summary>0.321 GFLOP per call.</summary>
    [Benchmark]
    public Tensor Dec32Forward()
    {
        using (Autograd.NoGrad())
        {
            return _x2.Conv2d(_w2, _b2, stride: 1, padding: 2);
        }
    }

    [Benchmark]
    public void Dec32ForwardBackward() => _x2.SetRequiresGrad().Conv2d(_w2, _b2, stride: 1, padding: 2).Sum().Backward();
}
