using System.Globalization;

namespace Vae.Core.NN;

/// <summary>
/// Dropout: in training mode each element is zeroed with probability <see cref="P"/> and the survivors are scaled by
/// 1/(1 − p), so the expectation is unchanged; in evaluation mode it is the identity. The random mask comes from an
/// explicit <see cref="Generator"/>: the one given to the constructor, or one passed per call.
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    /// <summary>Creates the module.</summary>
    /// <param name="p">Probability of zeroing an element, in [0, 1].</param>
    /// <param name="generator">Random source used by <see cref="Forward(Tensor)"/>; may be null if you always call <see cref="Forward(Tensor, Generator)"/>.</param>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout probability must be in [0, 1], got {p}.");
        }

        P = p;
        Generator = generator;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>Random source used by <see cref="Forward(Tensor)"/> in training mode.</summary>
    public Generator? Generator { get; set; }

    /// <summary>Applies dropout with the module's <see cref="Generator"/> (needed only in training mode).</summary>
    /// <param name="input">Any shape.</param>
    /// <returns>Same shape as <paramref name="input"/>.</returns>
    public override Tensor Forward(Tensor input)
    {
        if (!Training || P == 0)
        {
            return input;
        }

        var g = Generator ?? throw new InvalidOperationException(
            "Dropout in training mode needs a Generator: pass one to the constructor, set Dropout.Generator, or call Forward(input, generator).");
        return Forward(input, g);
    }

    /// <summary>Applies dropout drawing the mask from <paramref name="generator"/> (identity in evaluation mode).</summary>
    /// <param name="input">Any shape.</param>
    /// <param name="generator">Random source for the mask.</param>
    /// <returns>Same shape as <paramref name="input"/>.</returns>
    public Tensor Forward(Tensor input, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(generator);
        if (!Training || P == 0)
        {
            return input;
        }

        if (P == 1)
        {
            return input * 0.0;
        }

        // mask ∈ {0, 1/(1-p)}: Bernoulli(1-p) keep-mask scaled in place (it is a fresh tensor).
        var mask = Tensor.Bernoulli(input.Shape, 1 - P, generator, input.DType);
        double scale = 1 / (1 - P);
        if (mask.DType == DType.Float32)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(mask.Span<float>(), (float)scale, mask.Span<float>());
        }
        else
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(mask.Span<double>(), scale, mask.Span<double>());
        }

        return input * mask;
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => "p=" + P.ToString(CultureInfo.InvariantCulture);
}
