using Vae.Core.Kernels;

namespace Vae.Core;

// Elementwise math. Each result has this tensor's shape and dtype (Pow(Tensor) broadcasts); NaN and ±∞ follow
// IEEE 754 and never throw. Backward rules are written in tensor ops, so gradients of gradients work.
public partial class Tensor
{
    /// <summary>Elementwise eˣ. Gradient: g·eˣ.</summary>
    public Tensor Exp()
    {
        var y = Elementwise.Unary<ExpOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Exp", [this], static (g, n) => [g * n.Output]);
        }

        return y;
    }

    /// <summary>Elementwise natural logarithm (−∞ at 0, NaN below 0). Gradient: g/x.</summary>
    public Tensor Log()
    {
        var y = Elementwise.Unary<LogOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Log", [this], static (g, n) => [g / n.Inputs[0]]);
        }

        return y;
    }

    /// <summary>Elementwise log(1 + x), accurate for small |x|. Gradient: g/(1 + x).</summary>
    public Tensor Log1p()
    {
        var y = Elementwise.Unary<Log1pOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Log1p", [this], static (g, n) => [g / (n.Inputs[0] + 1.0)]);
        }

        return y;
    }

    /// <summary>Elementwise eˣ − 1, accurate for small |x|. Gradient: g·eˣ = g·(y + 1).</summary>
    public Tensor Expm1()
    {
        var y = Elementwise.Unary<Expm1Op>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Expm1", [this], static (g, n) => [g * (n.Output + 1.0)]);
        }

        return y;
    }

    /// <summary>Elementwise square root (NaN below 0). Gradient: g/(2√x).</summary>
    public Tensor Sqrt()
    {
        var y = Elementwise.Unary<SqrtOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Sqrt", [this], static (g, n) => [g / (n.Output * 2.0)]);
        }

        return y;
    }

    /// <summary>Elementwise 1/√x. Gradient: −g·y³/2.</summary>
    public Tensor Rsqrt()
    {
        var y = Elementwise.Unary<RsqrtOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Rsqrt", [this], static (g, n) =>
            {
                var r = n.Output;
                return [g * (r * r * r * -0.5)];
            });
        }

        return y;
    }

    /// <summary>Elementwise x². Gradient: 2g·x.</summary>
    public Tensor Square()
    {
        var y = Elementwise.Unary<SquareOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Square", [this], static (g, n) => [g * (n.Inputs[0] * 2.0)]);
        }

        return y;
    }

    /// <summary>
    /// Elementwise x^<paramref name="exponent"/> with the IEEE pow special cases (x⁰ = 1 even for NaN; a negative
    /// base with a non-integer exponent gives NaN). Gradient: g·p·x^(p−1) (zero when p = 0).
    /// </summary>
    public Tensor Pow(double exponent)
    {
        var y = exponent == 2.0 ? Elementwise.Unary<SquareOp>(this) : Elementwise.BinaryScalar<PowOp>(this, exponent);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Pow", [this], (g, n) =>
            {
                var x = n.Inputs[0];
                return [exponent switch
                {
                    0.0 => g.ZerosLike(),
                    1.0 => g,
                    2.0 => g * (x * 2.0),
                    _ => g * (x.Pow(exponent - 1.0) * exponent),
                }];
            });
        }

        return y;
    }

    /// <summary>
    /// Elementwise x^e with broadcasting (IEEE pow special cases). Gradients: w.r.t. x, g·e·x^(e−1) (zero where
    /// e = 0); w.r.t. e, g·y·log x (zero where x = 0 and e ≥ 0; NaN for a negative base, as in PyTorch).
    /// </summary>
    /// <param name="exponent">Exponents; its shape must broadcast with this tensor's shape. Same dtype.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    public Tensor Pow(Tensor exponent)
    {
        ArgumentNullException.ThrowIfNull(exponent);
        var y = Elementwise.Binary<PowOp>(this, exponent, "Pow");
        if (ShouldRecord(this, exponent))
        {
            y.SetGradFn("PowTensor", [this, exponent], static (g, n) =>
            {
                var x = n.Inputs[0];
                var e = n.Inputs[1];
                var zero = Scalar(0, g.DType);
                var gx = n.NeedsGrad[0] ? g * Where(e.Eq(0.0), zero, e * x.Pow(e - 1.0)) : null;
                var ge = n.NeedsGrad[1] ? g * Where(x.Eq(0.0) * e.Ge(0.0), zero, n.Output * x.Log()) : null;
                return [gx, ge];
            });
        }

        return y;
    }

    /// <summary>Elementwise |x|. Gradient: g·sign(x) (zero at 0).</summary>
    public Tensor Abs()
    {
        var y = Elementwise.Unary<AbsOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Abs", [this], static (g, n) => [g * n.Inputs[0].Sign()]);
        }

        return y;
    }

    /// <summary>
    /// Elementwise sign: −1, 0 or 1 (0 for ±0; NaN stays NaN). Not differentiable (its derivative is zero almost
    /// everywhere): the result does not require grad.
    /// </summary>
    public Tensor Sign() => Elementwise.Unary<SignOp>(this);

    /// <summary>Elementwise 1/x. Gradient: −g·y².</summary>
    public Tensor Reciprocal()
    {
        var y = Elementwise.Unary<ReciprocalOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Reciprocal", [this], static (g, n) => [-(g * n.Output.Square())]);
        }

        return y;
    }

    /// <summary>Elementwise sine (radians). Gradient: g·cos x.</summary>
    public Tensor Sin()
    {
        var y = Elementwise.Unary<SinOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Sin", [this], static (g, n) => [g * n.Inputs[0].Cos()]);
        }

        return y;
    }

    /// <summary>Elementwise cosine (radians). Gradient: −g·sin x.</summary>
    public Tensor Cos()
    {
        var y = Elementwise.Unary<CosOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Cos", [this], static (g, n) => [-(g * n.Inputs[0].Sin())]);
        }

        return y;
    }

    /// <summary>Elementwise floor. Not differentiable: the result does not require grad.</summary>
    public Tensor Floor() => Elementwise.Unary<FloorOp>(this);

    /// <summary>Elementwise rounding to the nearest integer, ties to even (as PyTorch). Not differentiable: the result does not require grad.</summary>
    public Tensor Round() => Elementwise.Unary<RoundOp>(this);

    /// <summary>
    /// Clamps each element into [<paramref name="min"/>, <paramref name="max"/>] (a null bound is not applied;
    /// when min &gt; max every element becomes max, as in PyTorch; NaN stays NaN). Gradient: g where
    /// min ≤ x ≤ max (bounds inclusive), else 0.
    /// </summary>
    /// <exception cref="ArgumentException">Both bounds are null.</exception>
    public Tensor Clamp(double? min, double? max)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException($"Clamp: at least one of min and max must be given (tensor {Shape}).");
        }

        var y = Empty(Shape, DType);
        if (DType == DType.Float32)
        {
            ClampOp.Apply<float>(Span<float>(), y.Span<float>(), min, max);
        }
        else
        {
            ClampOp.Apply<double>(Span<double>(), y.Span<double>(), min, max);
        }

        if (ShouldRecord(this))
        {
            double lo = min ?? double.NegativeInfinity, hi = max ?? double.PositiveInfinity;
            y.SetGradFn("Clamp", [this], (g, n) =>
            {
                var x = n.Inputs[0];
                if (!Autograd.IsGradEnabled)
                {
                    return [Lanes.Map(g, x, new ClampBackwardLane<float>((float)lo, (float)hi), new ClampBackwardLane<double>(lo, hi))];
                }

                var inRange = Lanes.Map(x, new InRangeLane<float>((float)lo, (float)hi), new InRangeLane<double>(lo, hi));
                return [Where(inRange, g, Scalar(0, g.DType))];
            });
        }

        return y;
    }

    /// <summary>Elementwise max(x, <paramref name="min"/>); see <see cref="Clamp(double?, double?)"/>.</summary>
    public Tensor ClampMin(double min) => Clamp(min, null);

    /// <summary>Elementwise min(x, <paramref name="max"/>); see <see cref="Clamp(double?, double?)"/>.</summary>
    public Tensor ClampMax(double max) => Clamp(null, max);
}
