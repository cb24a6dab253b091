using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// Categorical distribution over one-hot vectors: parameters of shape <c>BatchShape + [K]</c>, event shape [K], values
/// of shape <c>sampleShape + BatchShape + [K]</c> holding a single 1 per event. A thin view of a
/// <see cref="Distributions.Categorical"/> (which it exposes) with the class index encoded one-hot.
/// </summary>
public sealed class OneHotCategorical : Distribution
{
    /// <summary>Creates the distribution from unnormalised logits.</summary>
    /// <param name="logits">Shape <c>BatchShape + [K]</c>, K ≥ 1; may require grad.</param>
    public OneHotCategorical(Tensor logits)
        : this(new Categorical(logits))
    {
    }

    /// <summary>Wraps a categorical distribution.</summary>
    /// <param name="categorical">The distribution of the hot index; batch shape <c>BatchShape</c>, K classes.</param>
    public OneHotCategorical(Categorical categorical)
        : base(NotNull(categorical).BatchShape, new Shape(categorical.NumCategories))
    {
        Categorical = categorical;
    }

    /// <summary>Creates the distribution from class probabilities (normalised along the last dimension).</summary>
    /// <param name="probs">Shape <c>BatchShape + [K]</c>, non-negative with positive row sums; may require grad.</param>
    public static OneHotCategorical FromProbs(Tensor probs) => new(Categorical.FromProbs(probs));

    /// <summary>The underlying distribution of the index of the hot entry.</summary>
    public Categorical Categorical { get; }

    /// <summary>Number of classes K (the event size).</summary>
    public int NumCategories => Categorical.NumCategories;

    /// <summary>Normalised log-probabilities, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Logits => Categorical.Logits;

    /// <summary>Class probabilities, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Probs => Categorical.Probs;

    /// <inheritdoc />
    public override DType DType => Categorical.DType;

    /// <summary>The class probabilities (the mean of a one-hot vector), shape <c>BatchShape + [K]</c>.</summary>
    public override Tensor Mean => Probs;

    /// <summary><c>p·(1 − p)</c> per class, shape <c>BatchShape + [K]</c>.</summary>
    public override Tensor Variance
    {
        get
        {
            var p = Probs;
            return p * (1.0 - p);
        }
    }

    /// <summary>
    /// Draws one-hot vectors, consuming the generator exactly as <see cref="Categorical.Sample(Shape, Generator)"/>.
    /// </summary>
    /// <param name="sampleShape">Leading sample dimensions.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Shape <c>sampleShape + BatchShape + [K]</c>, without gradient.</returns>
    public override Tensor Sample(Shape sampleShape, Generator generator)
    {
        var index = Categorical.Sample(sampleShape, generator);
        return Tensor.OneHot(index, NumCategories, DType);
    }

    /// <summary>Log-probability of one-hot values (the log-probability of the hot index); differentiable w.r.t. the parameters.</summary>
    /// <param name="value">
    /// Shape <c>sampleShape + BatchShape + [K]</c> (the batch part may broadcast); each event must be one-hot (one entry
    /// 1, the others 0).
    /// </param>
    /// <returns>Shape: the broadcast of <c>value.Shape[..^1]</c> with <see cref="Distribution.BatchShape"/>.</returns>
    /// <exception cref="ArgumentException">The shape does not fit or an event is not one-hot.</exception>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ValidateValue(value);
        var index = HotIndices(value);
        return Categorical.GatherLogits(Logits, index, BatchShape, NumCategories);
    }

    /// <summary>Entropy of the hot index, shape <see cref="Distribution.BatchShape"/>.</summary>
    public override Tensor Entropy() => Categorical.Entropy();

    /// <summary>
    /// All one-hot vectors, broadcast over the batch: shape <c>[K] + BatchShape + [K]</c> (as PyTorch's
    /// <c>enumerate_support()</c>).
    /// </summary>
    public Tensor EnumerateSupport()
    {
        int k = NumCategories;
        var dims = new int[BatchShape.Rank + 2];
        Array.Fill(dims, 1);
        dims[0] = k;
        dims[^1] = k;
        var eye = Tensor.Eye(k, dtype: DType).Reshape(dims);
        return eye.Expand(Concat(Concat(new Shape(k), BatchShape), new Shape(k)));
    }

    /// <summary>The hot index of each event of <paramref name="value"/>, validating that every event is one-hot.</summary>
    private Tensor HotIndices(Tensor value)
    {
        int k = NumCategories;
        var v = value.ToDoubleArray();
        int events = v.Length / k;
        var index = new double[events];
        for (int e = 0; e < events; e++)
        {
            int hot = -1;
            for (int j = 0; j < k; j++)
            {
                double x = v[(e * k) + j];
                if (x == 1 && hot < 0)
                {
                    hot = j;
                }
                else if (x != 0)
                {
                    hot = -2;
                    break;
                }
            }

            if (hot < 0)
            {
                throw new ArgumentException(
                    $"OneHotCategorical.LogProb: event {e} of the value of shape {value.Shape} is not one-hot (exactly one entry 1, the others 0).",
                    nameof(value));
            }

            index[e] = hot;
        }

        return Tensor.FromArray(index, value.Shape.Dims[..^1].ToArray());
    }

    private static Categorical NotNull(Categorical categorical)
    {
        ArgumentNullException.ThrowIfNull(categorical);
        return categorical;
    }
}
