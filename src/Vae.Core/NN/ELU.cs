using System.Globalization;

namespace Vae.Core.NN;

/// <summary>
/// The exponential linear unit (x where x &gt; 0, else α·(eˣ − 1)) as a module (PyTorch's <c>nn.ELU</c>); see
/// <see cref="Tensor.Elu"/>.
/// </summary>
public sealed class ELU : Module<Tensor, Tensor>
{
    /// <summary>Creates the module.</summary>
    /// <param name="alpha">Scale α of the negative part (finite; PyTorch's default 1).</param>
    public ELU(double alpha = 1.0)
    {
        if (!double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "ELU: alpha must be finite.");
        }

        Alpha = alpha;
    }

    /// <summary>Scale α of the negative part.</summary>
    public double Alpha { get; }

    /// <summary>Applies the ELU elementwise.</summary>
    /// <param name="input">Any shape.</param>
    /// <returns>Same shape as <paramref name="input"/>.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Elu(Alpha);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => "alpha=" + Alpha.ToString(CultureInfo.InvariantCulture);
}
