using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// The convolutional MNIST decoder of the h-vae repository's MNIST notebook, mirroring <see cref="ConvEncoder"/>:
/// d→450→512 fully connected layers, reshaped to [32, 4, 4], then 5×5 convolutions each followed by
/// nearest-neighbour upsampling to 7, 14 and 28 pixels (source index ⌊dst·in/out⌋), and a last 16→1 convolution
/// that yields one output per pixel. With d = 64 it has 306,615 parameters. p(x|z) is an <see cref="Independent"/>
/// over the 784 pixels (event shape [784], row-major) of the chosen per-pixel <see cref="Models.Likelihood"/>
/// (the notebook's sigmoid + BCE is <see cref="Likelihood.Bernoulli"/> on the logits).
/// </summary>
/// <remarks>
/// Layers, with PyTorch-style names (<c>fc.i</c>, <c>conv.i</c>; indices match the reference's <c>nn.Sequential</c>s):
/// <code>
/// fc:   0 BN1d(d), 1 Linear(d→450), 2 Softplus, 3 BN1d(450), 4 Linear(450→512), 5 Softplus → unflatten [M, 32, 4, 4]
/// conv: 0 BN2d(32), 1 Conv(32→32, 5, p2), 2 Up(7), 3 Softplus, 4 BN2d(32), 5 Conv(32→16, 5, p2), 6 Up(14),
///       7 Softplus, 8 BN2d(16), 9 Conv(16→16, 5, p2), 10 Up(28), 11 Softplus, 12 Conv(16→1, 5, p2) → [M, 1, 28, 28]
/// </code>
/// Codes may have any leading shape [*, d]: they are flattened to M rows for one pass (so batch normalisation sees
/// all of them together, like the reference's <c>decode(z.reshape(k·B, d))</c>) and the outputs reshaped back.
/// </remarks>
public sealed class ConvDecoder : Decoder
{
    /// <summary>Number of pixels of one output image (28·28).</summary>
    public const int Pixels = ConvEncoder.ImageSize * ConvEncoder.ImageSize;

    private readonly Sequential _fc;
    private readonly Sequential _conv;

    /// <summary>Creates the decoder with PyTorch's default initialisation drawn from <paramref name="generator"/>.</summary>
    /// <param name="generator">Random source for the initial weights.</param>
    /// <param name="latentDim">Dimension d of z (the notebook uses 64).</param>
    /// <param name="likelihood">
    /// Per-pixel observation model with one network output per pixel: <see cref="Likelihood.Bernoulli"/> (default),
    /// <see cref="Likelihood.ContinuousBernoulli"/> or <see cref="Likelihood.Gaussian"/>.
    /// </param>
    /// <param name="gaussianStd">Standard deviation of <see cref="Likelihood.Gaussian"/> (ignored otherwise).</param>
    /// <exception cref="ArgumentException">The likelihood needs more than one output per pixel.</exception>
    public ConvDecoder(Generator generator, int latentDim = 64, Likelihood likelihood = Likelihood.Bernoulli, double gaussianStd = 1.0)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        if (likelihood is not (Likelihood.Bernoulli or Likelihood.ContinuousBernoulli or Likelihood.Gaussian))
        {
            throw new ArgumentException($"ConvDecoder: likelihood {likelihood} is not supported (one output per pixel: Bernoulli, ContinuousBernoulli or Gaussian).", nameof(likelihood));
        }

        if (!(gaussianStd > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(gaussianStd), $"gaussianStd must be positive, got {gaussianStd}.");
        }

        LatentDim = latentDim;
        Likelihood = likelihood;
        GaussianStd = gaussianStd;
        _fc = RegisterModule("fc", new Sequential(
            new BatchNorm1d(latentDim),
            new Linear(latentDim, 450, generator),
            new Softplus(),
            new BatchNorm1d(450),
            new Linear(450, 512, generator),
            new Softplus()));
        _conv = RegisterModule("conv", new Sequential(
            new BatchNorm2d(32),
            new Conv2d(32, 32, 5, generator, padding: 2),
            Upsample.ToSize(7),
            new Softplus(),
            new BatchNorm2d(32),
            new Conv2d(32, 16, 5, generator, padding: 2),
            Upsample.ToSize(14),
            new Softplus(),
            new BatchNorm2d(16),
            new Conv2d(16, 16, 5, generator, padding: 2),
            Upsample.ToSize(28),
            new Softplus(),
            new Conv2d(16, 1, 5, generator, padding: 2)));
    }

    /// <summary>Dimension d of the codes.</summary>
    public int LatentDim { get; }

    /// <summary>The per-pixel observation model.</summary>
    public Likelihood Likelihood { get; }

    /// <summary>Standard deviation of the fixed-variance Gaussian likelihood.</summary>
    public double GaussianStd { get; }

    /// <inheritdoc />
    public override Shape EventShape => new(Pixels);

    /// <summary>The network's outputs (logits for Bernoulli likelihoods, means for Gaussian) for codes <paramref name="z"/>.</summary>
    /// <param name="z">Codes [*, LatentDim] (at least one leading dimension).</param>
    /// <returns>[*, 784].</returns>
    /// <exception cref="ArgumentException">The codes do not end in LatentDim.</exception>
    public Tensor Logits(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Rank < 2 || z.Shape[-1] != LatentDim)
        {
            throw new ArgumentException($"ConvDecoder: codes of shape {z.Shape} must be [*, {LatentDim}] with at least one leading dimension.", nameof(z));
        }

        var lead = z.Shape.Dims[..^1];
        int rows = z.Numel / LatentDim;
        var h = _fc.Forward(z.Rank == 2 ? z : z.Reshape(rows, LatentDim));
        var images = _conv.Forward(h.Reshape(rows, 32, 4, 4));
        return images.Reshape([.. lead, Pixels]);
    }

    /// <summary>p(x|z) for a batch of codes.</summary>
    /// <param name="input">Codes [*, LatentDim].</param>
    /// <returns>A distribution with batch shape [*] and event shape [784].</returns>
    public override Distribution Forward(Tensor input)
    {
        var h = Logits(input);
        return Likelihood switch
        {
            Likelihood.Bernoulli => new Independent(Bernoulli.FromLogits(h), 1),
            Likelihood.ContinuousBernoulli => new Independent(ContinuousBernoulli.FromLogits(h), 1),
            _ => new Independent(new Normal(h, h.FullLike(GaussianStd)), 1),
        };
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"latentDim={LatentDim}, likelihood={Likelihood}";
}
