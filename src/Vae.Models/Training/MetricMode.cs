namespace Vae.Models.Training;

/// <summary>Whether a monitored metric improves by going down or up.</summary>
public enum MetricMode
{
    /// <summary>Lower is better (losses, negative ELBO).</summary>
    Min,

    /// <summary>Higher is better (ELBO, accuracy).</summary>
    Max,
}
