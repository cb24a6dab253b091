namespace Vae.Models.Visualization;

/// <summary>How <see cref="LatentScatter"/> maps codes with more than two dimensions to the plane.</summary>
public enum LatentProjection
{
    /// <summary>The codes themselves for two dimensions, <see cref="Pca"/> for more.</summary>
    Auto,

    /// <summary>The first two latent dimensions (z₁, z₂).</summary>
    FirstTwo,

    /// <summary>The first two principal components of the codes (computed in float64).</summary>
    Pca,
}
