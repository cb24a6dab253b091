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
internal static unsafe class BatchNormKernel
{
    /// <summary>Elements per worker below which a batch norm runs on one thread.</summary>
    private const long MinPerThread = 1 << 15;

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
            ForwardChannels(x, y, n, c, s, gamma, beta, eps, mean, variance, invStd);
            return;
        }

        TensorPrimitives.Divide(variance, count, variance);
        for (int j = 0; j < c; j++)
        {
            invStd[j] = T.One / T.Sqrt(variance[j] + eps);
        }

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
        }
    }

    /// <summary>The [N, C, S] (S &gt; 1) forward, channels split over the cores (each channel's statistics and output on one thread).</summary>
    private static void ForwardChannels<T>(
        ReadOnlySpan<T> x, Span<T> y, int n, int c, int s, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T eps,
        Span<T> mean, Span<T> variance, Span<T> invStd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* px = x, py = y, pg = gamma, pb = beta, pm = mean, pv = variance, pi = invStd)
        {
            var a = new Args<T>(px, py, null, pg, pb, pm, pv, pi, null, null, n, c, s, eps);
            RunChannels(a, static (a, j0, j1) => ForwardRange(a, j0, j1));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRange<T>(Args<T> a, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.N, c = a.C, s = a.S;
        T count = T.CreateChecked((long)n * s);
        for (int j = j0; j < j1; j++)
        {
            T sum = T.Zero;
            for (int i = 0; i < n; i++)
            {
                sum += Sum(new ReadOnlySpan<T>(a.X + ((((long)i * c) + j) * s), s));
            }

            T m = sum / count, sq = T.Zero;
            for (int i = 0; i < n; i++)
            {
                sq += SquaredDeviations(new ReadOnlySpan<T>(a.X + ((((long)i * c) + j) * s), s), m);
            }

            T v = sq / count, istd = T.One / T.Sqrt(v + a.Eps);
            a.Mean[j] = m;
            a.Variance[j] = v;
            a.InvStd[j] = istd;
            T sc = a.Gamma is null ? istd : a.Gamma[j] * istd, b = a.Beta is null ? T.Zero : a.Beta[j];
            for (int i = 0; i < n; i++)
            {
                long off = (((long)i * c) + j) * s;
                Affine(new ReadOnlySpan<T>(a.X + off, s), m, sc, b, new Span<T>(a.Y + off, s));
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
            fixed (T* px = x, pgr = g, pga = gamma, pm = mean, pi = invStd, pdx = dx, pdg = dGamma, pdb = dBeta)
            {
                var a = new Args<T>(px, null, pgr, pga, null, pm, null, pi, pdx, pdg, n, c, s, default) { DBeta = pdb };
                RunChannels(a, static (a, j0, j1) => BackwardRange(a, j0, j1));
            }

            return;
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
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRange<T>(Args<T> a, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.N, c = a.C, s = a.S;
        T count = T.CreateChecked((long)n * s);
        for (int j = j0; j < j1; j++)
        {
            T m = a.Mean[j], sg = T.Zero, sgx = T.Zero;
            for (int i = 0; i < n; i++)
            {
                long off = (((long)i * c) + j) * s;
                var (s1, s2) = SumAndDot(new ReadOnlySpan<T>(a.G + off, s), new ReadOnlySpan<T>(a.X + off, s), m);
                sg += s1;
                sgx += s2;
            }

            T istd = a.InvStd[j];
            a.DBeta[j] = sg;
            if (a.DGamma is not null)
            {
                a.DGamma[j] = sgx * istd;
            }

            if (a.Dx is null)
            {
                continue;
            }

            // dx = k1·g − k3·(x − mean) − k2 with k1 = γ·istd, k2 = k1·Σg/M, k3 = k1·istd²·Σg(x − mean)/M.
            T k1 = a.Gamma is null ? istd : a.Gamma[j] * istd, k2 = k1 * sg / count, k3 = k1 * istd * istd * sgx / count;
            for (int i = 0; i < n; i++)
            {
                long off = (((long)i * c) + j) * s;
                InputGrad(new ReadOnlySpan<T>(a.G + off, s), new ReadOnlySpan<T>(a.X + off, s), m, k1, k2, k3, new Span<T>(a.Dx + off, s));
            }
        }
    }

    /// <summary>Runs body(a, j0, j1) over channel ranges, on both cores when the tensor is large enough and has several channels.</summary>
    private static void RunChannels<T>(Args<T> a, Action<Args<T>, int, int> body)
        where T : unmanaged
    {
        int threads = Math.Min(a.C, ParallelWork.ThreadsFor((long)a.N * a.C * a.S, MinPerThread));
        if (threads <= 1)
        {
            body(a, 0, a.C);
            return;
        }

        // A few ranges per worker, so that a late helper thread still finds work.
        int parts = Math.Min(a.C, 2 * threads);
        ParallelWork.For(parts, t => body(a, (int)((long)a.C * t / parts), (int)((long)a.C * (t + 1) / parts)));
    }

    /// <summary>Σ x (a vector loop that inlines into fully optimised callers, unlike a first-call TensorPrimitives instantiation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Sum<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T x0 = ref MemoryMarshal.GetReference(x);
        int i = 0, len = x.Length;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && len >= Vector512<T>.Count)
        {
            var acc = Vector512<T>.Zero;
            for (; i <= len - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                acc += Vector512.LoadUnsafe(ref x0, (nuint)i);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && len >= Vector256<T>.Count)
        {
            var acc = Vector256<T>.Zero;
            for (; i <= len - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                acc += Vector256.LoadUnsafe(ref x0, (nuint)i);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < len; i++)
        {
            sum += Unsafe.Add(ref x0, i);
        }

        return sum;
    }

    /// <summary>Σ (x − m)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    /// <summary>Pinned operands of one [N, C, S] batch norm (null where absent), shared by the channel-range workers.</summary>
    private readonly struct Args<T>(T* x, T* y, T* g, T* gamma, T* beta, T* mean, T* variance, T* invStd, T* dx, T* dGamma, int n, int c, int s, T eps)
        where T : unmanaged
    {
        public readonly T* X = x, Y = y, G = g, Gamma = gamma, Beta = beta, Mean = mean, Variance = variance, InvStd = invStd, Dx = dx, DGamma = dGamma;
        public readonly int N = n, C = c, S = s;
        public readonly T Eps = eps;

        public T* DBeta { get; init; }
    }
}
