using Vae.Core;
using Vae.Core.Data;
using Vae.Distributions;

namespace Vae.Models.Evaluation;

/// <summary>
/// The importance-sampled estimate of the marginal log-likelihood (Burda, Grosse &amp; Salakhutdinov 2015, the test
/// NLL of VAE papers): log p(x) ≈ log (1/k) Σₖ p(x|zₖ) p(zₖ) / q(zₖ|x) with zₖ ~ q(z|x). It is a stochastic lower bound
/// that rises with k towards log p(x) (k = 1 is the ELBO in expectation) and works for any encoder, decoder and prior
/// that have <see cref="Distribution.LogProb"/> (no analytic KL is needed, so mixture priors are fine).
/// </summary>
/// <remarks>
/// Memory stays bounded for any k: the k draws are processed <c>chunkSize</c> at a time and combined with a running
/// log-sum-exp in float64, and examples are taken a batch at a time; a chunk decodes chunkSize × batch codes at once.
/// Runs in evaluation mode (restored afterwards) without recording gradients.
/// </remarks>
public static class ImportanceSampling
{
    /// <summary>Default number of importance samples per chunk.</summary>
    public const int DefaultChunkSize = 100;

    /// <summary>log p(x) for each example of one batch.</summary>
    /// <param name="encoder">q(z|x).</param>
    /// <param name="decoder">p(x|z).</param>
    /// <param name="prior">p(z).</param>
    /// <param name="x">Inputs [B, *] as the encoder and decoder expect them.</param>
    /// <param name="samples">k, importance samples per example (≥ 1).</param>
    /// <param name="generator">Source of the draws zₖ ~ q(z|x).</param>
    /// <param name="chunkSize">Draws decoded at once per example (≥ 1); memory ∝ chunkSize × B × the data size.</param>
    /// <returns>log p(x) per example, [B] values.</returns>
    public static double[] LogLikelihood(Encoder encoder, Decoder decoder, Prior prior, Tensor x, int samples, Generator generator, int chunkSize = DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (x.Rank < 1 || x.Shape[0] < 1)
        {
            throw new ArgumentException($"ImportanceSampling: x must be a non-empty batch [B, *], got {x.Shape}.", nameof(x));
        }

        using (new EvalMode(encoder, decoder, prior))
        using (Autograd.NoGrad())
        using (TensorScope.Begin())
        {
            return Batch(encoder, decoder, prior.Distribution(), x, samples, generator, chunkSize);
        }
    }

    /// <summary>log p(x) for each example of one batch under a VAE's encoder, decoder and prior.</summary>
    /// <param name="model">The model.</param>
    /// <param name="x">Inputs [B, *].</param>
    /// <param name="samples">k (≥ 1).</param>
    /// <param name="generator">Source of the draws.</param>
    /// <param name="chunkSize">Draws decoded at once per example.</param>
    /// <returns>log p(x) per example.</returns>
    public static double[] LogLikelihood(VariationalAutoencoder model, Tensor x, int samples, Generator generator, int chunkSize = DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        return LogLikelihood(model.Encoder, model.Decoder, model.Prior, x, samples, generator, chunkSize);
    }

    /// <summary>log p(x) of every example of a dataset.</summary>
    /// <param name="encoder">q(z|x).</param>
    /// <param name="decoder">p(x|z).</param>
    /// <param name="prior">p(z).</param>
    /// <param name="data">Batches whose first tensor is x [B, *] (other tensors, e.g. labels, are ignored).</param>
    /// <param name="samples">k (Burda et al. use 5000).</param>
    /// <param name="generator">Source of the draws.</param>
    /// <param name="chunkSize">Draws decoded at once per example.</param>
    /// <param name="progress">Receives the number of examples done after each batch, or null.</param>
    /// <returns>Per-example values and their mean (report <see cref="LogLikelihoodResult.Nll"/>).</returns>
    public static LogLikelihoodResult Evaluate(
        Encoder encoder, Decoder decoder, Prior prior, DataLoader data, int samples, Generator generator,
        int chunkSize = DefaultChunkSize, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var values = new List<double>(data.Dataset.Count);
        using (new EvalMode(encoder, decoder, prior))
        using (Autograd.NoGrad())
        {
            var p = prior.Distribution();
            foreach (var batch in data)
            {
                using var scope = TensorScope.Begin();
                values.AddRange(Batch(encoder, decoder, p, batch[0], samples, generator, chunkSize));
                progress?.Report(values.Count);
            }
        }

        if (values.Count == 0)
        {
            throw new ArgumentException("ImportanceSampling: the data yields no examples.", nameof(data));
        }

        return new LogLikelihoodResult(values, samples);
    }

    /// <summary>log p(x) of every example of a dataset under a VAE's encoder, decoder and prior.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Batches whose first tensor is x [B, *].</param>
    /// <param name="samples">k (Burda et al. use 5000).</param>
    /// <param name="generator">Source of the draws.</param>
    /// <param name="chunkSize">Draws decoded at once per example.</param>
    /// <param name="progress">Receives the number of examples done after each batch, or null.</param>
    public static LogLikelihoodResult Evaluate(
        VariationalAutoencoder model, DataLoader data, int samples, Generator generator,
        int chunkSize = DefaultChunkSize, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Evaluate(model.Encoder, model.Decoder, model.Prior, data, samples, generator, chunkSize, progress);
    }

    private static double[] Batch(Encoder encoder, Decoder decoder, Distribution prior, Tensor x, int samples, Generator generator, int chunkSize)
    {
        int n = x.Shape[0];
        var q = encoder.Forward(x);
        if (q.BatchShape.Rank != 1 || q.BatchShape[0] != n || q.EventShape.Rank != 1)
        {
            throw new InvalidOperationException(
                $"ImportanceSampling: q(z|x) for x {x.Shape} has batch shape {q.BatchShape} and event shape {q.EventShape}; expected batch [{n}] and event [d].");
        }

        int d = q.EventShape[0];
        int chunk = Math.Min(chunkSize, samples);
        var itemShape = x.Shape.Dims[1..];
        var repeated = x.Unsqueeze(0).Expand([chunk, .. x.Shape.Dims]).Reshape([chunk * n, .. itemShape]); // [chunk·B, *], shared by every full chunk
        var total = new double[n];
        Array.Fill(total, double.NegativeInfinity);
        for (int done = 0; done < samples; done += chunk)
        {
            using var scope = TensorScope.Begin(); // one chunk's tensors; their storage serves the next chunk
            int c = Math.Min(chunk, samples - done);
            var z = q.Sample(new Shape(c), generator); // [c, B, d]
            var logQ = q.LogProb(z);
            var logPrior = prior.LogProb(z);
            var xs = c == chunk ? repeated : repeated.Narrow(0, 0, c * n);
            var logLik = decoder.Forward(z.Reshape(c * n, d)).LogProb(xs).Reshape(c, n);
            var logW = (logLik + logPrior - logQ).Double();
            var chunkLse = logW.LogSumExp(0).ToDoubleArray();
            for (int i = 0; i < n; i++)
            {
                total[i] = LogAddExp(total[i], chunkLse[i]);
            }
        }

        double logK = Math.Log(samples);
        for (int i = 0; i < n; i++)
        {
            total[i] -= logK;
        }

        return total;
    }

    private static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        double m = Math.Max(a, b);
        return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
    }
}
