namespace Vae.Core.NN;

/// <summary>
/// A fully connected layer y = x·Wᵀ + b, with weight W [outFeatures, inFeatures] and bias b [outFeatures]
/// (PyTorch's <c>nn.Linear</c>, parameter names <c>weight</c> and <c>bias</c>).
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>
    /// Creates the layer with PyTorch's default initialisation: W ~ U(±1/√inFeatures) (Kaiming-uniform with
    /// a = √5) and b ~ U(±1/√inFeatures), drawn from <paramref name="generator"/> (weight first).
    /// </summary>
    /// <param name="inFeatures">Size of each input sample (last input dimension).</param>
    /// <param name="outFeatures">Size of each output sample.</param>
    /// <param name="generator">Random source for the initial values.</param>
    /// <param name="bias">Whether the layer has an additive bias.</param>
    /// <param name="dtype">Element type of the parameters (inputs must match).</param>
    public Linear(int inFeatures, int outFeatures, Generator generator, bool bias = true, DType dtype = DType.Float32)
    {
        LinearOp.CheckFeatures(nameof(Linear), inFeatures, outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros(new Shape(outFeatures, inFeatures), dtype)));
        if (bias)
        {
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(new Shape(outFeatures), dtype)));
        }

        LinearOp.ResetParameters(Weight, Bias, generator);
    }

    /// <summary>Size of each input sample.</summary>
    public int InFeatures { get; }

    /// <summary>Size of each output sample.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, shape [outFeatures, inFeatures].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, shape [outFeatures], or null when created with <c>bias: false</c>.</summary>
    public Parameter? Bias { get; }

    /// <summary>
    /// Applies the layer with the fused <see cref="Tensor.Linear"/> op: one GEMM against the [out, in] weight (Wᵀ is
    /// never materialised) with the bias pre-filled into the output.
    /// </summary>
    /// <param name="input">Shape [*, inFeatures] (any number of leading dimensions, including none).</param>
    /// <returns>Shape [*, outFeatures].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0 || input.Shape[-1] != InFeatures)
        {
            throw new ArgumentException(
                $"Linear: input shape {input.Shape} does not end in inFeatures={InFeatures} (weight shape {Weight.Shape}); expected [*, {InFeatures}].",
                nameof(input));
        }

        if (input.DType != Weight.DType)
        {
            throw new ArgumentException(
                $"Linear: input is {input.DType.Name()} {input.Shape} but the weight is {Weight.DType.Name()} {Weight.Shape}; convert one with To(DType).",
                nameof(input));
        }

        return Tensor.Linear(input, Weight, Bias);
    }

    /// <summary>Re-draws the parameters with the default initialisation from <paramref name="generator"/>.</summary>
    public void ResetParameters(Generator generator) => LinearOp.ResetParameters(Weight, Bias, generator);

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        $"inFeatures={InFeatures}, outFeatures={OutFeatures}, bias={PyBool(Bias is not null)}";
}
