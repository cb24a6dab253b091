using Vae.Core;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>p(z) = N(0, I) in <see cref="LatentDim"/> dimensions.</summary>
public sealed class StandardNormalPrior : Prior
{
    private readonly Distribution _distribution;

    /// <summary>Creates the prior.</summary>
    public StandardNormalPrior(int latentDim, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        LatentDim = latentDim;
        _distribution = new Independent(new Normal(Tensor.Zeros(new Shape(latentDim), dtype), Tensor.Ones(new Shape(latentDim), dtype)), 1);
    }

    /// <inheritdoc />
    public override int LatentDim { get; }

    /// <inheritdoc />
    public override Distribution Distribution() => _distribution;

    /// <inheritdoc />
    protected override string ExtraRepr() => $"latentDim={LatentDim}";
}
