using Vae.Core;
using Vae.Core.Data;

namespace Vae.Models.Evaluation;

/// <summary>
/// Test-set objectives: the ELBO and its terms for a <see cref="VariationalAutoencoder"/> and the reconstruction loss
/// of an <see cref="Autoencoder"/>, averaged per example over a dataset. Models are evaluated in evaluation mode
/// (restored afterwards) without recording gradients.
/// </summary>
public static class ElboEvaluator
{
    /// <summary>
    /// The ELBO terms over every batch of <paramref name="data"/> (the first tensor of each batch is x; the others,
    /// e.g. labels, are ignored). Uses the model's own <see cref="VariationalAutoencoder.Elbo"/>, so subclasses that
    /// change it are evaluated by their own definition.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Batches whose first tensor is x [B, *].</param>
    /// <param name="generator">Source of the posterior draws.</param>
    /// <param name="samples">Posterior draws per example, averaged (1 is the single-sample estimate of the training loss).</param>
    /// <returns>Means per example and the per-example negative ELBO.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> yields no examples.</exception>
    public static ElboResult Evaluate(VariationalAutoencoder model, DataLoader data, Generator generator, int samples = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        double reconstruction = 0, kl = 0;
        var perExample = new List<double>(data.Dataset.Count);
        using (new EvalMode(model))
        using (Autograd.NoGrad())
        {
            foreach (var batch in data)
            {
                var x = batch[0];
                double[]? ll = null, k = null;
                for (int s = 0; s < samples; s++)
                {
                    using var scope = TensorScope.Begin();
                    var terms = model.Elbo(x, generator);
                    Accumulate(ref ll, terms.LogLikelihood.ToDoubleArray());
                    Accumulate(ref k, terms.Kl.ToDoubleArray());
                }

                for (int i = 0; i < ll!.Length; i++)
                {
                    double r = -ll[i] / samples, d = k![i] / samples;
                    reconstruction += r;
                    kl += d;
                    perExample.Add(r + d);
                }
            }
        }

        if (perExample.Count == 0)
        {
            throw new ArgumentException("ElboEvaluator: the data yields no examples.", nameof(data));
        }

        return new ElboResult(reconstruction / perExample.Count, kl / perExample.Count, perExample, samples);
    }

    /// <summary>The ELBO terms of the examples in <paramref name="x"/>, evaluated in batches.</summary>
    /// <param name="model">The model.</param>
    /// <param name="x">Inputs [N, *].</param>
    /// <param name="generator">Source of the posterior draws.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    /// <param name="samples">Posterior draws per example, averaged.</param>
    public static ElboResult Evaluate(VariationalAutoencoder model, Tensor x, Generator generator, int batchSize = 500, int samples = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Evaluate(model, new DataLoader(new TensorDataset(x), batchSize), generator, samples);
    }

    /// <summary>
    /// Mean reconstruction loss −log p(x | encoder(x)) per example of an autoencoder (BCE summed over pixels for a
    /// Bernoulli decoder; comparable with <see cref="ElboResult.Reconstruction"/>).
    /// </summary>
    /// <param name="model">The autoencoder.</param>
    /// <param name="data">Batches whose first tensor is x [B, *].</param>
    /// <exception cref="ArgumentException"><paramref name="data"/> yields no examples.</exception>
    public static double ReconstructionLoss(Autoencoder model, DataLoader data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        double sum = 0;
        long count = 0;
        using (new EvalMode(model))
        using (Autograd.NoGrad())
        {
            foreach (var batch in data)
            {
                using var scope = TensorScope.Begin();
                var x = batch[0];
                sum -= model.Decoder.Forward(model.Encode(x)).LogProb(x).Double().Sum().Item();
                count += x.Shape[0];
            }
        }

        return count > 0 ? sum / count : throw new ArgumentException("ElboEvaluator: the data yields no examples.", nameof(data));
    }

    /// <summary>Mean reconstruction loss per example of an autoencoder over the examples in <paramref name="x"/>.</summary>
    /// <param name="model">The autoencoder.</param>
    /// <param name="x">Inputs [N, *].</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    public static double ReconstructionLoss(Autoencoder model, Tensor x, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(x);
        return ReconstructionLoss(model, new DataLoader(new TensorDataset(x), batchSize));
    }

    private static void Accumulate(ref double[]? sum, double[] values)
    {
        if (sum is null)
        {
            sum = values;
            return;
        }

        for (int i = 0; i < sum.Length; i++)
        {
            sum[i] += values[i];
        }
    }
}
