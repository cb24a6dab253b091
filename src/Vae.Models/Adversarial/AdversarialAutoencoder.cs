using Vae.Core;
using Vae.Core.NN;
using Vae.Distributions;

namespace Vae.Models;

/// <summary>
/// An adversarial autoencoder (Makhzani et al., 2015): an autoencoder whose aggregated posterior — the distribution of
/// the codes of the data — is matched to a prior p(z) by a GAN in latent space, so the prior only needs to be
/// <em>sampled</em> (a <see cref="SwissRoll"/> works as well as a <see cref="GaussianMixture"/>). Training alternates a
/// reconstruction phase (encoder and decoder minimise <see cref="ReconstructionLoss"/>) with a regularisation phase:
/// the <see cref="Discriminator"/> learns to tell prior samples (real) from codes (fake) (<see cref="DiscriminatorLoss"/>),
/// then the encoder learns to fool it (<see cref="GeneratorLoss"/>). <see cref="AdversarialAutoencoderObjective"/> runs
/// these phases with separate optimizers under a <see cref="Training.Trainer"/>.
/// <para>
/// In the <b>label-incorporating</b> variant (<see cref="IncorporatesLabels"/>) the discriminator also sees the class
/// y of each example as a one-hot vector, and the real samples for an example of class y are drawn from the prior's
/// part for y (<see cref="ILabeledSampler.SampleForLabels"/>: mixture component y, swiss-roll segment y), so each class
/// is mapped onto its own part of the prior.
/// </para>
/// Parameter names: <c>encoder.*</c>, <c>decoder.*</c>, <c>discriminator.*</c>. The prior is fixed and not a parameter.
/// </summary>
public sealed class AdversarialAutoencoder : Module, ILatentVariableModel
{
    /// <summary>Builds an adversarial autoencoder from its parts.</summary>
    /// <param name="encoder">q(z|x); see <paramref name="encoderMode"/> for how codes are taken from it.</param>
    /// <param name="decoder">p(x|z).</param>
    /// <param name="discriminator">
    /// The discriminator over codes of the encoder's latent dimension; when it incorporates labels, the prior must be an
    /// <see cref="ILabeledSampler"/> with as many labels as the discriminator has classes.
    /// </param>
    /// <param name="prior">Any distribution with event shape [d] and no batch shape that can be sampled (a density is not needed).</param>
    /// <param name="encoderMode">Deterministic (z = mean of q) or stochastic (z ~ q) codes.</param>
    /// <exception cref="ArgumentException">The parts do not fit together (the message names the dimensions).</exception>
    public AdversarialAutoencoder(
        Encoder encoder, Decoder decoder, Discriminator discriminator, Distribution prior,
        AdversarialEncoderMode encoderMode = AdversarialEncoderMode.Deterministic)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentNullException.ThrowIfNull(prior);
        if (prior.EventShape.Rank != 1 || prior.BatchShape.Rank != 0)
        {
            throw new ArgumentException(
                $"AdversarialAutoencoder: the prior needs event shape [d] and no batch shape; got batch {prior.BatchShape}, event {prior.EventShape}.", nameof(prior));
        }

        if (prior.EventShape[0] != encoder.LatentDim)
        {
            throw new ArgumentException(
                $"AdversarialAutoencoder: the prior is over {prior.EventShape[0]} dimensions but the encoder's latent dimension is {encoder.LatentDim}.", nameof(prior));
        }

        if (discriminator.LatentDim != encoder.LatentDim)
        {
            throw new ArgumentException(
                $"AdversarialAutoencoder: the discriminator takes {discriminator.LatentDim}-dimensional codes but the encoder's latent dimension is {encoder.LatentDim}.", nameof(discriminator));
        }

        if (discriminator.IncorporatesLabels)
        {
            if (prior is not ILabeledSampler labeled)
            {
                throw new ArgumentException(
                    $"AdversarialAutoencoder: a label-incorporating discriminator needs a prior that samples per label (ILabeledSampler, e.g. GaussianMixture or SwissRoll); {prior.GetType().Name} is not one.", nameof(prior));
            }

            if (labeled.NumLabels != discriminator.NumClasses)
            {
                throw new ArgumentException(
                    $"AdversarialAutoencoder: the discriminator incorporates {discriminator.NumClasses} classes but the prior has {labeled.NumLabels} labels.", nameof(prior));
            }
        }

        if (!Enum.IsDefined(encoderMode))
        {
            throw new ArgumentOutOfRangeException(nameof(encoderMode), encoderMode, "AdversarialAutoencoder: unknown encoder mode.");
        }

        Encoder = RegisterModule("encoder", encoder);
        Decoder = RegisterModule("decoder", decoder);
        Discriminator = RegisterModule("discriminator", discriminator);
        Prior = prior;
        EncoderMode = encoderMode;
    }

    /// <summary>
    /// An MLP adversarial autoencoder: encoder <paramref name="inputDim"/> → <paramref name="hidden"/> → (μ, log σ²) in
    /// d dimensions (d from the prior), decoder back through the reversed hidden widths, and a discriminator with
    /// <paramref name="discriminatorHidden"/> (default: the encoder's widths) that incorporates the prior's labels
    /// when <paramref name="incorporateLabels"/>.
    /// </summary>
    /// <param name="inputDim">Values per input (784 for MNIST).</param>
    /// <param name="hidden">Hidden widths of the encoder (the decoder uses them reversed).</param>
    /// <param name="prior">The prior (event shape [d]); an <see cref="ILabeledSampler"/> when <paramref name="incorporateLabels"/>.</param>
    /// <param name="generator">Random source for the initial weights.</param>
    /// <param name="discriminatorHidden">Hidden widths of the discriminator (null: <paramref name="hidden"/>).</param>
    /// <param name="incorporateLabels">Build the label-incorporating variant with one class per prior label.</param>
    /// <param name="encoderMode">Deterministic or stochastic codes.</param>
    /// <param name="likelihood">The decoder's observation model.</param>
    /// <param name="activation">Hidden nonlinearity of encoder and decoder (the discriminator uses LeakyReLU).</param>
    /// <exception cref="ArgumentException"><paramref name="incorporateLabels"/> with a prior that does not sample per label, or a bad prior shape.</exception>
    public static AdversarialAutoencoder Mlp(
        int inputDim, IReadOnlyList<int> hidden, Distribution prior, Generator generator,
        IReadOnlyList<int>? discriminatorHidden = null, bool incorporateLabels = false,
        AdversarialEncoderMode encoderMode = AdversarialEncoderMode.Deterministic,
        Likelihood likelihood = Likelihood.Bernoulli, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(generator);
        if (prior.EventShape.Rank != 1)
        {
            throw new ArgumentException($"AdversarialAutoencoder: the prior needs event shape [d], got {prior.EventShape}.", nameof(prior));
        }

        int numClasses = 0;
        if (incorporateLabels)
        {
            numClasses = prior is ILabeledSampler labeled
                ? labeled.NumLabels
                : throw new ArgumentException(
                    $"AdversarialAutoencoder: incorporating labels needs a prior that samples per label (ILabeledSampler); {prior.GetType().Name} is not one.", nameof(prior));
        }

        int latentDim = prior.EventShape[0];
        var encoder = GaussianEncoder.Mlp(inputDim, hidden, latentDim, activation, generator);
        var decoder = LikelihoodDecoder.Mlp(latentDim, [.. hidden.Reverse()], inputDim, likelihood, activation, generator);
        var discriminator = new Discriminator(latentDim, discriminatorHidden ?? hidden, generator, numClasses);
        return new AdversarialAutoencoder(encoder, decoder, discriminator, prior, encoderMode);
    }

    /// <summary>The encoder q(z|x).</summary>
    public Encoder Encoder { get; }

    /// <summary>The decoder p(x|z).</summary>
    public Decoder Decoder { get; }

    /// <summary>The discriminator over codes (and classes).</summary>
    public Discriminator Discriminator { get; }

    /// <summary>The prior the codes are matched to (sampled only).</summary>
    public Distribution Prior { get; }

    /// <summary>Deterministic or stochastic codes.</summary>
    public AdversarialEncoderMode EncoderMode { get; }

    /// <inheritdoc />
    public int LatentDim => Encoder.LatentDim;

    /// <summary>Whether this is the label-incorporating variant (the discriminator sees the classes).</summary>
    public bool IncorporatesLabels => Discriminator.IncorporatesLabels;

    /// <summary>Number of classes of the label-incorporating variant (0 otherwise).</summary>
    public int NumClasses => Discriminator.NumClasses;

    /// <summary>Codes for a batch, differentiable in the encoder's parameters.</summary>
    /// <param name="x">Inputs [N, *].</param>
    /// <param name="generator">Source of the reparameterisation noise; required in <see cref="AdversarialEncoderMode.Stochastic"/> mode.</param>
    /// <returns>[N, LatentDim].</returns>
    /// <exception cref="ArgumentNullException">Stochastic mode without a generator.</exception>
    public Tensor Encode(Tensor x, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        var q = Encoder.Forward(x);
        if (EncoderMode == AdversarialEncoderMode.Deterministic)
        {
            return q.Mean;
        }

        ArgumentNullException.ThrowIfNull(generator, nameof(generator));
        return q.RSample(generator);
    }

    /// <summary>p(x|z) for a batch of codes.</summary>
    /// <param name="z">Codes [N, LatentDim].</param>
    public Distribution Decode(Tensor z) => Decoder.Forward(z);

    /// <summary>Draws <paramref name="count"/> codes from the prior, in the dtype of the model's parameters.</summary>
    /// <param name="count">Number of codes (≥ 0).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>[count, LatentDim], without gradient.</returns>
    public Tensor SamplePrior(int count, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(generator);
        return AsModelDType(Prior.Sample(new Shape(count), generator));
    }

    /// <summary>
    /// Draws one prior code per label from the label's part of the prior (mixture component, swiss-roll segment), in
    /// the dtype of the model's parameters.
    /// </summary>
    /// <param name="labels">Labels [N], integral in [0, NumLabels) of the prior.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>[N, LatentDim], without gradient.</returns>
    /// <exception cref="InvalidOperationException">The prior is not an <see cref="ILabeledSampler"/>.</exception>
    public Tensor SamplePrior(Tensor labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(generator);
        var sampler = Prior as ILabeledSampler
            ?? throw new InvalidOperationException($"AdversarialAutoencoder: the prior ({Prior.GetType().Name}) cannot sample per label (it is not an ILabeledSampler).");
        return AsModelDType(sampler.SampleForLabels(labels, generator));
    }

    /// <summary>The reconstruction phase's loss: mean over the batch of −log p(x | z), z the codes of x.</summary>
    /// <param name="x">Inputs [N, *] (values the likelihood accepts, e.g. pixels in [0, 1]).</param>
    /// <param name="generator">Source of the reparameterisation noise (stochastic mode).</param>
    /// <returns>A scalar, differentiable in the encoder's and decoder's parameters.</returns>
    public Tensor ReconstructionLoss(Tensor x, Generator? generator = null) => Decode(Encode(x, generator)).LogProb(x).Mean().Neg();

    /// <summary>
    /// The discriminator phase's loss for a batch: its codes (computed without gradient, so only the discriminator
    /// learns) are fake, prior samples — drawn for the batch's labels in the label-incorporating variant — are real.
    /// </summary>
    /// <param name="x">Inputs [N, *].</param>
    /// <param name="labels">Classes [N]; required exactly when <see cref="IncorporatesLabels"/>.</param>
    /// <param name="generator">Source of the prior samples (and of the reparameterisation noise).</param>
    /// <returns>The loss terms; <see cref="DiscriminatorTerms.Total"/> is differentiable in the discriminator's parameters only.</returns>
    public DiscriminatorTerms DiscriminatorLoss(Tensor x, Tensor? labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(generator);
        CheckLabels(labels, x.Shape[0]);
        Tensor codes;
        using (Autograd.NoGrad())
        {
            codes = Encode(x, generator);
        }

        var real = labels is null ? SamplePrior(x.Shape[0], generator) : SamplePrior(labels, generator);
        return DiscriminatorLossOnCodes(codes, real, labels);
    }

    /// <summary>The discriminator's loss on given fake codes and real prior samples (see <see cref="DiscriminatorLoss"/>).</summary>
    /// <param name="fake">Encoded codes [N, d] (detach them so that only the discriminator learns).</param>
    /// <param name="real">Prior samples [M, d].</param>
    /// <param name="labels">
    /// Classes of the label-incorporating variant: [N] when M = N (the same labels for codes and samples, as drawn
    /// by <see cref="SamplePrior(Tensor, Generator)"/>); null otherwise.
    /// </param>
    /// <returns>The loss terms.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public DiscriminatorTerms DiscriminatorLossOnCodes(Tensor fake, Tensor real, Tensor? labels)
    {
        ArgumentNullException.ThrowIfNull(fake);
        ArgumentNullException.ThrowIfNull(real);
        if (labels is not null && real.Shape[0] != fake.Shape[0])
        {
            throw new ArgumentException($"AdversarialAutoencoder: with labels, codes {fake.Shape} and prior samples {real.Shape} must have the same count.", nameof(real));
        }

        var realLogits = Discriminator.Forward(real, labels);
        var fakeLogits = Discriminator.Forward(fake, labels);
        var realLoss = Losses.BinaryCrossEntropyWithLogits(realLogits, realLogits.OnesLike());
        var fakeLoss = Losses.BinaryCrossEntropyWithLogits(fakeLogits, fakeLogits.ZerosLike());
        double correct = realLogits.Gt(0.0).Sum().Item() + fakeLogits.Le(0.0).Sum().Item();
        int n = realLogits.Shape[0], m = fakeLogits.Shape[0];
        var total = ((realLoss * n) + (fakeLoss * m)) / (n + m);
        return new DiscriminatorTerms(total, realLoss.Item(), fakeLoss.Item(), correct / (n + m));
    }

    /// <summary>
    /// The generator (regularisation) phase's loss: the encoder's codes labelled real, −mean log D(z_code), so
    /// minimising it moves the codes where the discriminator believes the prior is.
    /// </summary>
    /// <param name="x">Inputs [N, *].</param>
    /// <param name="labels">Classes [N]; required exactly when <see cref="IncorporatesLabels"/>.</param>
    /// <param name="generator">Source of the reparameterisation noise (stochastic mode).</param>
    /// <returns>A scalar, differentiable in the encoder's (and discriminator's) parameters; step only the encoder's.</returns>
    public Tensor GeneratorLoss(Tensor x, Tensor? labels, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckLabels(labels, x.Shape[0]);
        var logits = Discriminator.Forward(Encode(x, generator), labels);
        return Losses.BinaryCrossEntropyWithLogits(logits, logits.OnesLike());
    }

    /// <inheritdoc />
    public Tensor EncodeMean(Tensor x)
    {
        using (Autograd.NoGrad())
        {
            return Encoder.Forward(x).Mean;
        }
    }

    /// <inheritdoc />
    public Tensor DecodeMean(Tensor z)
    {
        using (Autograd.NoGrad())
        {
            return Decode(z).Mean;
        }
    }

    /// <summary>Generates <paramref name="count"/> outputs by decoding prior samples.</summary>
    /// <param name="count">Number of outputs (≥ 1).</param>
    /// <param name="generator">Source of the prior samples.</param>
    /// <returns>Decoder means [count, *].</returns>
    public Tensor Sample(int count, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return DecodeMean(SamplePrior(count, generator));
    }

    /// <summary>Generates one output per label by decoding prior samples from the labels' parts of the prior.</summary>
    /// <param name="labels">Labels [N].</param>
    /// <param name="generator">Source of the prior samples.</param>
    /// <returns>Decoder means [N, *].</returns>
    public Tensor Sample(Tensor labels, Generator generator) => DecodeMean(SamplePrior(labels, generator));

    /// <inheritdoc />
    protected override string ExtraRepr() => $"encoderMode={EncoderMode}, prior={Prior.GetType().Name}";

    private void CheckLabels(Tensor? labels, int n)
    {
        if (IncorporatesLabels && labels is null)
        {
            throw new ArgumentException($"AdversarialAutoencoder: the label-incorporating variant needs the batch's labels [{n}].", nameof(labels));
        }

        if (!IncorporatesLabels && labels is not null)
        {
            throw new ArgumentException($"AdversarialAutoencoder: labels {labels.Shape} were given, but this model does not incorporate labels.", nameof(labels));
        }
    }

    private Tensor AsModelDType(Tensor t)
    {
        var dtype = Encoder.Parameters() is { Count: > 0 } p ? p[0].DType : t.DType;
        return t.DType == dtype ? t : t.To(dtype);
    }
}
