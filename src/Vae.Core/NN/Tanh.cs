namespace Vae.Core.NN;

/// <summary>The hyperbolic tangent as a module (PyTorch's <c>nn.Tanh</c>); see <see cref="Tensor.Tanh"/>.</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <summary>Applies tanh elementwise.</summary>
    /// <param name="input">Any shape.</param>
    /// <returns>Same shape as <paramref name="input"/>.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Tanh();
    }
}
