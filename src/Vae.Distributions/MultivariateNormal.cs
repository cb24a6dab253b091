using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// The multivariate normal distribution N(loc, Σ) over vectors of length d, batched: <see cref="Distribution.EventShape"/>
/// is <c>[d]</c> and <see cref="Distribution.BatchShape"/> is the broadcast of loc's leading dimensions with the
/// covariance's. Internally it keeps the lower Cholesky factor L (Σ = L·Lᵀ): <see cref="RSample"/> is
/// <c>loc + L·ε</c>, <see cref="LogProb"/> solves L·z = x − loc by forward substitution (Mahalanobis term ‖z‖²) and
/// takes log|Σ| = 2·Σᵢ log Lᵢᵢ from L's diagonal.
/// </summary>
public sealed class MultivariateNormal : Distribution
{
    private readonly Tensor? _covariance;

    /// <summary>Creates N(loc, covariance); the covariance is factorised by Cholesky.</summary>
    /// <param name="loc">Means [..., d].</param>
    /// <param name="covariance">Symmetric positive-definite covariances [..., d, d] (symmetrised as ½(Σ + Σᵀ)); batch dims broadcast with loc's; same dtype.</param>
    /// <exception cref="ArgumentException">Shapes are incompatible, the matrix is not symmetric, or it is not positive definite.</exception>
    public MultivariateNormal(Tensor loc, Tensor covariance)
        : this(loc, CholeskyOf(loc, covariance, out var sym), sym)
    {
    }

    private MultivariateNormal(Tensor loc, Tensor scaleTril, Tensor? covariance)
        : base(BatchOf(loc, scaleTril), new Shape(ContinuousParams.ShapeOf(loc, nameof(loc))[-1]))
    {
        DType = ContinuousParams.SameDType(nameof(MultivariateNormal), ("loc", loc), ("scaleTril", scaleTril));
        Dimension = loc.Shape[-1];
        Loc = loc.Expand(Concat(BatchShape, EventShape));
        ScaleTril = scaleTril.Expand(Concat(BatchShape, new Shape(Dimension, Dimension)));
        _covariance = covariance?.Expand(ScaleTril.Shape);
    }

    /// <summary>Creates N(loc, covariance) (same as the constructor).</summary>
    /// <param name="loc">Means [..., d].</param>
    /// <param name="covariance">Symmetric positive-definite covariances [..., d, d].</param>
    public static MultivariateNormal FromCovariance(Tensor loc, Tensor covariance) => new(loc, covariance);

    /// <summary>Creates N(loc, L·Lᵀ) from a lower-triangular scale factor with a positive diagonal.</summary>
    /// <param name="loc">Means [..., d].</param>
    /// <param name="scaleTril">Lower-triangular L [..., d, d] (zero above the diagonal, positive diagonal); batch dims broadcast with loc's.</param>
    /// <exception cref="ArgumentException">Shapes are incompatible, L has non-zero entries above the diagonal, or a diagonal entry is ≤ 0.</exception>
    public static MultivariateNormal FromScaleTril(Tensor loc, Tensor scaleTril)
    {
        CheckMatrixShape(loc, scaleTril, "scaleTril");
        int d = scaleTril.Shape[-1];
        var diag = Diagonal(scaleTril);
        ContinuousParams.RequirePositive(nameof(MultivariateNormal), "diagonal of scaleTril", diag);
        var upper = scaleTril.Triu(1);
        if (ContinuousParams.FindFirst(upper, static v => v != 0) >= 0)
        {
            throw new ArgumentException(
                $"MultivariateNormal: scaleTril {scaleTril.Shape} must be lower triangular (zero above the diagonal; d = {d}).", nameof(scaleTril));
        }

        return new MultivariateNormal(loc, scaleTril, null);
    }

    /// <summary>Event size d.</summary>
    public int Dimension { get; }

    /// <summary>Means, of shape <c>BatchShape + [d]</c>.</summary>
    public Tensor Loc { get; }

    /// <summary>Lower Cholesky factor L of the covariance, of shape <c>BatchShape + [d, d]</c>.</summary>
    public Tensor ScaleTril { get; }

    /// <summary>Covariance Σ = L·Lᵀ, of shape <c>BatchShape + [d, d]</c>.</summary>
    public Tensor CovarianceMatrix => _covariance ?? ScaleTril.MatMul(ScaleTril.Transpose(-1, -2));

    /// <summary>Precision Σ⁻¹ = L⁻ᵀ·L⁻¹, of shape <c>BatchShape + [d, d]</c>.</summary>
    public Tensor PrecisionMatrix
    {
        get
        {
            var l = Flat(ScaleTril);
            var eye = Tensor.Eye(Dimension, dtype: DType).Expand(l.Shape);
            var linv = Tensor.SolveTriangular(l, eye, upper: false);
            return linv.Transpose(-1, -2).MatMul(linv).Reshape(ScaleTril.Shape);
        }
    }

    /// <inheritdoc />
    public override DType DType { get; }

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Loc;

    /// <summary>Marginal variances diag(Σ) = Σⱼ Lᵢⱼ², of shape <c>BatchShape + [d]</c>.</summary>
    public override Tensor Variance => ScaleTril.Square().Sum(-1);

    /// <summary>Reparameterised samples <c>loc + L·ε</c>, ε ~ N(0, I) drawn from <paramref name="generator"/>.</summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of the noise ε.</param>
    /// <returns>Samples of shape <c>sampleShape + BatchShape + [d]</c>.</returns>
    public override Tensor RSample(Shape sampleShape, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var shape = ExtendedShape(sampleShape);
        var eps = Tensor.Randn(shape, generator, DType);
        int s = sampleShape.Numel, b = BatchShape.Numel, d = Dimension;
        // [S, B, d] → [B, d, S]: one triangular product per batch element covering all samples.
        var cols = eps.Reshape(s, b, d).Permute(1, 2, 0);
        var lz = Flat(ScaleTril).MatMul(cols).Permute(2, 0, 1).Reshape(shape);
        return Loc + lz;
    }

    /// <summary>log N(value; loc, Σ) = −½‖L⁻¹(value − loc)‖² − Σᵢ log Lᵢᵢ − (d/2)·log 2π.</summary>
    /// <param name="value">Vectors of shape <c>sampleShape + BatchShape + [d]</c> (the batch part may broadcast).</param>
    /// <returns>Log-densities of shape <c>sampleShape + BatchShape</c> (broadcast).</returns>
    public override Tensor LogProb(Tensor value)
    {
        ValidateValue(value);
        var m = Mahalanobis(ScaleTril, value - Loc);
        return (m * -0.5) - HalfLogDet() - (Dimension * NormalMath.HalfLog2Pi);
    }

    /// <summary>Entropy (d/2)·(1 + log 2π) + Σᵢ log Lᵢᵢ, of shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Entropy() => HalfLogDet() + (Dimension * (0.5 + NormalMath.HalfLog2Pi));

    /// <inheritdoc />
    public override string ToString() => $"MultivariateNormal(batch_shape={BatchShape}, event_shape={EventShape})";

    /// <summary>½·log|Σ| = Σᵢ log Lᵢᵢ, of shape <see cref="Distribution.BatchShape"/>.</summary>
    internal Tensor HalfLogDet() => Diagonal(ScaleTril).Log().Sum(-1);

    /// <summary>
    /// Squared Mahalanobis norms ‖L⁻¹·diff‖² for L of shape <c>B + [d, d]</c> and diff of shape <c>S + B + [d]</c>
    /// (the batch part of diff already broadcast to B), returned with shape <c>S + B</c>.
    /// </summary>
    internal static Tensor Mahalanobis(Tensor l, Tensor diff)
    {
        int d = l.Shape[-1];
        var batch = ContinuousParams.DropRight(l.Shape, 2);
        var full = Shape.Broadcast(diff.Shape, Concat(batch, new Shape(d)));
        diff = diff.Expand(full);
        var outShape = ContinuousParams.DropRight(full, 1);
        int b = batch.Numel, s = b == 0 ? 0 : outShape.Numel / b;
        var cols = diff.Reshape(s, b, d).Permute(1, 2, 0);                  // [B, d, S]
        var z = Tensor.SolveTriangular(Flat(l), cols, upper: false);       // [B, d, S]
        return z.Square().Sum(1).Transpose(0, 1).Reshape(outShape);        // [S, B] → S + B
    }

    /// <summary>The diagonal of matrices [..., d, d] as [..., d] (differentiable).</summary>
    internal static Tensor Diagonal(Tensor m) => (m * Tensor.Eye(m.Shape[-1], dtype: m.DType)).Sum(-1);

    /// <summary>Reshapes [..., d, d] to [B, d, d].</summary>
    internal static Tensor Flat(Tensor m)
    {
        int d = m.Shape[-1];
        return m.Reshape(ContinuousParams.DropRight(m.Shape, 2).Numel, d, d);
    }

    private static Tensor CholeskyOf(Tensor loc, Tensor covariance, out Tensor symmetric)
    {
        CheckMatrixShape(loc, covariance, "covariance");
        ContinuousParams.SameDType(nameof(MultivariateNormal), ("loc", loc), ("covariance", covariance));
        var asym = (covariance - covariance.Transpose(-1, -2)).Abs().Detach();
        double maxAsym = asym.Numel == 0 ? 0 : asym.Max().Item();
        double scale = covariance.Numel == 0 ? 0 : covariance.Detach().Abs().Max().Item();
        double tol = Math.Sqrt(ContinuousParams.Epsilon(covariance.DType)) * Math.Max(scale, double.Epsilon);
        if (maxAsym > tol)
        {
            throw new ArgumentException(
                $"MultivariateNormal: covariance {covariance.Shape} is not symmetric (largest |Σ − Σᵀ| entry {ContinuousParams.Format(maxAsym)}).", nameof(covariance));
        }

        symmetric = (covariance + covariance.Transpose(-1, -2)) * 0.5;
        try
        {
            return symmetric.Cholesky();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"MultivariateNormal: covariance {covariance.Shape} is not positive definite ({e.Message})", nameof(covariance), e);
        }
    }

    private static void CheckMatrixShape(Tensor loc, Tensor matrix, string name)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(matrix);
        if (loc.Rank < 1)
        {
            throw new ArgumentException($"MultivariateNormal: loc must have shape [..., d], got {loc.Shape}.", nameof(loc));
        }

        int d = loc.Shape[-1];
        if (matrix.Rank < 2 || matrix.Shape[-1] != d || matrix.Shape[-2] != d)
        {
            throw new ArgumentException($"MultivariateNormal: {name} must have shape [..., {d}, {d}] to match loc {loc.Shape}, got {matrix.Shape}.", name);
        }
    }

    private static Shape BatchOf(Tensor loc, Tensor scaleTril) =>
        ContinuousParams.BroadcastShape(nameof(MultivariateNormal),
            ("loc batch", ContinuousParams.DropRight(loc.Shape, 1)),
            ("matrix batch", ContinuousParams.DropRight(scaleTril.Shape, 2)));
}
