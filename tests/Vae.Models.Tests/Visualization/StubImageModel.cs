using Vae.Core;
using Vae.Models;

namespace Vae.Models.Tests;

/// <summary>
/// A transparent latent-variable model of 4×4 images for layout tests: code z decodes to an image whose top half is
/// (z₀ + 3)/6 and bottom half (z₁ + 3)/6; encoding reads z₀ and z₁ back from the first and last pixel.
/// </summary>
internal sealed class StubImageModel(int latentDim = 2) : ILatentVariableModel
{
    public const int Side = 4, Pixels = Side * Side;

    public int LatentDim { get; } = latentDim;

    public static float Top(double z0) => (float)((z0 + 3) / 6);

    public Tensor EncodeMean(Tensor x)
    {
        var v = x.ToArray();
        int n = x.Shape[0];
        var z = new float[n * LatentDim];
        for (int i = 0; i < n; i++)
        {
            z[i * LatentDim] = (6 * v[i * Pixels]) - 3;
            z[(i * LatentDim) + 1] = (6 * v[(i * Pixels) + Pixels - 1]) - 3;
        }

        return Tensor.FromArray(z, n, LatentDim);
    }

    public Tensor DecodeMean(Tensor z)
    {
        var c = z.ToArray();
        int n = z.Shape[0];
        var x = new float[n * Pixels];
        for (int i = 0; i < n; i++)
        {
            for (int p = 0; p < Pixels; p++)
            {
                x[(i * Pixels) + p] = Top(c[(i * LatentDim) + (p < Pixels / 2 ? 0 : 1)]);
            }
        }

        return Tensor.FromArray(x, n, Pixels);
    }

    public Tensor Sample(int count, Generator generator) => DecodeMean(Tensor.Randn(new Shape(count, LatentDim), generator));
}
