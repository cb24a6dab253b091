using Vae.Distributions;

namespace Vae.Models;

/// <summary>A fixed prior given as any distribution with a density (event shape [d], empty batch shape).</summary>
public sealed class DistributionPrior : Prior
{
    private readonly Distribution _distribution;

    /// <summary>Wraps <paramref name="distribution"/>.</summary>
    public DistributionPrior(Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (distribution.EventShape.Rank != 1 || distribution.BatchShape.Rank != 0)
        {
            throw new ArgumentException(
                $"A prior needs event shape [d] and no batch shape; got batch {distribution.BatchShape}, event {distribution.EventShape}.", nameof(distribution));
        }

        _distribution = distribution;
    }

    /// <inheritdoc />
    public override int LatentDim => _distribution.EventShape[0];

    /// <inheritdoc />
    public override Distribution Distribution() => _distribution;

    /// <inheritdoc />
    protected override string ExtraRepr() => _distribution.ToString();
}
