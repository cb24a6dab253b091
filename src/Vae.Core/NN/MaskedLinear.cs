namespace Vae.Core.NN;

/// <summary>
/// A linear layer whose weight is multiplied elementwise by a fixed binary mask: y = x·(W ⊙ M)ᵀ + b. Used by
/// autoregressive networks (MADE, IAF) to cut connections. The mask is a persistent buffer named <c>mask</c>, so it
/// is saved in the state dict next to <c>weight</c> and <c>bias</c>.
/// </summary>
public sealed class MaskedLinear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with <see cref="Linear"/>'s default initialisation and the given (or an all-ones) mask.</summary>
    /// <param name="inFeatures">Size of each input sample.</param>
    /// <param name="outFeatures">Size of each output sample.</param>
    /// <param name="generator">Random source for the initial values.</param>
    /// <param name="mask">Mask of zeros and ones, shape [outFeatures, inFeatures]; null for all ones (set it later with <see cref="SetMask"/>).</param>
    /// <param name="bias">Whether the layer has an additive bias.</param>
    /// <param name="dtype">Element type of the parameters and the mask.</param>
    public MaskedLinear(int inFeatures, int outFeatures, Generator generator, Tensor? mask = null, bool bias = true, DType dtype = DType.Float32)
    {
        LinearOp.CheckFeatures(nameof(MaskedLinear), inFeatures, outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros(new Shape(outFeatures, inFeatures), dtype)));
        if (bias)
        {
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(new Shape(outFeatures), dtype)));
        }

        Mask = RegisterBuffer("mask", Tensor.Ones(new Shape(outFeatures, inFeatures), dtype));
        if (mask is not null)
        {
            SetMask(mask);
        }

        LinearOp.ResetParameters(Weight, Bias, generator);
    }

    /// <summary>Size of each input sample.</summary>
    public int InFeatures { get; }

    /// <summary>Size of each output sample.</summary>
    public int OutFeatures { get; }

    /// <summary>The (unmasked) weight, shape [outFeatures, inFeatures].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, shape [outFeatures], or null when created with <c>bias: false</c>.</summary>
    public Parameter? Bias { get; }

    /// <summary>The mask buffer, shape [outFeatures, inFeatures], zeros and ones. Change it with <see cref="SetMask"/>.</summary>
    public Tensor Mask { get; }

    /// <summary>Copies <paramref name="mask"/> into the mask buffer (in place, converting the dtype).</summary>
    /// <param name="mask">Shape [outFeatures, inFeatures]; every element 0 or 1.</param>
    public void SetMask(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Shape != Mask.Shape)
        {
            throw new ArgumentException($"MaskedLinear.SetMask: mask shape {mask.Shape} differs from the weight shape {Mask.Shape}.", nameof(mask));
        }

        for (int i = 0; i < mask.Numel; i++)
        {
            double v = mask.GetFlat(i);
            if (v != 0 && v != 1)
            {
                throw new ArgumentException($"MaskedLinear.SetMask: mask {mask.Shape} must hold only 0 and 1; element {i} is {v}.", nameof(mask));
            }
        }

        Mask.CopyFrom(mask);
    }

    /// <summary>Applies the masked layer.</summary>
    /// <param name="input">Shape [*, inFeatures].</param>
    /// <returns>Shape [*, outFeatures].</returns>
    public override Tensor Forward(Tensor input) => LinearOp.Forward(nameof(MaskedLinear), input, Weight * Mask, Bias);

    /// <summary>Re-draws weight and bias with the default initialisation (the mask is kept).</summary>
    public void ResetParameters(Generator generator) => LinearOp.ResetParameters(Weight, Bias, generator);

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        $"inFeatures={InFeatures}, outFeatures={OutFeatures}, bias={PyBool(Bias is not null)}";
}
