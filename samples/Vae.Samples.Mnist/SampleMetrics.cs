using Vae.Models.Evaluation;

namespace Vae.Samples.Mnist;

/// <summary>The test metrics the sample reports and writes to metrics.json.</summary>
internal sealed class SampleMetrics
{
    public required ElboResult VaeElbo { get; init; }

    public required ActiveUnitsResult VaeActiveUnits { get; init; }

    public LogLikelihoodResult? VaeLogLikelihood { get; set; }

    public double ImportanceSeconds { get; set; }

    /// <summary>−ELBO on the images the importance-sampled log-likelihood used.</summary>
    public double SubsetNegativeElbo { get; set; }

    public double? AeReconstruction { get; set; }

    public ActiveUnitsResult? AeActiveUnits { get; set; }

    public double VaeSecondsPerEpoch { get; set; }

    public double? AeSecondsPerEpoch { get; set; }

    public double TotalSeconds { get; set; }

    /// <summary>Per model: mean over latent dimensions of |mean| and of the standard deviation of the test codes.</summary>
    public Dictionary<string, (double MeanAbs, double Std)> CodeStatistics { get; } = [];
}
