namespace Vae.Core.NN;

/// <summary>The rectifier max(x, 0) as a module (PyTorch's <c>nn.ReLU</c>); see <see cref="Tensor.Relu"/>.</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    /// <summary>Applies max(x, 0) elementwise.</summary>
    /// <param name="input">Any shape.</param>
    /// <returns>Same shape as <paramref name="input"/>.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }
}
