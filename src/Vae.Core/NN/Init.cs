namespace Vae.Core.NN;

/// <summary>
/// In-place initialisation of parameters, with PyTorch's <c>torch.nn.init</c> formulas. Every random initialiser
/// takes the <see cref="Generator"/> it draws from. The functions write the tensor's storage directly (nothing is
/// recorded by autograd) and return the tensor. Only leaves (parameters, fresh tensors) may be initialised.
/// </summary>
public static class Init
{
    /// <summary>√5, the Kaiming-uniform <c>a</c> PyTorch uses for <c>nn.Linear</c> (giving bound 1/√fanIn).</summary>
    public const double SqrtFive = 2.23606797749979;

    /// <summary>
    /// Fan-in and fan-out of a weight of shape [out, in, k1, k2, …]: fanIn = in·k1·k2·…, fanOut = out·k1·k2·….
    /// </summary>
    /// <param name="tensor">Shape with at least 2 dimensions ([out, in] for linear, [out, in, kH, kW] for conv).</param>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return CalculateFanInAndFanOut(tensor.Shape);
    }

    /// <summary>Fan-in and fan-out for a weight shape [out, in, k1, …] (see <see cref="CalculateFanInAndFanOut(Tensor)"/>).</summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Shape shape)
    {
        if (shape.Rank < 2)
        {
            throw new ArgumentException($"Fan in and fan out cannot be computed for shape {shape}: it needs at least 2 dimensions.", nameof(shape));
        }

        int receptive = 1;
        for (int i = 2; i < shape.Rank; i++)
        {
            receptive *= shape[i];
        }

        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>
    /// The recommended gain for an activation: 1 for linear, convolution and sigmoid, 5/3 for tanh, √2 for ReLU,
    /// √(2 / (1 + slope²)) for leaky ReLU, 3/4 for SELU.
    /// </summary>
    /// <param name="nonlinearity">The activation.</param>
    /// <param name="param">Negative slope for <see cref="Nonlinearity.LeakyRelu"/> (default 0.01); ignored otherwise.</param>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Conv1d or Nonlinearity.Conv2d or Nonlinearity.Conv3d
            or Nonlinearity.ConvTranspose1d or Nonlinearity.ConvTranspose2d or Nonlinearity.ConvTranspose3d
            or Nonlinearity.Sigmoid => 1.0,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
        Nonlinearity.Selu => 3.0 / 4,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), $"Unknown nonlinearity {nonlinearity}."),
    };

    /// <summary>Fills <paramref name="tensor"/> (any shape) with U(<paramref name="low"/>, <paramref name="high"/>) samples.</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Uniform(Tensor tensor, Generator generator, double low = 0, double high = 1)
    {
        CheckWritable(tensor, nameof(Uniform));
        ArgumentNullException.ThrowIfNull(generator);
        if (!(low <= high))
        {
            throw new ArgumentException($"Init.Uniform: low ({low}) must not exceed high ({high}).", nameof(low));
        }

        if (tensor.DType == DType.Float32)
        {
            generator.FillUniform(tensor.Span<float>(), (float)low, (float)high);
        }
        else
        {
            generator.FillUniform(tensor.Span<double>(), low, high);
        }

        return tensor;
    }

    /// <summary>Fills <paramref name="tensor"/> (any shape) with N(<paramref name="mean"/>, <paramref name="std"/>²) samples.</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Normal(Tensor tensor, Generator generator, double mean = 0, double std = 1)
    {
        CheckWritable(tensor, nameof(Normal));
        ArgumentNullException.ThrowIfNull(generator);
        if (!(std >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(std), $"Init.Normal: std must be non-negative, got {std}.");
        }

        if (tensor.DType == DType.Float32)
        {
            generator.FillNormal(tensor.Span<float>(), (float)mean, (float)std);
        }
        else
        {
            generator.FillNormal(tensor.Span<double>(), mean, std);
        }

        return tensor;
    }

    /// <summary>Fills <paramref name="tensor"/> (any shape) with <paramref name="value"/>.</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Constant(Tensor tensor, double value)
    {
        CheckWritable(tensor, nameof(Constant));
        return tensor.Fill(value);
    }

    /// <summary>Fills <paramref name="tensor"/> (any shape) with zeros.</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills <paramref name="tensor"/> (any shape) with ones.</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);

    /// <summary>
    /// Glorot/Xavier uniform: U(−a, a) with a = gain·√3·√(2 / (fanIn + fanOut)) (= gain·√(6 / (fanIn + fanOut))).
    /// </summary>
    /// <param name="tensor">Weight of shape [out, in, …].</param>
    /// <param name="generator">Random source.</param>
    /// <param name="gain">Scaling factor (see <see cref="CalculateGain"/>).</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor XavierUniform(Tensor tensor, Generator generator, double gain = 1)
    {
        double a = Math.Sqrt(3.0) * XavierStd(tensor, gain);
        return Uniform(tensor, generator, -a, a);
    }

    /// <summary>Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)).</summary>
    /// <param name="tensor">Weight of shape [out, in, …].</param>
    /// <param name="generator">Random source.</param>
    /// <param name="gain">Scaling factor (see <see cref="CalculateGain"/>).</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor XavierNormal(Tensor tensor, Generator generator, double gain = 1) =>
        Normal(tensor, generator, 0, XavierStd(tensor, gain));

    /// <summary>
    /// He/Kaiming uniform: U(−bound, bound) with bound = √3 · gain / √fan, gain = <see cref="CalculateGain"/>(nonlinearity, a).
    /// Note the default <paramref name="a"/> = √5 (what PyTorch's <c>nn.Linear</c> uses, giving bound = 1/√fanIn);
    /// <c>torch.nn.init.kaiming_uniform_</c> itself defaults to a = 0 — pass <c>a: 0</c> for He initialisation
    /// of ReLU networks.
    /// </summary>
    /// <param name="tensor">Weight of shape [out, in, …].</param>
    /// <param name="generator">Random source.</param>
    /// <param name="a">Negative slope of the leaky ReLU that follows (used only with <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="mode">Whether fan is fan-in or fan-out.</param>
    /// <param name="nonlinearity">The activation that follows.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor KaimingUniform(
        Tensor tensor, Generator generator, double a = SqrtFive, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        double bound = Math.Sqrt(3.0) * KaimingStd(tensor, a, mode, nonlinearity);
        return Uniform(tensor, generator, -bound, bound);
    }

    /// <summary>
    /// He/Kaiming normal: N(0, std²) with std = gain / √fan, gain = <see cref="CalculateGain"/>(nonlinearity, a)
    /// (defaults as <c>torch.nn.init.kaiming_normal_</c>: a = 0, fan-in, leaky ReLU, i.e. gain √2).
    /// </summary>
    /// <param name="tensor">Weight of shape [out, in, …].</param>
    /// <param name="generator">Random source.</param>
    /// <param name="a">Negative slope of the leaky ReLU that follows (used only with <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="mode">Whether fan is fan-in or fan-out.</param>
    /// <param name="nonlinearity">The activation that follows.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor KaimingNormal(
        Tensor tensor, Generator generator, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu) =>
        Normal(tensor, generator, 0, KaimingStd(tensor, a, mode, nonlinearity));

    private static double XavierStd(Tensor tensor, double gain)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor.Shape);
        return fanIn + fanOut == 0 ? 0 : gain * Math.Sqrt(2.0 / (fanIn + fanOut));
    }

    private static double KaimingStd(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor.Shape);
        int fan = mode switch
        {
            FanMode.FanIn => fanIn,
            FanMode.FanOut => fanOut,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), $"Unknown fan mode {mode}."),
        };

        // A zero-element tensor has fan 0 and nothing to fill.
        return fan == 0 ? 0 : CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
    }

    private static void CheckWritable(Tensor tensor, string op)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.IsLeaf)
        {
            throw new ArgumentException(
                $"Init.{op}: the tensor {tensor.Shape} was produced by '{tensor.GradFnName}'; only leaves (parameters, fresh tensors) can be initialised in place.",
                nameof(tensor));
        }
    }
}
