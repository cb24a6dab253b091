namespace Vae.Core.NN;

/// <summary>How <see cref="Upsample"/> fills the enlarged image.</summary>
public enum UpsampleMode
{
    /// <summary>Each output pixel copies the nearest input pixel (PyTorch's <c>mode="nearest"</c>).</summary>
    Nearest,
}
