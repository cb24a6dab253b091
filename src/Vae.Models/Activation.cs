using Vae.Core;

namespace Vae.Models;

/// <summary>Hidden-layer nonlinearity of the MLP building blocks.</summary>
public enum Activation
{
    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>tanh(x) (the IWAE paper's choice).</summary>
    Tanh,

    /// <summary>max(x, 0.2x) (a common choice for adversarial discriminators).</summary>
    LeakyRelu,

    /// <summary>ELU with α = 1.</summary>
    Elu,

    /// <summary>log(1 + eˣ).</summary>
    Softplus,
}

/// <summary>Applies an <see cref="Activation"/>.</summary>
public static class ActivationExtensions
{
    /// <summary>Applies the nonlinearity elementwise.</summary>
    public static Tensor Apply(this Activation activation, Tensor x) => activation switch
    {
        Activation.Relu => x.Relu(),
        Activation.Tanh => x.Tanh(),
        Activation.LeakyRelu => x.LeakyRelu(0.2),
        Activation.Elu => x.Elu(),
        Activation.Softplus => x.Softplus(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
