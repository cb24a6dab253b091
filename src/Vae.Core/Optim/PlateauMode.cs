namespace Vae.Core.Optim;

/// <summary>Whether <see cref="ReduceLROnPlateau"/> watches a metric that should decrease or increase.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss).</summary>
    Min,

    /// <summary>Higher is better (an accuracy, an ELBO).</summary>
    Max,
}
