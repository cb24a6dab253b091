namespace Vae.Core.NN;

/// <summary>Activation functions known to <see cref="Init.CalculateGain"/> (PyTorch's <c>calculate_gain</c> names).</summary>
public enum Nonlinearity
{
    /// <summary>Identity / linear layer (gain 1).</summary>
    Linear,

    /// <summary>1-D convolution (gain 1).</summary>
    Conv1d,

    /// <summary>2-D convolution (gain 1).</summary>
    Conv2d,

    /// <summary>3-D convolution (gain 1).</summary>
    Conv3d,

    /// <summary>1-D transposed convolution (gain 1).</summary>
    ConvTranspose1d,

    /// <summary>2-D transposed convolution (gain 1).</summary>
    ConvTranspose2d,

    /// <summary>3-D transposed convolution (gain 1).</summary>
    ConvTranspose3d,

    /// <summary>Logistic sigmoid (gain 1).</summary>
    Sigmoid,

    /// <summary>Hyperbolic tangent (gain 5/3).</summary>
    Tanh,

    /// <summary>Rectified linear unit (gain √2).</summary>
    Relu,

    /// <summary>Leaky ReLU with negative slope a (gain √(2 / (1 + a²)); a defaults to 0.01).</summary>
    LeakyRelu,

    /// <summary>Scaled exponential linear unit (gain 3/4).</summary>
    Selu,
}
