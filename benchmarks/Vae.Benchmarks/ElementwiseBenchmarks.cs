using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Vae.Core;
using Tensor = Vae.Core.Tensor;

namespace Vae.Benchmarks;

/// <summary>
/// Elementwise work of one VAE layer at batch 128 × 784: tensor Add (same shape and bias broadcast), the fused
/// <see cref="Tensor.Linear"/> for comparison, and the Exp/Sigmoid span kernels (TensorPrimitives, which the
/// tensor ops call) over the same 100 352 floats.
/// Run: <c>dotnet run -c Release --project benchmarks/Vae.Benchmarks -- --filter *ElementwiseBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private Tensor _x = Tensor.Zeros(1), _y = Tensor.Zeros(1), _bias = Tensor.Zeros(1), _w = Tensor.Zeros(1), _h = Tensor.Zeros(1);
    private float[] _src = [], _dst = [];

    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(1);
        _x = Tensor.Randn(new Shape(128, 784), g);
        _y = Tensor.Randn(new Shape(128, 784), g);
        _bias = Tensor.Randn(new Shape(784), g);
        _w = Tensor.Randn(new Shape(784, 400), g);
        _h = Tensor.Randn(new Shape(128, 400), g);
        _src = _x.ToArray();
        _dst = new float[_src.Length];
    }

    [Benchmark]
    public Tensor Add() => _x + _y;

    [Benchmark]
    public Tensor AddBiasBroadcast() => _x + _bias;

    [Benchmark]
    public void Exp() => TensorPrimitives.Exp(_src, _dst);

    [Benchmark]
    public void Sigmoid() => TensorPrimitives.Sigmoid(_src, _dst);

    /// <summary>The decoder's last layer, 128×400 → 784 with bias: GEMM plus bias in one call.</summary>
    [Benchmark]
    public Tensor LinearDec2() => Tensor.Linear(_h, _w, _bias);
}
