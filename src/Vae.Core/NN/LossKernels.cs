using System.Numerics;
using System.Runtime.Intrinsics;
using Vae.Core.Kernels;

namespace Vae.Core.NN;

/// <summary>
/// Binary cross-entropy with logits, d = max(l, 0) − l·t + log1p(e^(−|l|)) = softplus(l) − l·t: no overflow for any
/// logit, full accuracy where the loss is tiny.
/// </summary>
internal readonly struct BceWithLogitsLane<T> : ILaneBinary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool Expensive => true;

    // (max(l, 0) − l·t) + log1p(e^{−|l|}): the two large terms cancel exactly before the small one is added, so a
    // confident correct prediction gives its tiny loss (e.g. e⁻¹⁰⁰ at l = 100, t = 1) instead of 0.
    public T Invoke(T l, T t) => (T.Max(l, T.Zero) - (l * t)) + LaneMath.Log1p(T.Exp(-T.Abs(l)));

    public Vector<T> Invoke(Vector<T> l, Vector<T> t) =>
        (Vector.Max(l, Vector<T>.Zero) - (l * t)) + LaneMath.Log1p(LaneMath.ExpNative(-Vector.Abs(l)));

    public Vector512<T> Invoke(Vector512<T> l, Vector512<T> t) =>
        (Vector512.Max(l, Vector512<T>.Zero) - (l * t)) + LaneMath.Log1p(LaneMath.ExpNative(-Vector512.Abs(l)));
}

/// <summary>Backward of <see cref="BceWithLogitsLane{T}"/> in the logits: d = g·(σ(l) − t).</summary>
internal readonly struct BceWithLogitsBackwardLane<T> : ILaneTernary<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool Expensive => true;

    public T Invoke(T g, T l, T t) => g * (LaneMath.Sigmoid(l) - t);

    public Vector<T> Invoke(Vector<T> g, Vector<T> l, Vector<T> t) => g * (LaneMath.Sigmoid(l) - t);

    public Vector512<T> Invoke(Vector512<T> g, Vector512<T> l, Vector512<T> t) => g * (LaneMath.Sigmoid(l) - t);
}

/// <summary>Tensor-level drivers of the fused loss kernels.</summary>
internal static class LossKernels
{
    /// <summary>g·(σ(l) − t) for three tensors of one shape and dtype, in a single pass.</summary>
    public static Tensor BceWithLogitsBackward(Tensor g, Tensor l, Tensor t) =>
        Lanes.Map(g, l, t, default(BceWithLogitsBackwardLane<float>), default(BceWithLogitsBackwardLane<double>));

    /// <summary>Whether any element of <paramref name="p"/> lies outside [0, 1] (NaN does not count).</summary>
    public static bool AnyOutsideUnitInterval(Tensor p)
    {
        if (p.DType == DType.Float32)
        {
            foreach (float v in p.Span<float>())
            {
                if (v < 0 || v > 1)
                {
                    return true;
                }
            }
        }
        else
        {
            foreach (double v in p.Span<double>())
            {
                if (v < 0 || v > 1)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether any element of <paramref name="v"/> is negative.</summary>
    public static bool AnyNegative(Tensor v)
    {
        if (v.DType == DType.Float32)
        {
            foreach (float x in v.Span<float>())
            {
                if (x < 0)
                {
                    return true;
                }
            }
        }
        else
        {
            foreach (double x in v.Span<double>())
            {
                if (x < 0)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
