using System.Numerics;
using System.Numerics.Tensors;
using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>Variance of all elements (a scalar).</summary>
    /// <param name="unbiased">Divide by N − 1 (Bessel's correction) instead of N; with N = 1 the result is NaN.</param>
    public Tensor Var(bool unbiased = true) => Var(AllDims(), unbiased, keepDim: false);

    /// <summary>Variance over one dimension (negative counts from the end).</summary>
    /// <param name="dim">The dimension to reduce.</param>
    /// <param name="unbiased">Divide by N − 1 (Bessel's correction) instead of N.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1 instead of dropping it.</param>
    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false) => Var([dim], unbiased, keepDim);

    /// <summary>Variance over the given dimensions (two-pass: mean first, then squared deviations).</summary>
    /// <param name="dims">Distinct dimensions to reduce (negative counts from the end).</param>
    /// <param name="unbiased">Divide by N − 1 (Bessel's correction) instead of N, N being the number of reduced elements.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1 instead of dropping them.</param>
    public Tensor Var(int[] dims, bool unbiased = true, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var nd = NormalizeReduceDims(dims, "Var");
        int count = Reduction.CountOver(Shape, nd);
        double denom = count - (unbiased ? 1 : 0);
        var mean = Reduction.Reduce<SumReducer>(this, nd);
        ScaleInPlace(mean, 1.0 / count);
        var dev = Elementwise.Binary<SubOp>(this, mean, "Var");
        if (DType == DType.Float32)
        {
            TensorPrimitives.Multiply(dev.Span<float>(), dev.Span<float>(), dev.Span<float>());
        }
        else
        {
            TensorPrimitives.Multiply(dev.Span<double>(), dev.Span<double>(), dev.Span<double>());
        }

        var kept = Reduction.Reduce<SumReducer>(dev, nd);
        ScaleInPlace(kept, 1.0 / denom);
        var y = DropReduced(kept, nd, keepDim);
        if (ShouldRecord(this))
        {
            var keepShape = kept.Shape;
            double c = 2.0 / denom;
            y.SetGradFn("Var", [this], (g, n) =>
            {
                var x = n.Inputs[0];
                return [(x - x.Mean(nd, keepDim: true)) * (g.Reshape(keepShape) * c)];
            });
        }

        return y;
    }

    /// <summary>Standard deviation of all elements (a scalar): the square root of <see cref="Var(bool)"/>.</summary>
    /// <param name="unbiased">Divide by N − 1 (Bessel's correction) instead of N.</param>
    public Tensor Std(bool unbiased = true) => Var(unbiased).SqrtForStd();

    /// <summary>Standard deviation over one dimension: the square root of <see cref="Var(int, bool, bool)"/>.</summary>
    /// <param name="dim">The dimension to reduce.</param>
    /// <param name="unbiased">Divide by N − 1 (Bessel's correction) instead of N.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1 instead of dropping it.</param>
    public Tensor Std(int dim, bool unbiased = true, bool keepDim = false) => Var([dim], unbiased, keepDim).SqrtForStd();

    /// <summary>
    /// Standard deviation over the given dimensions: the square root of <see cref="Var(int[], bool, bool)"/>. Its
    /// gradient is infinite/NaN where the deviation is 0, as in PyTorch.
    /// </summary>
    /// <param name="dims">Distinct dimensions to reduce (negative counts from the end).</param>
    /// <param name="unbiased">Divide by N − 1 (Bessel's correction) instead of N.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1 instead of dropping them.</param>
    public Tensor Std(int[] dims, bool unbiased = true, bool keepDim = false) => Var(dims, unbiased, keepDim).SqrtForStd();

    /// <summary>
    /// The p-norm of all elements, (Σ|x|^p)^(1/p) (a scalar): p = 2 Euclidean (the default), 1 sum of absolute
    /// values, ∞ / −∞ largest / smallest absolute value, 0 number of non-zero elements. Used by gradient clipping.
    /// </summary>
    /// <param name="p">The order; any non-NaN value.</param>
    public Tensor Norm(double p = 2) => Norm(p, AllDims(), keepDim: false);

    /// <summary>The p-norm over one dimension; see <see cref="Norm(double)"/>.</summary>
    /// <param name="p">The order; any non-NaN value.</param>
    /// <param name="dim">The dimension to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1 instead of dropping it.</param>
    public Tensor Norm(double p, int dim, bool keepDim = false) => Norm(p, [dim], keepDim);

    /// <summary>
    /// The p-norm over the given dimensions; see <see cref="Norm(double)"/>. Gradients follow PyTorch: 0 where the
    /// norm is 0 (p &gt; 0), shared evenly among ties for p = ±∞, 0 for p = 0.
    /// </summary>
    /// <param name="p">The order; any non-NaN value.</param>
    /// <param name="dims">Distinct dimensions to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1 instead of dropping them.</param>
    public Tensor Norm(double p, int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (double.IsNaN(p))
        {
            throw new ArgumentException($"Norm: order p must not be NaN (shape {Shape}).", nameof(p));
        }

        var nd = NormalizeReduceDims(dims, "Norm");
        Tensor kept;
        if (double.IsInfinity(p))
        {
            var abs = AbsPowKernel(this, 1);
            kept = p > 0 ? Reduction.Reduce<MaxReducer>(abs, nd) : Reduction.Reduce<MinReducer>(abs, nd);
        }
        else if (p == 0)
        {
            kept = Reduction.Reduce<SumReducer>(NonZeroKernel(this), nd);
        }
        else if (p == 2 && nd.Length == Rank && Rank > 0)
        {
            kept = Empty(Reduction.KeepDims(Shape, nd), DType);
            kept.SetFlat(0, DType == DType.Float32 ? TensorPrimitives.Norm<float>(Span<float>()) : TensorPrimitives.Norm<double>(Span<double>()));
        }
        else
        {
            kept = Reduction.Reduce<SumReducer>(AbsPowKernel(this, p), nd);
            PowInPlace(kept, 1.0 / p);
        }

        var y = DropReduced(kept, nd, keepDim);
        if (ShouldRecord(this))
        {
            var keepShape = kept.Shape;
            y.SetGradFn("Norm", [this], (g, n) => [NormBackward(g.Reshape(keepShape), n.Inputs[0], n.Output.Reshape(keepShape), kept, p, nd)]);
        }

        return y;
    }

    /// <summary>Gradient of the p-norm in Tensor ops (differentiable again for finite p ∉ {0, 1}).</summary>
    private static Tensor NormBackward(Tensor g, Tensor x, Tensor norm, Tensor normValue, double p, int[] dims)
    {
        if (p == 0)
        {
            return x.ZerosLike();
        }

        if (p == 1)
        {
            return g * SignKernel(x);
        }

        if (double.IsInfinity(p))
        {
            return g * (TieWeights(AbsPowKernel(x, 1), normValue, dims) * SignKernel(x));
        }

        // Divide by 1 instead of 0 where the norm vanishes: x is 0 there for p > 0, so the gradient is 0.
        var zeros = ZeroMaskOrNull(normValue);
        var safe = zeros is null ? norm : norm + zeros;
        return p == 2 ? x * (g / safe) : x.SignedAbsPow(p - 1) * (g / safe.AbsPow(p - 1));
    }

    /// <summary>sqrt of a variance, recorded as "Std" (d/dv sqrt(v) = 0.5 / sqrt(v)).</summary>
    private Tensor SqrtForStd()
    {
        var y = Empty(Shape, DType);
        if (DType == DType.Float32)
        {
            TensorPrimitives.Sqrt<float>(Span<float>(), y.Span<float>());
        }
        else
        {
            TensorPrimitives.Sqrt<double>(Span<double>(), y.Span<double>());
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn("Std", [this], static (g, n) => [g / n.Output * 0.5]);
        }

        return y;
    }

    /// <summary>|x|^e, differentiable to any order (d/dx = e · sign(x)|x|^(e−1)).</summary>
    private Tensor AbsPow(double e)
    {
        var y = AbsPowKernel(this, e);
        if (ShouldRecord(this) && e != 0)
        {
            y.SetGradFn("AbsPow", [this], (g, n) => [g * n.Inputs[0].SignedAbsPow(e - 1) * e]);
        }

        return y;
    }

    /// <summary>sign(x)|x|^e, differentiable to any order (d/dx = e · |x|^(e−1)).</summary>
    private Tensor SignedAbsPow(double e)
    {
        if (e == 0)
        {
            return SignKernel(this); // piecewise constant: no gradient
        }

        var y = AbsPowKernel(this, e);
        if (DType == DType.Float32)
        {
            TensorPrimitives.CopySign<float>(y.Span<float>(), Span<float>(), y.Span<float>());
        }
        else
        {
            TensorPrimitives.CopySign<double>(y.Span<double>(), Span<double>(), y.Span<double>());
        }

        if (ShouldRecord(this))
        {
            y.SetGradFn("SignedAbsPow", [this], (g, n) => [g * n.Inputs[0].AbsPow(e - 1) * e]);
        }

        return y;
    }

    private static Tensor AbsPowKernel(Tensor x, double e)
    {
        var y = Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32)
        {
            AbsPowKernel<float>(x.Span<float>(), (float)e, y.Span<float>());
        }
        else
        {
            AbsPowKernel<double>(x.Span<double>(), e, y.Span<double>());
        }

        return y;
    }

    private static void AbsPowKernel<T>(ReadOnlySpan<T> x, T e, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (e == T.CreateTruncating(2))
        {
            TensorPrimitives.Multiply(x, x, y);
            return;
        }

        TensorPrimitives.Abs(x, y);
        if (e != T.One)
        {
            TensorPrimitives.Pow(y, e, y);
        }
    }

    private static void PowInPlace(Tensor t, double e)
    {
        if (t.DType == DType.Float32)
        {
            TensorPrimitives.Pow(t.Span<float>(), (float)e, t.Span<float>());
        }
        else
        {
            TensorPrimitives.Pow(t.Span<double>(), e, t.Span<double>());
        }
    }

    /// <summary>sign(x) as a constant tensor (0 at ±0, NaN at NaN).</summary>
    private static Tensor SignKernel(Tensor x) => MapKernel(x, MapKind.Sign);

    /// <summary>1 where x ≠ 0 (and at NaN), else 0, as a constant tensor.</summary>
    private static Tensor NonZeroKernel(Tensor x) => MapKernel(x, MapKind.NonZero);

    /// <summary>1 where t is 0, else 0; null when t has no zero.</summary>
    private static Tensor? ZeroMaskOrNull(Tensor t)
    {
        bool any = t.DType == DType.Float32 ? t.Span<float>().Contains(0f) : t.Span<double>().Contains(0.0);
        return any ? MapKernel(t, MapKind.IsZero) : null;
    }

    private static Tensor MapKernel(Tensor x, MapKind kind)
    {
        var y = Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32)
        {
            Map<float>(x.Span<float>(), y.Span<float>(), kind);
        }
        else
        {
            Map<double>(x.Span<double>(), y.Span<double>(), kind);
        }

        return y;
    }

    private static void Map<T>(ReadOnlySpan<T> x, Span<T> y, MapKind kind)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case MapKind.Sign:
                for (int i = 0; i < x.Length; i++)
                {
                    T v = x[i];
                    y[i] = v > T.Zero ? T.One : v < T.Zero ? -T.One : v;
                }

                break;
            case MapKind.NonZero:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = x[i] == T.Zero ? T.Zero : T.One;
                }

                break;
            default:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = x[i] == T.Zero ? T.One : T.Zero;
                }

                break;
        }
    }

    private enum MapKind
    {
        Sign,
        NonZero,
        IsZero,
    }
}
