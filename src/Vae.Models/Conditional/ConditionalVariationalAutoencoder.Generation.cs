using Vae.Core;

namespace Vae.Models;

public sealed partial class ConditionalVariationalAutoencoder
{
    /// <summary>
    /// Draws one code per label from the prior p(z|y): N(0, I), or component y of <see cref="ClassPrior"/>.
    /// </summary>
    /// <param name="labels">Class indices [N].</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Codes [N, d], without gradient.</returns>
    public Tensor SampleCodes(Tensor labels, Generator generator) =>
        SampleCodesCore(Labels(labels, null, nameof(SampleCodes)), generator);

    /// <summary>
    /// Generates one output per requested label: z ~ p(z|y), then the decoder mean of p(x|z[, y]).
    /// </summary>
    /// <param name="labels">Requested classes [N].</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Outputs [N, D] (e.g. pixel intensities in [0, 1]).</returns>
    public Tensor Sample(Tensor labels, Generator generator) => SampleCore(Labels(labels, null, nameof(Sample)), generator);

    /// <summary>Generates one output per requested label; see <see cref="Sample(Tensor, Generator)"/>.</summary>
    /// <param name="labels">Requested classes, length N.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Outputs [N, D].</returns>
    public Tensor Sample(int[] labels, Generator generator) => SampleCore(Labels(labels, null, nameof(Sample)), generator);

    /// <summary>Generates <paramref name="count"/> outputs of one class (e.g. "a 7").</summary>
    /// <param name="count">Number of outputs (≥ 1).</param>
    /// <param name="label">The requested class in [0, K).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Outputs [count, D].</returns>
    public Tensor Sample(int count, int label, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var labels = new int[count];
        Array.Fill(labels, label);
        return SampleCore(Labels(labels, null, nameof(Sample)), generator);
    }

    /// <summary>
    /// Generates <paramref name="perClass"/> outputs of every class, grouped by class: rows 0…perClass−1 are class 0,
    /// the next perClass rows class 1, and so on (an image grid with <paramref name="perClass"/> columns shows one
    /// class per row).
    /// </summary>
    /// <param name="perClass">Outputs per class (≥ 1).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Outputs [K·perClass, D] and their requested labels [K·perClass].</returns>
    public (Tensor Samples, Tensor Labels) SampleEachClass(int perClass, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perClass, 1);
        var labels = new int[NumClasses * perClass];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i / perClass;
        }

        return (SampleCore(labels, generator), ClassLabels.ToTensor(labels, ParameterDType));
    }

    /// <summary>
    /// Generates <paramref name="count"/> outputs of random classes: labels from the mixture weights of
    /// <see cref="ClassPrior"/>, or uniform over the K classes.
    /// </summary>
    /// <param name="count">Number of outputs (≥ 1).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Outputs [count, D] and the labels drawn [count].</returns>
    public (Tensor Samples, Tensor Labels) SampleWithLabels(int count, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentNullException.ThrowIfNull(generator);
        int[] labels;
        if (ClassPrior is { } mixture)
        {
            labels = ClassLabels.ToArray(mixture.MixtureDistribution.Sample(new Shape(count), generator), NumClasses, count, $"{Name}.{nameof(SampleWithLabels)}");
        }
        else
        {
            labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = generator.NextInt(NumClasses);
            }
        }

        return (SampleCore(labels, generator), ClassLabels.ToTensor(labels, ParameterDType));
    }

    /// <summary>Generates <paramref name="count"/> outputs of random classes (see <see cref="SampleWithLabels"/>).</summary>
    /// <returns>Outputs [count, D].</returns>
    public Tensor Sample(int count, Generator generator) => SampleWithLabels(count, generator).Samples;

    /// <summary>Decodes the posterior means of labelled inputs (with their labels where the networks need them).</summary>
    /// <param name="x">Inputs [N, D].</param>
    /// <param name="labels">Class indices [N].</param>
    /// <returns>Outputs [N, D].</returns>
    public Tensor Reconstruct(Tensor x, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = OneHot(Labels(labels, BatchSize(x, nameof(Reconstruct)), nameof(Reconstruct)), x.DType);
        using (Autograd.NoGrad())
        {
            var z = EncodeCore(x, ConditionEncoder ? y : null).Mean;
            return DecodeCore(z, ConditionDecoder ? y : null).Mean;
        }
    }

    /// <summary>
    /// Keeps the style of labelled inputs and changes their class: the posterior mean code of x is decoded with the
    /// target label (conditioned decoder) and, with a per-class prior, first carried from component y to component
    /// y' by the affine map that takes one Gaussian onto the other, z' = μ_y' + L_y'·L_y⁻¹·(z − μ_y).
    /// </summary>
    /// <param name="x">Inputs [N, D].</param>
    /// <param name="labels">The inputs' classes [N].</param>
    /// <param name="targetLabels">The classes to turn them into [N].</param>
    /// <returns>Outputs [N, D].</returns>
    public Tensor TransferClass(Tensor x, Tensor labels, Tensor targetLabels)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = BatchSize(x, nameof(TransferClass));
        var y = Labels(labels, n, nameof(TransferClass));
        var target = Labels(targetLabels, n, nameof(TransferClass));
        using (Autograd.NoGrad())
        {
            var z = EncodeCore(x, ConditionEncoder ? OneHot(y, x.DType) : null).Mean;
            if (ClassPrior is { } mixture)
            {
                var factors = ComponentFactors();
                var whitened = Tensor.SolveTriangular(factors.IndexSelect(0, y), (z - mixture.ComponentMeans.IndexSelect(0, y)).Unsqueeze(-1), upper: false);
                z = factors.IndexSelect(0, target).MatMul(whitened).Squeeze(-1) + mixture.ComponentMeans.IndexSelect(0, target);
            }

            return DecodeCore(z, ConditionDecoder ? OneHot(target, z.DType) : null).Mean;
        }
    }

    /// <summary>
    /// Decodes <paramref name="steps"/> points on the segment between the posterior mean codes of two labelled inputs;
    /// for a conditioned decoder the one-hot condition moves linearly from <paramref name="label1"/> to
    /// <paramref name="label2"/> along with the code.
    /// </summary>
    /// <param name="x1">First input [D] or [1, D].</param>
    /// <param name="label1">Its class.</param>
    /// <param name="x2">Second input, same shape.</param>
    /// <param name="label2">Its class.</param>
    /// <param name="steps">Number of points including both ends (≥ 2).</param>
    /// <returns>Outputs [steps, D]; the first and last are the reconstructions of x1 and x2.</returns>
    public Tensor Interpolate(Tensor x1, int label1, Tensor x2, int label2, int steps)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        if (x1.Shape != x2.Shape)
        {
            throw new ArgumentException($"{Name}.{nameof(Interpolate)}: inputs have different shapes {x1.Shape} and {x2.Shape}.");
        }

        var labels = Labels([label1, label2], null, nameof(Interpolate));
        using (Autograd.NoGrad())
        {
            var pair = Tensor.Concat([AsRow(x1), AsRow(x2)], 0);
            var condition = OneHot(labels, pair.DType);
            var z = EncodeCore(pair, ConditionEncoder ? condition : null).Mean;
            var t = Tensor.Linspace(0, 1, steps, z.DType).Reshape(steps, 1);
            var path = Lerp(z, t);
            return DecodeCore(path, ConditionDecoder ? Lerp(condition, t) : null).Mean;
        }

        static Tensor AsRow(Tensor x) => x.Rank == 1 ? x.Unsqueeze(0) : x;
        static Tensor Lerp(Tensor ends, Tensor t) => (ends.Narrow(0, 0, 1) * t.RSub(1.0)) + (ends.Narrow(0, 1, 1) * t);
    }

    /// <summary>
    /// Posterior mean codes of unlabelled inputs. Only for models whose encoder does not see the label (the per-class
    /// prior layout); otherwise use <see cref="EncodeMean(Tensor, Tensor)"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The encoder needs labels.</exception>
    public Tensor EncodeMean(Tensor x)
    {
        if (ConditionEncoder)
        {
            throw new InvalidOperationException($"{Name}.{nameof(EncodeMean)}: the encoder q(z|x, y) needs labels; call EncodeMean(x, labels).");
        }

        return EncodeMean(x, null);
    }

    /// <summary>
    /// Decoder means of codes. Only for models whose decoder does not see the label (the per-class prior layout, where
    /// the code carries the class); otherwise use <see cref="DecodeMean(Tensor, Tensor)"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The decoder needs labels.</exception>
    public Tensor DecodeMean(Tensor z)
    {
        if (ConditionDecoder)
        {
            throw new InvalidOperationException($"{Name}.{nameof(DecodeMean)}: the decoder p(x|z, y) needs labels; call DecodeMean(z, labels).");
        }

        return DecodeMean(z, null);
    }

    private Tensor SampleCodesCore(int[] labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var dtype = ParameterDType;
        if (ClassPrior is { } mixture)
        {
            return mixture.SampleForLabels(ClassLabels.ToTensor(labels, dtype), generator);
        }

        return Tensor.Randn(new Shape(labels.Length, LatentDim), generator, dtype);
    }

    private Tensor SampleCore(int[] labels, Generator generator)
    {
        if (labels.Length == 0)
        {
            throw new ArgumentException($"{Name}.{nameof(Sample)}: no labels were given.", nameof(labels));
        }

        using (Autograd.NoGrad())
        {
            var z = SampleCodesCore(labels, generator);
            return DecodeCore(z, ConditionDecoder ? OneHot(labels, z.DType) : null).Mean;
        }
    }

    /// <summary>Lower-triangular square roots of the class prior's covariances [K, d, d].</summary>
    private Tensor ComponentFactors()
    {
        var mixture = ClassPrior!;
        if (mixture.ComponentScaleTril is { } tril)
        {
            return tril;
        }

        return (mixture.ComponentLogVariances! * 0.5).Exp().Unsqueeze(-1) * Tensor.Eye(LatentDim, dtype: mixture.DType);
    }
}
