using System.Globalization;

namespace Vae.Core.NN;

/// <summary>
/// Softplus log(1 + e^(βx))/β as a module, reverting to the identity where βx exceeds the threshold (PyTorch's
/// <c>nn.Softplus</c>); see <see cref="Tensor.Softplus"/>.
/// </summary>
public sealed class Softplus : Module<Tensor, Tensor>
{
    /// <summary>Creates the module.</summary>
    /// <param name="beta">Sharpness β (positive, finite; default 1).</param>
    /// <param name="threshold">Above βx &gt; threshold the output is x itself (default 20).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is not positive and finite, or <paramref name="threshold"/> is NaN.</exception>
    public Softplus(double beta = 1.0, double threshold = 20.0)
    {
        if (!(beta > 0) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "Softplus: beta must be positive and finite.");
        }

        if (double.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Softplus: threshold must not be NaN.");
        }

        Beta = beta;
        Threshold = threshold;
    }

    /// <summary>Sharpness β.</summary>
    public double Beta { get; }

    /// <summary>Threshold on βx above which the output is the input.</summary>
    public double Threshold { get; }

    /// <summary>Applies softplus elementwise.</summary>
    /// <param name="input">Any shape.</param>
    /// <returns>Same shape as <paramref name="input"/>.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Softplus(Beta, Threshold);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        string.Create(CultureInfo.InvariantCulture, $"beta={Beta}, threshold={Threshold}");
}
