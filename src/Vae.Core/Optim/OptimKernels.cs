using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vae.Core.Optim;

/// <summary>
/// Fused in-place update kernels of the optimizers (one pass over the parameter, its gradient and its buffers, no
/// allocation), vectorised with <see cref="Vector{T}"/> (Adam also with <see cref="Vector512{T}"/>). Each kernel performs PyTorch 1.13's single-tensor update
/// with the same operation order (each operation rounded to the element type), so the vector body and the
/// scalar tail give identical results. Scalars are computed in double and converted to T, as PyTorch does.
/// </summary>
internal static class OptimKernels
{
    /// <summary>
    /// SGD with optional L2 weight decay, momentum (dampening, Nesterov) and maximisation. With
    /// <c>initBuffer</c> (first momentum step) the buffer is set to the (decayed) gradient instead of being averaged.
    /// </summary>
    public static void Sgd<T>(
        Span<T> param, ReadOnlySpan<T> grad, Span<T> buffer,
        double lr, double weightDecay, double momentum, double dampening, bool nesterov, bool maximize, bool initBuffer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T negLr = T.CreateTruncating(-lr), wd = T.CreateTruncating(weightDecay), mom = T.CreateTruncating(momentum);
        T oneMinusDamp = T.CreateTruncating(1 - dampening);
        bool useWd = weightDecay != 0, useMom = momentum != 0;
        int n = param.Length, i = 0;
        ref T rp = ref MemoryMarshal.GetReference(param);
        ref T rg = ref MemoryMarshal.GetReference(grad);
        ref T rb = ref MemoryMarshal.GetReference(buffer);
        if (Vector.IsHardwareAccelerated)
        {
            var vNegLr = new Vector<T>(negLr);
            var vWd = new Vector<T>(wd);
            var vMom = new Vector<T>(mom);
            var vOmd = new Vector<T>(oneMinusDamp);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var p = Vector.LoadUnsafe(ref rp, (nuint)i);
                var d = Vector.LoadUnsafe(ref rg, (nuint)i);
                if (maximize)
                {
                    d = -d;
                }

                if (useWd)
                {
                    d += vWd * p;
                }

                if (useMom)
                {
                    var b = initBuffer ? d : (Vector.LoadUnsafe(ref rb, (nuint)i) * vMom) + (vOmd * d);
                    b.StoreUnsafe(ref rb, (nuint)i);
                    d = nesterov ? d + (vMom * b) : b;
                }

                (p + (vNegLr * d)).StoreUnsafe(ref rp, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            T p = param[i], d = grad[i];
            if (maximize)
            {
                d = -d;
            }

            if (useWd)
            {
                d += wd * p;
            }

            if (useMom)
            {
                T b = initBuffer ? d : (buffer[i] * mom) + (oneMinusDamp * d);
                buffer[i] = b;
                d = nesterov ? d + (mom * b) : b;
            }

            param[i] = p + (negLr * d);
        }
    }

    /// <summary>
    /// Adam / AdamW: optional decoupled decay p ← p·<paramref name="decay"/> (AdamW), optional L2 term
    /// g ← g + <paramref name="l2"/>·p (Adam), moments m ← β1·m + (1−β1)·g and v ← β2·v + (1−β2)·g·g, AMSGrad
    /// maximum, then p ← p − stepSize·m / (√v / √bc2 + eps).
    /// </summary>
    public static void Adam<T>(
        Span<T> param, ReadOnlySpan<T> grad, Span<T> expAvg, Span<T> expAvgSq, Span<T> maxExpAvgSq,
        double beta1, double beta2, double eps, double l2, double decay, double bc2Sqrt, double stepSize, bool maximize, bool amsgrad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateTruncating(beta1), omb1 = T.CreateTruncating(1 - beta1);
        T b2 = T.CreateTruncating(beta2), omb2 = T.CreateTruncating(1 - beta2);
        T e = T.CreateTruncating(eps), wd = T.CreateTruncating(l2), dec = T.CreateTruncating(decay);
        T bc = T.CreateTruncating(bc2Sqrt), negStep = T.CreateTruncating(-stepSize);
        bool useL2 = l2 != 0, useDecay = decay != 1;
        int n = param.Length, i = 0;
        ref T rp = ref MemoryMarshal.GetReference(param);
        ref T rg = ref MemoryMarshal.GetReference(grad);
        ref T rm = ref MemoryMarshal.GetReference(expAvg);
        ref T rv = ref MemoryMarshal.GetReference(expAvgSq);
        ref T rx = ref MemoryMarshal.GetReference(maxExpAvgSq);
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vb1 = new(b1), vomb1 = new(omb1), vb2 = new(b2), vomb2 = new(omb2);
            Vector<T> ve = new(e), vwd = new(wd), vdec = new(dec), vbc = new(bc), vNegStep = new(negStep);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var p = Vector.LoadUnsafe(ref rp, (nuint)i);
                var g = Vector.LoadUnsafe(ref rg, (nuint)i);
                if (maximize)
                {
                    g = -g;
                }

                if (useDecay)
                {
                    p *= vdec;
                }

                if (useL2)
                {
                    g += vwd * p;
                }

                var m = (Vector.LoadUnsafe(ref rm, (nuint)i) * vb1) + (vomb1 * g);
                var v = (Vector.LoadUnsafe(ref rv, (nuint)i) * vb2) + (vomb2 * g * g);
                m.StoreUnsafe(ref rm, (nuint)i);
                v.StoreUnsafe(ref rv, (nuint)i);
                if (amsgrad)
                {
                    v = Vector.Max(Vector.LoadUnsafe(ref rx, (nuint)i), v);
                    v.StoreUnsafe(ref rx, (nuint)i);
                }

                var denom = (Vector.SquareRoot(v) / vbc) + ve;
                (p + (vNegStep * m / denom)).StoreUnsafe(ref rp, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            T p = param[i], g = grad[i];
            if (maximize)
            {
                g = -g;
            }

            if (useDecay)
            {
                p *= dec;
            }

            if (useL2)
            {
                g += wd * p;
            }

            T m = (expAvg[i] * b1) + (omb1 * g);
            T v = (expAvgSq[i] * b2) + (omb2 * g * g);
            expAvg[i] = m;
            expAvgSq[i] = v;
            if (amsgrad)
            {
                v = T.Max(maxExpAvgSq[i], v);
                maxExpAvgSq[i] = v;
            }

            T denom = (T.Sqrt(v) / bc) + e;
            param[i] = p + (negStep * m / denom);
        }
    }

    /// <summary>
    /// Adamax: m ← β1·m + (1−β1)·g, u ← max(β2·u, |g| + eps), p ← p − clr·m / u.
    /// </summary>
    public static void Adamax<T>(
        Span<T> param, ReadOnlySpan<T> grad, Span<T> expAvg, Span<T> expInf,
        double beta1, double beta2, double eps, double weightDecay, double clr, bool maximize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateTruncating(beta1), omb1 = T.CreateTruncating(1 - beta1), b2 = T.CreateTruncating(beta2);
        T e = T.CreateTruncating(eps), wd = T.CreateTruncating(weightDecay), negClr = T.CreateTruncating(-clr);
        bool useWd = weightDecay != 0;
        int n = param.Length, i = 0;
        ref T rp = ref MemoryMarshal.GetReference(param);
        ref T rg = ref MemoryMarshal.GetReference(grad);
        ref T rm = ref MemoryMarshal.GetReference(expAvg);
        ref T ru = ref MemoryMarshal.GetReference(expInf);
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vb1 = new(b1), vomb1 = new(omb1), vb2 = new(b2), ve = new(e), vwd = new(wd), vNegClr = new(negClr);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var p = Vector.LoadUnsafe(ref rp, (nuint)i);
                var g = Vector.LoadUnsafe(ref rg, (nuint)i);
                if (maximize)
                {
                    g = -g;
                }

                if (useWd)
                {
                    g += vwd * p;
                }

                var m = (Vector.LoadUnsafe(ref rm, (nuint)i) * vb1) + (vomb1 * g);
                var u = Vector.Max(Vector.LoadUnsafe(ref ru, (nuint)i) * vb2, Vector.Abs(g) + ve);
                m.StoreUnsafe(ref rm, (nuint)i);
                u.StoreUnsafe(ref ru, (nuint)i);
                (p + (vNegClr * m / u)).StoreUnsafe(ref rp, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            T p = param[i], g = grad[i];
            if (maximize)
            {
                g = -g;
            }

            if (useWd)
            {
                g += wd * p;
            }

            T m = (expAvg[i] * b1) + (omb1 * g);
            T u = T.Max(expInf[i] * b2, T.Abs(g) + e);
            expAvg[i] = m;
            expInf[i] = u;
            param[i] = p + (negClr * m / u);
        }
    }

    /// <summary>
    /// RMSprop: s ← α·s + (1−α)·g·g; centred: a ← α·a + (1−α)·g, avg = √(s − a·a) + eps, else avg = √s + eps;
    /// with momentum b ← μ·b + g/avg, p ← p − lr·b; without, p ← p − lr·g/avg.
    /// </summary>
    public static void RmsProp<T>(
        Span<T> param, ReadOnlySpan<T> grad, Span<T> squareAvg, Span<T> gradAvg, Span<T> momentumBuffer,
        double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = T.CreateTruncating(alpha), oma = T.CreateTruncating(1 - alpha), e = T.CreateTruncating(eps);
        T wd = T.CreateTruncating(weightDecay), mom = T.CreateTruncating(momentum), negLr = T.CreateTruncating(-lr);
        bool useWd = weightDecay != 0, useMom = momentum > 0;
        int n = param.Length, i = 0;
        ref T rp = ref MemoryMarshal.GetReference(param);
        ref T rg = ref MemoryMarshal.GetReference(grad);
        ref T rs = ref MemoryMarshal.GetReference(squareAvg);
        ref T ra = ref MemoryMarshal.GetReference(gradAvg);
        ref T rb = ref MemoryMarshal.GetReference(momentumBuffer);
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> va = new(a), voma = new(oma), ve = new(e), vwd = new(wd), vmom = new(mom), vNegLr = new(negLr);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var p = Vector.LoadUnsafe(ref rp, (nuint)i);
                var g = Vector.LoadUnsafe(ref rg, (nuint)i);
                if (maximize)
                {
                    g = -g;
                }

                if (useWd)
                {
                    g += vwd * p;
                }

                var s = (Vector.LoadUnsafe(ref rs, (nuint)i) * va) + (voma * g * g);
                s.StoreUnsafe(ref rs, (nuint)i);
                Vector<T> avg;
                if (centered)
                {
                    var ga = (Vector.LoadUnsafe(ref ra, (nuint)i) * va) + (voma * g);
                    ga.StoreUnsafe(ref ra, (nuint)i);
                    avg = Vector.SquareRoot(s + (-ga * ga));
                }
                else
                {
                    avg = Vector.SquareRoot(s);
                }

                avg += ve;
                if (useMom)
                {
                    var b = (Vector.LoadUnsafe(ref rb, (nuint)i) * vmom) + (g / avg);
                    b.StoreUnsafe(ref rb, (nuint)i);
                    p += vNegLr * b;
                }
                else
                {
                    p += vNegLr * g / avg;
                }

                p.StoreUnsafe(ref rp, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            T p = param[i], g = grad[i];
            if (maximize)
            {
                g = -g;
            }

            if (useWd)
            {
                g += wd * p;
            }

            T s = (squareAvg[i] * a) + (oma * g * g);
            squareAvg[i] = s;
            T avg;
            if (centered)
            {
                T ga = (gradAvg[i] * a) + (oma * g);
                gradAvg[i] = ga;
                avg = T.Sqrt(s + (-ga * ga));
            }
            else
            {
                avg = T.Sqrt(s);
            }

            avg += e;
            if (useMom)
            {
                T b = (momentumBuffer[i] * mom) + (g / avg);
                momentumBuffer[i] = b;
                p += negLr * b;
            }
            else
            {
                p += negLr * g / avg;
            }

            param[i] = p;
        }
    }
}
