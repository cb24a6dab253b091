using Vae.Core;

namespace Vae.Models;

/// <summary>
/// What every autoencoder-style model offers for looking at it: codes for inputs, outputs for codes, and the
/// operations built from them (reconstruction, generation, interpolation). All methods run without recording
/// gradients and return values (decoder means), not distributions.
/// </summary>
public interface ILatentVariableModel
{
    /// <summary>Dimension of the latent code.</summary>
    int LatentDim { get; }

    /// <summary>Point codes for inputs (posterior means for VAEs).</summary>
    /// <param name="x">Inputs [N, *].</param>
    /// <returns>Codes [N, LatentDim].</returns>
    Tensor EncodeMean(Tensor x);

    /// <summary>Decoder means for codes.</summary>
    /// <param name="z">Codes [N, LatentDim].</param>
    /// <returns>Outputs [N, *] (e.g. pixel intensities in [0, 1]).</returns>
    Tensor DecodeMean(Tensor z);

    /// <summary>Generates <paramref name="count"/> new outputs from codes drawn from the model's prior.</summary>
    /// <returns>Outputs [count, *].</returns>
    Tensor Sample(int count, Generator generator);

    /// <summary>Decodes the codes of <paramref name="x"/>: outputs of x's shape.</summary>
    Tensor Reconstruct(Tensor x)
    {
        using (Autograd.NoGrad())
        {
            return DecodeMean(EncodeMean(x));
        }
    }

    /// <summary>
    /// Decodes <paramref name="steps"/> codes evenly spaced on the segment between the codes of two inputs.
    /// </summary>
    /// <param name="x1">First input [*] or [1, *].</param>
    /// <param name="x2">Second input, same shape.</param>
    /// <param name="steps">Number of points including both ends (≥ 2).</param>
    /// <returns>Outputs [steps, *]; the first and last are the reconstructions of x1 and x2.</returns>
    Tensor Interpolate(Tensor x1, Tensor x2, int steps)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        if (x1.Shape != x2.Shape)
        {
            throw new ArgumentException($"Interpolate: inputs have different shapes {x1.Shape} and {x2.Shape}.");
        }

        using (Autograd.NoGrad())
        {
            var pair = Tensor.Concat([AsBatch(x1), AsBatch(x2)], 0);
            var z = EncodeMean(pair);
            var t = Tensor.Linspace(0, 1, steps, z.DType).Reshape(steps, 1);
            var path = (z.Narrow(0, 0, 1) * t.RSub(1.0)) + (z.Narrow(0, 1, 1) * t);
            return DecodeMean(path);
        }

        Tensor AsBatch(Tensor x) => x.Rank >= 1 && x.Shape[0] == 1 && x.Rank > 1 ? x : x.Unsqueeze(0);
    }
}
