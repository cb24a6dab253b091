using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// A decoder made of a body network and a <see cref="Models.Likelihood"/> head that turns the body's outputs into
/// p(x|z) with event shape [D]: an <see cref="Independent"/> over pixels of the chosen per-pixel distribution.
/// </summary>
public sealed class LikelihoodDecoder : Decoder
{
    private readonly Module<Tensor, Tensor> _body;

    /// <summary>Wraps a body network.</summary>
    /// <param name="body">Maps [N, d] codes to [N, k·D] outputs, k = <see cref="OutputsPerPixel"/> of the likelihood.</param>
    /// <param name="dataDim">D, the number of values in one observation.</param>
    /// <param name="likelihood">The per-pixel observation model.</param>
    /// <param name="gaussianStd">Standard deviation of <see cref="Likelihood.Gaussian"/> (ignored otherwise).</param>
    public LikelihoodDecoder(Module<Tensor, Tensor> body, int dataDim, Likelihood likelihood, double gaussianStd = 1.0)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(dataDim, 1);
        if (!(gaussianStd > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(gaussianStd), $"gaussianStd must be positive, got {gaussianStd}.");
        }

        DataDim = dataDim;
        Likelihood = likelihood;
        GaussianStd = gaussianStd;
        _body = RegisterModule("body", body);
    }

    /// <summary>
    /// An MLP decoder: <paramref name="latentDim"/> → hidden layers → k·<paramref name="dataDim"/> outputs
    /// (the canonical VAE is <c>Mlp(20, [400], 784, Likelihood.Bernoulli, Activation.Relu, g)</c>).
    /// </summary>
    public static LikelihoodDecoder Mlp(int latentDim, IReadOnlyList<int> hidden, int dataDim, Likelihood likelihood, Activation activation, Generator generator, double gaussianStd = 1.0)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        int[] sizes = [latentDim, .. hidden, OutputsPerPixel(likelihood) * dataDim];
        return new LikelihoodDecoder(new Vae.Models.Mlp(sizes, activation, generator), dataDim, likelihood, gaussianStd);
    }

    /// <summary>Number of network outputs per pixel the likelihood needs (1, 2 or 256).</summary>
    public static int OutputsPerPixel(Likelihood likelihood) => likelihood switch
    {
        Likelihood.GaussianLearnedVariance => 2,
        Likelihood.Categorical256 => 256,
        _ => 1,
    };

    /// <summary>D, the number of values in one observation.</summary>
    public int DataDim { get; }

    /// <summary>The per-pixel observation model.</summary>
    public Likelihood Likelihood { get; }

    /// <summary>Standard deviation of the fixed-variance Gaussian likelihood.</summary>
    public double GaussianStd { get; }

    /// <inheritdoc />
    public override Shape EventShape => new(DataDim);

    /// <summary>The body network's raw outputs (logits or means) for codes <paramref name="z"/> [N, d]: [N, k·D].</summary>
    public Tensor Logits(Tensor z) => _body.Forward(z);

    /// <summary>p(x|z) for a batch of codes.</summary>
    /// <param name="input">Codes [N, d] (any leading shape [*, d] works; the batch shape is then [*]).</param>
    /// <returns>A distribution with batch shape [N] and event shape [D].</returns>
    public override Distribution Forward(Tensor input)
    {
        var h = _body.Forward(input);
        int k = OutputsPerPixel(Likelihood);
        if (h.Shape[-1] != k * DataDim)
        {
            throw new InvalidOperationException(
                $"LikelihoodDecoder: the body network produced {h.Shape} for codes {input.Shape}; expected [*, {k * DataDim}] ({k} output(s) per value for {Likelihood}, D = {DataDim}).");
        }

        return Likelihood switch
        {
            Likelihood.Bernoulli => new Independent(Bernoulli.FromLogits(h), 1),
            Likelihood.ContinuousBernoulli => new Independent(ContinuousBernoulli.FromLogits(h), 1),
            Likelihood.Gaussian => new Independent(new Normal(h, h.FullLike(GaussianStd)), 1),
            Likelihood.GaussianLearnedVariance => GaussianWithLogVar(h),
            Likelihood.Categorical256 => new Independent(new Categorical(h.Reshape([.. h.Shape.Dims[..^1], DataDim, 256])), 1),
            _ => throw new InvalidOperationException($"Unknown likelihood {Likelihood}."),
        };
    }

    private static Independent GaussianWithLogVar(Tensor h)
    {
        var parts = h.Chunk(2, -1);
        return new Independent(new Normal(parts[0], (parts[1] * 0.5).Exp()), 1);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"dataDim={DataDim}, likelihood={Likelihood}";
}
