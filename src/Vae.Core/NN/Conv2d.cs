namespace Vae.Core.NN;

/// <summary>
/// A 2-D convolution layer (PyTorch's <c>nn.Conv2d</c>, zero padding): weight [outChannels, inChannels/groups, kH, kW]
/// and optional bias [outChannels], parameter names <c>weight</c> and <c>bias</c>. See
/// <see cref="Tensor.Conv2d(Tensor, Tensor?, int, int, int, int)"/> for the
/// computation and output size.
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with a square kernel and equal strides, paddings and dilations on both axes.</summary>
    /// <param name="inChannels">Channels C of the input.</param>
    /// <param name="outChannels">Channels of the output (number of filters).</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="generator">Random source for the initial values (see <see cref="ResetParameters"/>).</param>
    /// <param name="stride">Step between windows, ≥ 1.</param>
    /// <param name="padding">Zeros added on every side, ≥ 0.</param>
    /// <param name="dilation">Spacing between kernel taps, ≥ 1.</param>
    /// <param name="groups">Channel groups; must divide both channel counts.</param>
    /// <param name="bias">Whether the layer has a per-output-channel bias.</param>
    /// <param name="dtype">Element type of the parameters (inputs must match).</param>
    public Conv2d(
        int inChannels, int outChannels, int kernelSize, Generator generator, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, DType dtype = DType.Float32)
        : this(inChannels, outChannels, (kernelSize, kernelSize), generator, (stride, stride), (padding, padding), (dilation, dilation), groups, bias, dtype)
    {
    }

    /// <summary>
    /// Creates the layer with PyTorch's default initialisation: weight ~ U(±1/√fanIn) (Kaiming-uniform with a = √5)
    /// and bias ~ U(±1/√fanIn), fanIn = inChannels/groups·kH·kW, drawn from <paramref name="generator"/> (weight first).
    /// </summary>
    /// <param name="inChannels">Channels C of the input.</param>
    /// <param name="outChannels">Channels of the output (number of filters).</param>
    /// <param name="kernelSize">(height, width) of the kernel, each ≥ 1.</param>
    /// <param name="generator">Random source for the initial values.</param>
    /// <param name="stride">(height, width) step between windows; default (1, 1).</param>
    /// <param name="padding">(height, width) zero padding on each side; default (0, 0).</param>
    /// <param name="dilation">(height, width) spacing between kernel taps; default (1, 1).</param>
    /// <param name="groups">Channel groups; must divide both channel counts.</param>
    /// <param name="bias">Whether the layer has a per-output-channel bias.</param>
    /// <param name="dtype">Element type of the parameters (inputs must match).</param>
    /// <exception cref="ArgumentException">A size is out of range or groups does not divide the channel counts.</exception>
    public Conv2d(
        int inChannels, int outChannels, (int H, int W) kernelSize, Generator generator, (int H, int W)? stride = null,
        (int H, int W)? padding = null, (int H, int W)? dilation = null, int groups = 1, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Stride = stride ?? (1, 1);
        Padding = padding ?? (0, 0);
        Dilation = dilation ?? (1, 1);
        ConvLayerChecks.Check(nameof(Conv2d), inChannels, outChannels, kernelSize, Stride, Padding, Dilation, groups);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Groups = groups;
        Weight = RegisterParameter(
            "weight", new Parameter(Tensor.Zeros(new Shape(outChannels, inChannels / groups, kernelSize.H, kernelSize.W), dtype)));
        if (bias)
        {
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(new Shape(outChannels), dtype)));
        }

        ResetParameters(generator);
    }

    /// <summary>Channels of the input.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }

    /// <summary>(height, width) of the kernel.</summary>
    public (int H, int W) KernelSize { get; }

    /// <summary>(height, width) stride.</summary>
    public (int H, int W) Stride { get; }

    /// <summary>(height, width) zero padding on each side.</summary>
    public (int H, int W) Padding { get; }

    /// <summary>(height, width) dilation.</summary>
    public (int H, int W) Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>The filters, shape [outChannels, inChannels/groups, kH, kW].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, shape [outChannels], or null when created with <c>bias: false</c>.</summary>
    public Parameter? Bias { get; }

    /// <summary>Applies the convolution.</summary>
    /// <param name="input">Shape [N, inChannels, H, W], or unbatched [inChannels, H, W].</param>
    /// <returns>Shape [N, outChannels, Ho, Wo] (or [outChannels, Ho, Wo] for an unbatched input).</returns>
    public override Tensor Forward(Tensor input) =>
        ConvLayerChecks.Batched(nameof(Conv2d), InChannels, input, x => x.Conv2d(Weight, Bias, Stride, Padding, Dilation, Groups));

    /// <summary>Re-draws the parameters with the default initialisation from <paramref name="generator"/> (weight first).</summary>
    public void ResetParameters(Generator generator) => LinearOp.ResetParameters(Weight, Bias, generator);

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        $"inChannels={InChannels}, outChannels={OutChannels}, kernelSize={ConvLayerChecks.Pair(KernelSize)}, stride={ConvLayerChecks.Pair(Stride)}"
        + (Padding != (0, 0) ? $", padding={ConvLayerChecks.Pair(Padding)}" : string.Empty)
        + (Dilation != (1, 1) ? $", dilation={ConvLayerChecks.Pair(Dilation)}" : string.Empty)
        + (Groups != 1 ? $", groups={Groups}" : string.Empty)
        + $", bias={PyBool(Bias is not null)}";
}
