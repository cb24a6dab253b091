namespace Vae.Core.NN;

/// <summary>Which fan Kaiming initialisation preserves the variance of.</summary>
public enum FanMode
{
    /// <summary>Fan-in: preserves the magnitude of activations in the forward pass.</summary>
    FanIn,

    /// <summary>Fan-out: preserves the magnitude of gradients in the backward pass.</summary>
    FanOut,
}
