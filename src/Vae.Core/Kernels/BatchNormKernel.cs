using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vae.Core.Kernels;

/// <summary>
/// Training-mode batch normalisation of x viewed as [N, C, S] (S = product of the trailing dimensions, 1 for
/// [N, C] inputs), per channel c over N and S (M = N·S values): mean and biased variance in two passes (mean first,
/// then squared deviations), then <c>y = (x − mean)·γ/√(var + eps) + β</c> in one pass; the backward computes
/// <c>Σg</c> and <c>Σg·(x − mean)</c> in one pass and <c>dx = γ·istd·(g − Σg/M − (x − mean)·istd²·Σg(x − mean)/M)</c>
/// in a second.
/// </summary>
internal static class BatchNormKernel
{
    /// <summary>y = BN(x); writes the batch mean, biased variance and 1/√(var + eps) per channel. gamma/beta empty when not affine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T>(
        ReadOnlySpan<T> x, Span<T> y, int n, int c, int s, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T eps,
        Span<T> mean, Span<T> variance, Span<T> invStd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateChecked((long)n * s);
        mean.Clear();
        variance.Clear();
        if (s == 1)
        {
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.Add(mean, x.Slice(i * c, c), mean);
            }

            TensorPrimitives.Divide(mean, count, mean);
            for (int i = 0; i < n; i++)
            {
                var row = y.Slice(i * c, c);
                TensorPrimitives.Subtract(x.Slice(i * c, c), mean, row);
                TensorPrimitives.MultiplyAdd(row, row, variance, variance);
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < c; j++)
                {
                    mean[j] += TensorPrimitives.Sum(x.Slice(((i * c) + j) * s, s));
                }
            }

            TensorPrimitives.Divide(mean, count, mean);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < c; j++)
                {
                    variance[j] += SquaredDeviations(x.Slice(((i * c) + j) * s, s), mean[j]);
                }
            }
        }

        TensorPrimitives.Divide(variance, count, variance);
        for (int j = 0; j < c; j++)
        {
            invStd[j] = T.One / T.Sqrt(variance[j] + eps);
        }

        if (s == 1)
        {
            // y already holds x − mean.
            Span<T> scale = c <= 256 ? stackalloc T[c] : new T[c];
            invStd.CopyTo(scale);
            if (!gamma.IsEmpty)
            {
                TensorPrimitives.Multiply(scale, gamma, scale);
            }

            for (int i = 0; i < n; i++)
            {
                var row = y.Slice(i * c, c);
                TensorPrimitives.Multiply(row, scale, row);
                if (!beta.IsEmpty)
                {
                    TensorPrimitives.Add(row, beta, row);
                }
            }

            return;
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < c; j++)
            {
                int off = ((i * c) + j) * s;
                T sc = gamma.IsEmpty ? invStd[j] : gamma[j] * invStd[j];
                Affine(x.Slice(off, s), mean[j], sc, beta.IsEmpty ? T.Zero : beta[j], y.Slice(off, s));
            }
        }
    }

    /// <summary>
    /// The gradients of <see cref="Forward{T}"/> for output gradient g: dx (when <paramref name="dx"/> is not empty),
    /// dγ = Σ g·(x − mean)·istd (when <paramref name="dGamma"/> is not empty) and dβ = Σ g (into <paramref name="dBeta"/>, always).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> g, int n, int c, int s, ReadOnlySpan<T> gamma, ReadOnlySpan<T> mean, ReadOnlySpan<T> invStd,
        Span<T> dx, Span<T> dGamma, Span<T> dBeta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateChecked((long)n * s);
        var sgx = new T[c];
        dBeta.Clear();
        if (s == 1)
        {
            var tmp = new T[c];
            for (int i = 0; i < n; i++)
            {
                var gr = g.Slice(i * c, c);
                TensorPrimitives.Add(dBeta, gr, dBeta);
                TensorPrimitives.Subtract(x.Slice(i * c, c), mean, tmp);
                TensorPrimitives.MultiplyAdd(gr, tmp, sgx, sgx);
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < c; j++)
                {
                    int off = ((i * c) + j) * s;
                    var (sg, sgd) = SumAndDot(g.Slice(off, s), x.Slice(off, s), mean[j]);
                    dBeta[j] += sg;
                    sgx[j] += sgd;
                }
            }
        }

        if (!dGamma.IsEmpty)
        {
            TensorPrimitives.Multiply(sgx, invStd, dGamma);
        }

        if (dx.IsEmpty)
        {
            return;
        }

        // dx = k1·g − k3·(x − mean) − k2 with k1 = γ·istd, k2 = k1·Σg/M, k3 = k1·istd²·Σg(x − mean)/M.
        var k1 = new T[c];
        var k2 = new T[c];
        var k3 = new T[c];
        for (int j = 0; j < c; j++)
        {
            k1[j] = gamma.IsEmpty ? invStd[j] : gamma[j] * invStd[j];
            k2[j] = k1[j] * dBeta[j] / count;
            k3[j] = k1[j] * invStd[j] * invStd[j] * sgx[j] / count;
        }

        if (s == 1)
        {
            var tmp = new T[c];
            for (int i = 0; i < n; i++)
            {
                var row = dx.Slice(i * c, c);
                TensorPrimitives.Subtract(x.Slice(i * c, c), mean, tmp);
                TensorPrimitives.Multiply(tmp, k3, tmp);
                TensorPrimitives.Multiply(g.Slice(i * c, c), k1, row);
                TensorPrimitives.Subtract(row, tmp, row);
                TensorPrimitives.Subtract(row, k2, row);
            }

            return;
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < c; j++)
            {
                int off = ((i * c) + j) * s;
                InputGrad(g.Slice(off, s), x.Slice(off, s), mean[j], k1[j], k2[j], k3[j], dx.Slice(off, s));
            }
        }
    }

    /// <summary>Σ (x − m)².</summary>
    private static T SquaredDeviations<T>(ReadOnlySpan<T> x, T m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T x0 = ref MemoryMarshal.GetReference(x);
        int i = 0, len = x.Length;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && len >= Vector512<T>.Count)
        {
            var vm = Vector512.Create(m);
            var acc = Vector512<T>.Zero;
            for (; i <= len - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var d = Vector512.LoadUnsafe(ref x0, (nuint)i) - vm;
                acc += d * d;
            }

            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && len >= Vector256<T>.Count)
        {
            var vm = Vector256.Create(m);
            var acc = Vector256<T>.Zero;
            for (; i <= len - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var d = Vector256.LoadUnsafe(ref x0, (nuint)i) - vm;
                acc += d * d;
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < len; i++)
        {
            T d = Unsafe.Add(ref x0, i) - m;
            sum += d * d;
        }

        return sum;
    }

    /// <summary>(Σ g, Σ g·(x − m)).</summary>
    private static (T Sum, T Dot) SumAndDot<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T g0 = ref MemoryMarshal.GetReference(g);
        ref T x0 = ref MemoryMarshal.GetReference(x);
        int i = 0, len = g.Length;
        T sum = T.Zero, dot = T.Zero;
        if (Vector512.IsHardwareAccelerated && len >= Vector512<T>.Count)
        {
            var vm = Vector512.Create(m);
            Vector512<T> a = Vector512<T>.Zero, b = Vector512<T>.Zero;
            for (; i <= len - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var gv = Vector512.LoadUnsafe(ref g0, (nuint)i);
                a += gv;
                b += gv * (Vector512.LoadUnsafe(ref x0, (nuint)i) - vm);
            }

            sum = Vector512.Sum(a);
            dot = Vector512.Sum(b);
        }
        else if (Vector256.IsHardwareAccelerated && len >= Vector256<T>.Count)
        {
            var vm = Vector256.Create(m);
            Vector256<T> a = Vector256<T>.Zero, b = Vector256<T>.Zero;
            for (; i <= len - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var gv = Vector256.LoadUnsafe(ref g0, (nuint)i);
                a += gv;
                b += gv * (Vector256.LoadUnsafe(ref x0, (nuint)i) - vm);
            }

            sum = Vector256.Sum(a);
            dot = Vector256.Sum(b);
        }

        for (; i < len; i++)
        {
            T gv = Unsafe.Add(ref g0, i);
            sum += gv;
            dot += gv * (Unsafe.Add(ref x0, i) - m);
        }

        return (sum, dot);
    }

    /// <summary>y = (x − m)·sc + b.</summary>
    private static void Affine<T>(ReadOnlySpan<T> x, T m, T sc, T b, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T y0 = ref MemoryMarshal.GetReference(y);
        int i = 0, len = x.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> vm = Vector512.Create(m), vs = Vector512.Create(sc), vb = Vector512.Create(b);
            for (; i <= len - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                (((Vector512.LoadUnsafe(ref x0, (nuint)i) - vm) * vs) + vb).StoreUnsafe(ref y0, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> vm = Vector256.Create(m), vs = Vector256.Create(sc), vb = Vector256.Create(b);
            for (; i <= len - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                (((Vector256.LoadUnsafe(ref x0, (nuint)i) - vm) * vs) + vb).StoreUnsafe(ref y0, (nuint)i);
            }
        }

        for (; i < len; i++)
        {
            Unsafe.Add(ref y0, i) = ((Unsafe.Add(ref x0, i) - m) * sc) + b;
        }
    }

    /// <summary>dx = k1·g − k3·(x − m) − k2.</summary>
    private static void InputGrad<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T m, T k1, T k2, T k3, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T g0 = ref MemoryMarshal.GetReference(g);
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T d0 = ref MemoryMarshal.GetReference(dx);
        int i = 0, len = g.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> vm = Vector512.Create(m), v1 = Vector512.Create(k1), v2 = Vector512.Create(k2), v3 = Vector512.Create(k3);
            for (; i <= len - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var r = (v1 * Vector512.LoadUnsafe(ref g0, (nuint)i)) - (v3 * (Vector512.LoadUnsafe(ref x0, (nuint)i) - vm)) - v2;
                r.StoreUnsafe(ref d0, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> vm = Vector256.Create(m), v1 = Vector256.Create(k1), v2 = Vector256.Create(k2), v3 = Vector256.Create(k3);
            for (; i <= len - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var r = (v1 * Vector256.LoadUnsafe(ref g0, (nuint)i)) - (v3 * (Vector256.LoadUnsafe(ref x0, (nuint)i) - vm)) - v2;
                r.StoreUnsafe(ref d0, (nuint)i);
            }
        }

        for (; i < len; i++)
        {
            Unsafe.Add(ref d0, i) = (k1 * Unsafe.Add(ref g0, i)) - (k3 * (Unsafe.Add(ref x0, i) - m)) - k2;
        }
    }
}
