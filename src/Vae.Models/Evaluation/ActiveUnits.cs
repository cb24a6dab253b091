using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;

namespace Vae.Models.Evaluation;

/// <summary>
/// Counts active latent units (Burda, Grosse &amp; Salakhutdinov 2015): unit i is active when
/// A_i = Cov_x(E_{q(z|x)}[zᵢ]) &gt; 0.01, i.e. when its posterior mean varies across the data. Inactive units carry
/// no information about x (posterior collapse). The variance is the population variance (divided by N), accumulated
/// in float64.
/// </summary>
public static class ActiveUnits
{
    /// <summary>The threshold of Burda et al.</summary>
    public const double DefaultThreshold = 0.01;

    /// <summary>Active units of any model with point codes (posterior means for VAEs, the codes of an autoencoder).</summary>
    /// <param name="model">The model; <see cref="ILatentVariableModel.EncodeMean"/> gives E_q[z|x].</param>
    /// <param name="data">Batches whose first tensor is x [B, *].</param>
    /// <param name="threshold">Variance above which a unit counts as active.</param>
    /// <exception cref="ArgumentException"><paramref name="data"/> yields no examples.</exception>
    public static ActiveUnitsResult Measure(ILatentVariableModel model, DataLoader data, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Measure(model.EncodeMean, model as Module, data, threshold);
    }

    /// <summary>Active units of an encoder, from the means of q(z|x).</summary>
    /// <param name="encoder">q(z|x).</param>
    /// <param name="data">Batches whose first tensor is x [B, *].</param>
    /// <param name="threshold">Variance above which a unit counts as active.</param>
    /// <exception cref="ArgumentException"><paramref name="data"/> yields no examples.</exception>
    public static ActiveUnitsResult Measure(Encoder encoder, DataLoader data, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return Measure(x => encoder.Forward(x).Mean, encoder, data, threshold);
    }

    private static ActiveUnitsResult Measure(Func<Tensor, Tensor> means, Module? module, DataLoader data, double threshold)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(threshold >= 0) || double.IsPositiveInfinity(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"ActiveUnits: the threshold must be finite and ≥ 0, got {threshold}.");
        }

        double[]? mean = null, m2 = null;
        long count = 0;
        using (new EvalMode(module))
        using (Autograd.NoGrad())
        {
            foreach (var batch in data)
            {
                var mu = means(batch[0]);
                if (mu.Rank != 2)
                {
                    throw new InvalidOperationException($"ActiveUnits: posterior means have shape {mu.Shape}; expected [B, d].");
                }

                int b = mu.Shape[0], d = mu.Shape[1];
                mean ??= new double[d];
                m2 ??= new double[d];
                var values = mu.ToDoubleArray();

                // Chan et al.'s parallel update of mean and sum of squared deviations, per unit.
                for (int j = 0; j < d; j++)
                {
                    double bm = 0;
                    for (int i = 0; i < b; i++)
                    {
                        bm += values[(i * d) + j];
                    }

                    bm /= b;
                    double bss = 0;
                    for (int i = 0; i < b; i++)
                    {
                        double e = values[(i * d) + j] - bm;
                        bss += e * e;
                    }

                    double delta = bm - mean[j];
                    long total = count + b;
                    mean[j] += delta * b / total;
                    m2[j] += bss + (delta * delta * count * b / total);
                }

                count += b;
            }
        }

        if (count == 0)
        {
            throw new ArgumentException("ActiveUnits: the data yields no examples.", nameof(data));
        }

        return new ActiveUnitsResult([.. m2!.Select(v => v / count)], threshold);
    }
}
