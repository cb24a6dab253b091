using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// The labelled 2-D swiss-roll prior of adversarial autoencoders (Makhzani et al., 2015): a spiral whose radius
/// grows with the angle, cut along its length into <see cref="NumClasses"/> consecutive segments, one per class.
/// Batch shape [], event shape [2]; sample-only (see <see cref="LogProb"/>).
/// <para>
/// A point of class y is drawn as: v ~ U(0, 1), position u = (y + v) / K along the roll, t = √u,
/// radius r = r₀ + (R − r₀)·t (+ a uniform offset in ±width/2), angle θ = θ₀ + 2π·turns·t, point
/// (r cos θ, r sin θ) (+ isotropic Gaussian noise). With r₀ = 0 the radius is proportional to the angle (an
/// Archimedean spiral) and the √ makes points roughly uniform along its length. The defaults (10 classes, R = 3,
/// 2 turns, no noise) are the sampler of the paper's reimplementations.
/// </para>
/// </summary>
public sealed class SwissRoll : Distribution, ILabeledSampler
{
    private readonly DType _dtype;

    /// <summary>Creates the swiss roll.</summary>
    /// <param name="numClasses">Number of segments (classes) K ≥ 1, in order along the roll.</param>
    /// <param name="maxRadius">Radius R at the outer end of the roll (&gt; 0).</param>
    /// <param name="turns">Angular length of the roll in turns (&gt; 0; 2 = 4π).</param>
    /// <param name="minRadius">Radius r₀ at the inner end (in [0, R)).</param>
    /// <param name="noise">Standard deviation of isotropic Gaussian noise added to each point (≥ 0).</param>
    /// <param name="width">Width of the band: a radial offset uniform in [−width/2, width/2] (≥ 0).</param>
    /// <param name="startAngle">Angle θ₀ of the inner end, in radians.</param>
    /// <param name="dtype">Element type of samples.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public SwissRoll(
        int numClasses = 10,
        double maxRadius = 3.0,
        double turns = 2.0,
        double minRadius = 0.0,
        double noise = 0.0,
        double width = 0.0,
        double startAngle = 0.0,
        DType dtype = DType.Float32)
        : base(Shape.Scalar, new Shape(2))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        Require(maxRadius > 0 && double.IsFinite(maxRadius), nameof(maxRadius), maxRadius, "must be positive and finite");
        Require(turns > 0 && double.IsFinite(turns), nameof(turns), turns, "must be positive and finite");
        Require(minRadius >= 0 && minRadius < maxRadius, nameof(minRadius), minRadius, "must be in [0, maxRadius)");
        Require(noise >= 0 && double.IsFinite(noise), nameof(noise), noise, "must be non-negative and finite");
        Require(width >= 0 && double.IsFinite(width), nameof(width), width, "must be non-negative and finite");
        Require(double.IsFinite(startAngle), nameof(startAngle), startAngle, "must be finite");
        NumClasses = numClasses;
        MaxRadius = maxRadius;
        Turns = turns;
        MinRadius = minRadius;
        Noise = noise;
        Width = width;
        StartAngle = startAngle;
        _dtype = dtype;
    }

    /// <summary>
    /// The swiss roll of the adversarial-autoencoder paper's reimplementations: 10 classes, radius 3, 2 turns
    /// (r = 3√u, θ = 4π√u), no noise.
    /// </summary>
    /// <param name="dtype">Element type of samples.</param>
    public static SwissRoll AdversarialAutoencoderPrior(DType dtype = DType.Float32) => new(dtype: dtype);

    /// <summary>Number of classes (segments along the roll).</summary>
    public int NumClasses { get; }

    /// <summary>Same as <see cref="NumClasses"/>.</summary>
    public int NumLabels => NumClasses;

    /// <summary>Radius at the outer end.</summary>
    public double MaxRadius { get; }

    /// <summary>Radius at the inner end.</summary>
    public double MinRadius { get; }

    /// <summary>Angular length in turns.</summary>
    public double Turns { get; }

    /// <summary>Standard deviation of the isotropic Gaussian noise.</summary>
    public double Noise { get; }

    /// <summary>Width of the uniform radial band.</summary>
    public double Width { get; }

    /// <summary>Angle of the inner end, in radians.</summary>
    public double StartAngle { get; }

    /// <inheritdoc />
    public override DType DType => _dtype;

    /// <summary>
    /// Not supported: the swiss roll is a sample-only prior. Without noise its mass lies on a curve (no density); with
    /// noise the density is a convolution with no closed form. Adversarial autoencoders only need samples of the prior.
    /// </summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor LogProb(Tensor value) => throw new NotSupportedException(
        "SwissRoll is a sample-only prior: it has no closed-form density (without noise its mass lies on a curve), so LogProb is not available. " +
        "Adversarial autoencoders only need samples of the prior (Sample, SampleWithLabels, SampleForLabels); " +
        "for a prior with a density use a GaussianMixture (e.g. GaussianMixture.OnCircle).");

    /// <summary>
    /// The noiseless point at position <paramref name="position"/> along the roll (0 = inner end, 1 = outer end): the
    /// centre line of the band.
    /// </summary>
    /// <param name="position">Positions u in [0, 1], any shape P.</param>
    /// <returns>Points of shape <c>P + [2]</c>, in the position's dtype.</returns>
    public Tensor PointAt(Tensor position)
    {
        ArgumentNullException.ThrowIfNull(position);
        var u = position.ToDoubleArray();
        var xy = new double[u.Length * 2];
        for (int i = 0; i < u.Length; i++)
        {
            (xy[2 * i], xy[(2 * i) + 1]) = Centre(u[i], 0);
        }

        return Tensor.FromArray(xy, [.. position.Shape.Dims, 2]).To(position.DType);
    }

    /// <summary>Draws points with uniformly random classes; see <see cref="SampleWithLabels(Shape, Generator)"/>.</summary>
    /// <param name="sampleShape">Leading sample dimensions S.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Shape <c>S + [2]</c>.</returns>
    public override Tensor Sample(Shape sampleShape, Generator generator) => SampleWithLabels(sampleShape, generator).Samples;

    /// <summary>
    /// Draws points with uniformly random classes. Per point, in order: the class (<see cref="Generator.NextInt"/>), the
    /// position within its segment, the band offset and two normal deviates for the noise — always, whatever
    /// <see cref="Width"/> and <see cref="Noise"/> — so the same seed gives the same bits, and rolls that differ only
    /// in width or noise give corresponding points (the same classes and positions).
    /// </summary>
    /// <param name="sampleShape">Leading sample dimensions S.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Points of shape <c>S + [2]</c> and their classes of shape S.</returns>
    public (Tensor Samples, Tensor Labels) SampleWithLabels(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        int n = sampleShape.Numel;
        var labels = new double[n];
        var xy = new double[n * 2];
        for (int i = 0; i < n; i++)
        {
            int y = generator.NextInt(NumClasses);
            labels[i] = y;
            (xy[2 * i], xy[(2 * i) + 1]) = Draw(y, generator);
        }

        return (Tensor.FromArray(xy, [.. sampleShape.Dims, 2]).To(_dtype), Tensor.FromArray(labels, sampleShape.ToArray()).To(_dtype));
    }

    /// <summary>Draws <paramref name="n"/> points, all from class <paramref name="label"/>'s segment when given, else from random classes.</summary>
    /// <param name="n">Number of points (≥ 0).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <param name="label">A class in [0, K), or null for uniformly random classes.</param>
    /// <returns>Points [n, 2] and classes [n].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative or <paramref name="label"/> is out of range.</exception>
    public (Tensor Samples, Tensor Labels) SampleWithLabels(int n, Generator generator, int? label = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentNullException.ThrowIfNull(generator);
        if (label is null)
        {
            return SampleWithLabels(new Shape(n), generator);
        }

        if (label < 0 || label >= NumClasses)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"SwissRoll: label must be in [0, {NumClasses}).");
        }

        var labels = Tensor.Full(new Shape(n), label.Value, _dtype);
        return (SampleForLabels(labels, generator), labels);
    }

    /// <summary>Draws one point from each labelled segment (prior samples matching a batch's classes).</summary>
    /// <param name="labels">Classes of any shape L, integral in [0, K); either dtype.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Points of shape <c>L + [2]</c>.</returns>
    /// <exception cref="ArgumentException">A label is not an integer in [0, K).</exception>
    public Tensor SampleForLabels(Tensor labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(generator);
        Categorical.CheckIndices(labels, NumClasses, "SwissRoll.SampleForLabels");
        var y = labels.ToDoubleArray();
        var xy = new double[y.Length * 2];
        for (int i = 0; i < y.Length; i++)
        {
            (xy[2 * i], xy[(2 * i) + 1]) = Draw((int)y[i], generator);
        }

        return Tensor.FromArray(xy, [.. labels.Shape.Dims, 2]).To(_dtype);
    }

    /// <summary>One point of class <paramref name="label"/>.</summary>
    private (double X, double Y) Draw(int label, Generator generator)
    {
        // Every point consumes the same random numbers whatever the width and noise (common random numbers).
        double u = (label + generator.NextDouble()) / NumClasses;
        double offset = (generator.NextDouble() - 0.5) * Width;
        double nx = generator.NextNormal(), ny = generator.NextNormal();
        var (x, y) = Centre(u, offset);
        return (x + (Noise * nx), y + (Noise * ny));
    }

    /// <summary>The point at position u with radial offset <paramref name="offset"/>.</summary>
    private (double X, double Y) Centre(double u, double offset)
    {
        double t = Math.Sqrt(u);
        double r = MinRadius + ((MaxRadius - MinRadius) * t) + offset;
        double angle = StartAngle + (2 * Math.PI * Turns * t);
        (double s, double c) = Math.SinCos(angle);
        return (r * c, r * s);
    }

    private static void Require(bool ok, string name, double value, string what)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"SwissRoll: {name} {what}.");
        }
    }
}
