using Vae.Core;
using Vae.Core.NN;

namespace Vae.Models;

/// <summary>
/// The discriminator of an adversarial autoencoder: an MLP with LeakyReLU(0.2) hidden layers that maps a latent code
/// z (optionally concatenated with the one-hot encoding of its class, for the label-incorporating variant) to one
/// logit, the log-odds that z was drawn from the prior ("real") rather than produced by the encoder ("fake").
/// Parameter names: <c>body.layers.{i}.weight</c>, <c>body.layers.{i}.bias</c>.
/// </summary>
public sealed class Discriminator : Module
{
    private readonly Mlp _body;

    /// <summary>Creates a discriminator.</summary>
    /// <param name="latentDim">Dimension d of the codes (≥ 1).</param>
    /// <param name="hidden">Widths of the hidden layers (each ≥ 1; may be empty for a logistic regression).</param>
    /// <param name="generator">Random source for the initial weights.</param>
    /// <param name="numClasses">
    /// 0 for the plain discriminator; K ≥ 1 for the label-incorporating one, whose input is the code followed by the
    /// one-hot encoding of the class (d + K values).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public Discriminator(int latentDim, IReadOnlyList<int> hidden, Generator generator, int numClasses = 0)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        foreach (int width in hidden)
        {
            if (width < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(hidden), $"Discriminator: hidden widths must be at least 1, got [{string.Join(", ", hidden)}].");
            }
        }

        LatentDim = latentDim;
        NumClasses = numClasses;
        Hidden = [.. hidden];
        _body = RegisterModule("body", new Mlp([latentDim + numClasses, .. hidden, 1], Activation.LeakyRelu, generator));
    }

    /// <summary>Dimension d of the codes.</summary>
    public int LatentDim { get; }

    /// <summary>Number of classes K whose one-hot encoding is appended to the code (0: none).</summary>
    public int NumClasses { get; }

    /// <summary>Whether the discriminator sees the class next to the code (<see cref="NumClasses"/> &gt; 0).</summary>
    public bool IncorporatesLabels => NumClasses > 0;

    /// <summary>Number of input values d + K of the network.</summary>
    public int InputDim => LatentDim + NumClasses;

    /// <summary>Widths of the hidden layers.</summary>
    public IReadOnlyList<int> Hidden { get; }

    /// <summary>The network input for codes (and classes): z, or [z, one-hot(y)] when <see cref="IncorporatesLabels"/>.</summary>
    /// <param name="z">Codes [N, d].</param>
    /// <param name="labels">Classes [N] (integral values in [0, K)); required exactly when <see cref="IncorporatesLabels"/>.</param>
    /// <returns>[N, d + K], in the dtype of <paramref name="z"/>; differentiable in <paramref name="z"/>.</returns>
    /// <exception cref="ArgumentException">A shape does not fit, labels are missing or unexpected, or a label is out of range.</exception>
    public Tensor Input(Tensor z, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Rank != 2 || z.Shape[1] != LatentDim)
        {
            throw new ArgumentException($"Discriminator: codes must have shape [N, {LatentDim}], got {z.Shape}.", nameof(z));
        }

        if (!IncorporatesLabels)
        {
            if (labels is not null)
            {
                throw new ArgumentException(
                    $"Discriminator: this discriminator does not incorporate labels (numClasses = 0), but labels {labels.Shape} were given.", nameof(labels));
            }

            return z;
        }

        if (labels is null)
        {
            throw new ArgumentException($"Discriminator: this discriminator incorporates {NumClasses} classes and needs labels [N] next to the codes {z.Shape}.", nameof(labels));
        }

        if (labels.Rank != 1 || labels.Shape[0] != z.Shape[0])
        {
            throw new ArgumentException($"Discriminator: labels must have shape [{z.Shape[0]}] to match codes {z.Shape}, got {labels.Shape}.", nameof(labels));
        }

        return Tensor.Concat([z, Tensor.OneHot(labels, NumClasses, z.DType)], 1);
    }

    /// <summary>The logits: log-odds that each code is a prior sample.</summary>
    /// <param name="z">Codes [N, d].</param>
    /// <param name="labels">Classes [N]; required exactly when <see cref="IncorporatesLabels"/>.</param>
    /// <returns>Logits [N].</returns>
    /// <exception cref="ArgumentException">A shape does not fit, labels are missing or unexpected, or a label is out of range.</exception>
    public Tensor Forward(Tensor z, Tensor? labels = null) => _body.Forward(Input(z, labels)).Reshape(z.Shape[0]);

    /// <inheritdoc />
    protected override string ExtraRepr() => $"latentDim={LatentDim}, numClasses={NumClasses}, hidden=[{string.Join(", ", Hidden)}]";
}
