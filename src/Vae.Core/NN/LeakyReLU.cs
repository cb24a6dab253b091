using System.Globalization;

namespace Vae.Core.NN;

/// <summary>
/// The leaky rectifier (x where x &gt; 0, else slope·x) as a module (PyTorch's <c>nn.LeakyReLU</c>); see
/// <see cref="Tensor.LeakyRelu"/>.
/// </summary>
public sealed class LeakyReLU : Module<Tensor, Tensor>
{
    /// <summary>Creates the module.</summary>
    /// <param name="negativeSlope">Slope for negative inputs (finite; PyTorch's default 0.01).</param>
    public LeakyReLU(double negativeSlope = 0.01)
    {
        if (!double.IsFinite(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "LeakyReLU: negativeSlope must be finite.");
        }

        NegativeSlope = negativeSlope;
    }

    /// <summary>Slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <summary>Applies the leaky rectifier elementwise.</summary>
    /// <param name="input">Any shape.</param>
    /// <returns>Same shape as <paramref name="input"/>.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.LeakyRelu(NegativeSlope);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => "negativeSlope=" + NegativeSlope.ToString(CultureInfo.InvariantCulture);
}
