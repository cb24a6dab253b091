using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// The Laplace (double-exponential) distribution with density exp(−|x − loc|/scale)/(2·scale), batched over the
/// broadcast shape of its parameters (scalar event). Reparameterised sampling inverts the CDF:
/// <c>loc − scale·sign(u)·log(1 − 2|u|)</c> with u uniform on the open interval (−½, ½).
/// </summary>
public sealed class Laplace : Distribution
{
    /// <summary>Creates Laplace(loc, scale); the parameters broadcast to a common batch shape.</summary>
    /// <param name="loc">Locations (medians), broadcastable with <paramref name="scale"/>.</param>
    /// <param name="scale">Scales b (each &gt; 0), broadcastable with <paramref name="loc"/>; same dtype.</param>
    /// <exception cref="ArgumentException">The shapes do not broadcast, the dtypes differ, or a scale is ≤ 0.</exception>
    public Laplace(Tensor loc, Tensor scale)
        : base(ContinuousParams.BroadcastShape(nameof(Laplace), ("loc", ContinuousParams.ShapeOf(loc, nameof(loc))), ("scale", ContinuousParams.ShapeOf(scale, nameof(scale)))), Shape.Scalar)
    {
        DType = ContinuousParams.SameDType(nameof(Laplace), ("loc", loc), ("scale", scale));
        ContinuousParams.RequirePositive(nameof(Laplace), "scale", scale);
        Loc = loc.Expand(BatchShape);
        Scale = scale.Expand(BatchShape);
    }

    /// <summary>Creates a single (scalar-batch) Laplace(loc, scale).</summary>
    /// <param name="loc">Location.</param>
    /// <param name="scale">Scale (&gt; 0).</param>
    /// <param name="dtype">Element type.</param>
    public Laplace(double loc, double scale, DType dtype = DType.Float32)
        : this(Tensor.Scalar(loc, dtype), Tensor.Scalar(scale, dtype))
    {
    }

    /// <summary>Locations, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor Loc { get; }

    /// <summary>Scales b, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override DType DType { get; }

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Loc;

    /// <summary>2·scale², of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Variance => Scale.Square() * 2.0;

    /// <summary>√2·scale, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor StdDev => Scale * Math.Sqrt(2);

    /// <summary>Reparameterised samples <c>loc + scale·ε</c> with ε standard Laplace noise from <paramref name="generator"/>.</summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of the noise.</param>
    /// <returns>Samples of shape <c>sampleShape + BatchShape</c>.</returns>
    public override Tensor RSample(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Loc + (Scale * StandardNoise(ExtendedShape(sampleShape), generator, DType));
    }

    /// <summary>−log(2·scale) − |value − loc|/scale.</summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Log-densities of the broadcast shape.</returns>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        return -((value - Loc).Abs() / Scale) - Scale.Log() - NormalMath.Ln2;
    }

    /// <summary>Entropy 1 + log(2·scale), of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Entropy() => Scale.Log() + (1 + NormalMath.Ln2);

    /// <summary>CDF ½ − ½·sign(value − loc)·expm1(−|value − loc|/scale).</summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Probabilities of the broadcast shape.</returns>
    public Tensor Cdf(Tensor value)
    {
        ValidateValue(value, nameof(Cdf));
        var d = value - Loc;
        return 0.5 - (d.Sign() * (d.Abs() / Scale).Neg().Expm1() * 0.5);
    }

    /// <summary>Inverse CDF loc − scale·sign(p − ½)·log1p(−2|p − ½|) (±∞ at 0 and 1).</summary>
    /// <param name="probability">p in [0, 1] of shape <c>sampleShape + BatchShape</c> (the batch part may broadcast).</param>
    /// <returns>Quantiles of the broadcast shape.</returns>
    public Tensor Icdf(Tensor probability)
    {
        ValidateValue(probability, nameof(Icdf));
        var c = probability - 0.5;
        return Loc - (Scale * c.Sign() * (c.Abs() * -2.0).Log1p());
    }

    /// <inheritdoc />
    public override string ToString() => $"Laplace(batch_shape={BatchShape})";

    /// <summary>
    /// Standard Laplace noise −sign(u)·log1p(−2|u|) with u = (2k + 1)·2⁻⁵³ − ½ (exact in float64) for a uniform
    /// 52-bit integer k: u lies in the open interval (−½, ½) and its law is symmetric about 0, so the noise is finite
    /// (|ε| ≤ 52·log 2) and exactly symmetric.
    /// </summary>
    internal static Tensor StandardNoise(Shape shape, Generator generator, DType dtype)
    {
        var noise = new double[shape.Numel];
        const double step = 1.0 / (1UL << 53);
        for (int i = 0; i < noise.Length; i++)
        {
            ulong k = generator.NextUInt64() >> 12;
            double u = (((2 * k) + 1) * step) - 0.5;
            noise[i] = -Math.Sign(u) * double.LogP1(-2 * Math.Abs(u));
        }

        var t = Tensor.FromArray(noise, shape.Rank == 0 ? [] : shape.ToArray());
        if (shape.Rank == 0)
        {
            t = t.Reshape(Shape.Scalar);
        }

        return dtype == DType.Float64 ? t : t.To(dtype);
    }
}
