namespace Vae.Core.NN;

/// <summary>The logistic sigmoid 1/(1 + e⁻ˣ) as a module (PyTorch's <c>nn.Sigmoid</c>); see <see cref="Tensor.Sigmoid"/>.</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <summary>Applies the sigmoid elementwise.</summary>
    /// <param name="input">Any shape.</param>
    /// <returns>Same shape as <paramref name="input"/>.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Sigmoid();
    }
}
