using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// The convolutional MNIST encoder of the h-vae repository's MNIST notebook (Hamiltonian VAE experiments), for 28×28
/// single-channel images: three 5×5 stride-2 convolutions (1→16→32→32 channels, 28→14→7→4 pixels) with batch
/// normalisation and softplus, then 512→450→2·d fully connected layers. The head outputs the mean μ and the
/// <b>log standard deviation</b> log σ (not the log-variance); q(z|x) = Π N(zᵢ; μᵢ, σᵢ²). With d = 64 it has
/// 328,520 parameters.
/// </summary>
/// <remarks>
/// Layers, with PyTorch-style names (<c>conv.i</c>, <c>fc.i</c>; the indices match the reference's
/// <c>nn.Sequential</c>s, activations included):
/// <code>
/// conv: 0 BN2d(1), 1 Conv(1→16, 5, s2, p2), 2 Softplus, 3 BN2d(16), 4 Conv(16→32, 5, s2, p2), 5 Softplus,
///       6 BN2d(32), 7 Conv(32→32, 5, s2, p2), 8 BN2d(32)                      → [N, 32, 4, 4] → flatten [N, 512]
/// fc:   0 Linear(512→450), 1 Softplus, 2 BN1d(450), 3 Linear(450→2·d)        → μ = [:, :d], log σ = [:, d:]
/// </code>
/// Softplus uses PyTorch's threshold 20; batch normalisation has PyTorch's defaults (eps 1e-5, momentum 0.1), so
/// the encoder behaves differently in training and evaluation mode (<see cref="Module.Train(bool)"/>).
/// </remarks>
public sealed class ConvEncoder : Encoder
{
    /// <summary>Side length of the images the network is built for.</summary>
    public const int ImageSize = 28;

    private readonly Sequential _conv;
    private readonly Sequential _fc;

    /// <summary>Creates the encoder with PyTorch's default initialisation drawn from <paramref name="generator"/>.</summary>
    /// <param name="generator">Random source for the initial weights.</param>
    /// <param name="latentDim">Dimension d of z (the notebook uses 64).</param>
    public ConvEncoder(Generator generator, int latentDim = 64)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        LatentDim = latentDim;
        _conv = RegisterModule("conv", new Sequential(
            new BatchNorm2d(1),
            new Conv2d(1, 16, 5, generator, stride: 2, padding: 2),
            new Softplus(),
            new BatchNorm2d(16),
            new Conv2d(16, 32, 5, generator, stride: 2, padding: 2),
            new Softplus(),
            new BatchNorm2d(32),
            new Conv2d(32, 32, 5, generator, stride: 2, padding: 2),
            new BatchNorm2d(32)));
        _fc = RegisterModule("fc", new Sequential(
            new Linear(512, 450, generator),
            new Softplus(),
            new BatchNorm1d(450),
            new Linear(450, 2 * latentDim, generator)));
    }

    /// <inheritdoc />
    public override int LatentDim { get; }

    /// <summary>The posterior parameters for a batch.</summary>
    /// <param name="input">Images [N, 784] (row-major pixels) or [N, 1, 28, 28].</param>
    /// <returns>μ and log σ, each [N, LatentDim].</returns>
    /// <exception cref="ArgumentException">The input is neither [N, 784] nor [N, 1, 28, 28].</exception>
    public (Tensor Mean, Tensor LogScale) Parameters(Tensor input)
    {
        var images = AsImages(input);
        var h = _conv.Forward(images);
        var head = _fc.Forward(h.Reshape(h.Shape[0], 512));
        var parts = head.Chunk(2, 1);
        return (parts[0], parts[1]);
    }

    /// <summary>q(z|x) for a batch.</summary>
    /// <param name="input">Images [N, 784] or [N, 1, 28, 28].</param>
    /// <returns>A diagonal Gaussian with batch shape [N] and event shape [LatentDim].</returns>
    public override Distribution Forward(Tensor input)
    {
        var (mean, logScale) = Parameters(input);
        return new Independent(Normal.WithLogScale(mean, logScale), 1);
    }

    private static Tensor AsImages(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 2 && input.Shape[1] == ImageSize * ImageSize)
        {
            return input.Reshape(input.Shape[0], 1, ImageSize, ImageSize);
        }

        if (input.Rank == 4 && input.Shape[1] == 1 && input.Shape[2] == ImageSize && input.Shape[3] == ImageSize)
        {
            return input;
        }

        throw new ArgumentException(
            $"ConvEncoder: input shape {input.Shape} must be [N, {ImageSize * ImageSize}] or [N, 1, {ImageSize}, {ImageSize}].", nameof(input));
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"latentDim={LatentDim}";
}
