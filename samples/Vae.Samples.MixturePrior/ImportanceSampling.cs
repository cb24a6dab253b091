using Vae.Core;
using Vae.Models;

namespace Vae.Samples.MixturePrior;

/// <summary>
/// A minimal importance-sampled log-likelihood estimator for this sample only (the library's evaluator is being written
/// separately): with z_s ~ q(z|x), log w_s = log p(x|z_s) + log p(z_s) − log q(z_s|x),
/// log p(x) ≈ log (1/S) Σ_s w_s (a lower bound in expectation that tightens as S grows), and the mean of log w_s is an
/// unbiased estimate of the ELBO with the exact KL (whatever the prior).
/// </summary>
internal static class ImportanceSampling
{
    /// <summary>Per-example estimates for <paramref name="x"/> [N, D].</summary>
    /// <returns>
    /// log p(x) estimates [N], ELBO estimates [N] and reconstruction terms E_q[log p(x|z)] [N] (mean over the S draws), in nats.
    /// </returns>
    public static (double[] LogLikelihood, double[] Elbo, double[] Reconstruction) Evaluate(
        VariationalAutoencoder vae, Tensor x, int samples, Generator generator, Action<int>? progress = null, int rowsPerPass = 4096)
    {
        int n = x.Shape[0], dim = x.Shape[1];
        var logLikelihood = new double[n];
        var elbo = new double[n];
        var reconstruction = new double[n];
        int perPass = Math.Max(1, rowsPerPass / samples);
        using (Autograd.NoGrad())
        {
            var prior = vae.Prior.Distribution();
            for (int start = 0; start < n; start += perPass)
            {
                int count = Math.Min(perPass, n - start);
                var xb = x.Narrow(0, start, count);
                var q = vae.Encode(xb);
                var z = q.Sample(new Shape(samples), generator); // [S, count, d]
                var logQ = q.LogProb(z); // [S, count]
                var logPrior = prior.LogProb(z); // [S, count]
                var flatZ = z.Reshape(samples * count, vae.LatentDim);
                var repeated = xb.Unsqueeze(0).Expand(samples, count, dim).Reshape(samples * count, dim);
                var logLik = vae.Decode(flatZ).LogProb(repeated).Reshape(samples, count);
                var logW = (logLik + logPrior - logQ).Double();
                var ll = (logW.LogSumExp(0) - Math.Log(samples)).ToDoubleArray();
                var mean = logW.Mean(0).ToDoubleArray();
                var recon = logLik.Double().Mean(0).ToDoubleArray();
                ll.CopyTo(logLikelihood, start);
                recon.CopyTo(reconstruction, start);
                mean.CopyTo(elbo, start);
                progress?.Invoke(count);
            }
        }

        return (logLikelihood, elbo, reconstruction);
    }
}
