using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;
using Vae.Models;

namespace Vae.Models.Tests;

/// <summary>
/// z ~ N(0, I₂), x | z ~ N(W z + b, σ² I₅) with orthogonal columns of W, so that p(x) = N(b, W Wᵀ + σ² I) and the
/// exact posterior is a diagonal Gaussian: Σ = (I + WᵀW/σ²)⁻¹, μ = Σ Wᵀ (x − b)/σ². All in float64.
/// </summary>
internal sealed class LinearGaussianModel
{
    public const int D = 5, Latent = 2;
    public const double Sigma = 0.5;

    // Columns of W: orthogonal (u1 ⟂ u2), lengths 2 and 1.
    private static readonly double[,] W =
    {
        { 2 * 0.6, 0.0 },
        { 2 * 0.8, 0.0 },
        { 0.0, 1.0 / Math.Sqrt(2) },
        { 0.0, 0.0 },
        { 0.0, -1.0 / Math.Sqrt(2) },
    };

    private static readonly double[] B = [0.5, -1.0, 0.25, 2.0, 0.0];

    public LinearGaussianModel(double meanShift = 0, double varianceScale = 1)
    {
        var g = new Generator(1);
        var decoderBody = new Linear(Latent, D, g, dtype: DType.Float64);
        decoderBody.Weight.CopyFrom(Tensor.FromArray(W));
        decoderBody.Bias!.CopyFrom(Tensor.FromArray(B, D));
        Decoder = new LikelihoodDecoder(decoderBody, D, Likelihood.Gaussian, Sigma);

        // Exact posterior: WᵀW is diagonal (s₁², s₂²), so Σ = diag(1 / (1 + sᵢ²/σ²)).
        var encoderBody = new Linear(D, 2 * Latent, g, dtype: DType.Float64);
        var we = new double[2 * Latent, D];
        var be = new double[2 * Latent];
        for (int i = 0; i < Latent; i++)
        {
            double s2 = 0;
            for (int r = 0; r < D; r++)
            {
                s2 += W[r, i] * W[r, i];
            }

            double variance = 1 / (1 + (s2 / (Sigma * Sigma)));
            double bias = 0;
            for (int r = 0; r < D; r++)
            {
                we[i, r] = variance * W[r, i] / (Sigma * Sigma);
                bias -= we[i, r] * B[r];
            }

            be[i] = bias + meanShift;
            be[Latent + i] = Math.Log(variance * varianceScale);
        }

        encoderBody.Weight.CopyFrom(Tensor.FromArray(we));
        encoderBody.Bias!.CopyFrom(Tensor.FromArray(be, 2 * Latent));
        Encoder = new GaussianEncoder(encoderBody, Latent);
        Prior = new StandardNormalPrior(Latent, DType.Float64);
        Model = new VariationalAutoencoder(Encoder, Decoder, Prior);
    }

    public GaussianEncoder Encoder { get; }

    public LikelihoodDecoder Decoder { get; }

    public StandardNormalPrior Prior { get; }

    public VariationalAutoencoder Model { get; }

    /// <summary>n draws from p(x), [n, 5].</summary>
    public static Tensor SampleData(int n, ulong seed)
    {
        var g = new Generator(seed);
        var z = Tensor.Randn(new Shape(n, Latent), g, DType.Float64);
        var noise = Tensor.Randn(new Shape(n, D), g, DType.Float64) * Sigma;
        return z.MatMul(Tensor.FromArray(W).Transpose(0, 1)) + Tensor.FromArray(B, D) + noise;
    }

    /// <summary>The exact log p(x) per row, from the marginal N(b, WWᵀ + σ²I).</summary>
    public static double[] ExactLogMarginal(Tensor x)
    {
        var w = Tensor.FromArray(W);
        var covariance = w.MatMul(w.Transpose(0, 1)) + (Tensor.Eye(D, dtype: DType.Float64) * (Sigma * Sigma));
        return new MultivariateNormal(Tensor.FromArray(B, D), covariance).LogProb(x).ToDoubleArray();
    }
}
