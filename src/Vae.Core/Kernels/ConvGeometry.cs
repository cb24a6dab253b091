using System.Globalization;

namespace Vae.Core.Kernels;

/// <summary>
/// The geometry shared by a 2-D convolution and its two adjoints. Always described from the convolution's side:
/// input <c>[N, C, H, W]</c>, weight <c>[O, C/Groups, KH, KW]</c>, output <c>[N, O, OH, OW]</c>. A transposed
/// convolution is the data-adjoint of this convolution (its input is <c>[N, O, OH, OW]</c>, its output
/// <c>[N, C, H, W]</c>). OH/OW are stored, not derived, so that the adjoint can cover an input whose trailing rows
/// or columns are not reached by any window.
/// </summary>
internal readonly record struct ConvGeometry(
    int N, int C, int H, int W, int O, int KH, int KW,
    int SH, int SW, int PH, int PW, int DH, int DW, int Groups, int OH, int OW)
{
    /// <summary>Input channels per group.</summary>
    public int Cg => C / Groups;

    /// <summary>Output channels per group.</summary>
    public int Og => O / Groups;

    /// <summary>Rows of the im2col matrix per group: Cg·KH·KW.</summary>
    public int K => Cg * KH * KW;

    /// <summary>Output pixels per sample and channel: OH·OW.</summary>
    public int P => OH * OW;

    public Shape InputShape => new(N, C, H, W);

    public Shape OutputShape => new(N, O, OH, OW);

    public Shape WeightShape => new(O, Cg, KH, KW);

    /// <summary>Number of output positions along one axis of a convolution (PyTorch's floor formula).</summary>
    public static int OutSize(int inSize, int kernel, int stride, int padding, int dilation) =>
        ((inSize + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;

    /// <summary>Validates the arguments of <see cref="Tensor.Conv2d(Tensor, Tensor?, int, int, int, int)"/>.</summary>
    public static ConvGeometry ForConv2d(
        Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups)
    {
        const string op = "Conv2d";
        CheckCommon(op, input, weight, bias, stride, padding, dilation, groups);
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        int o = weight.Shape[0], kh = weight.Shape[2], kw = weight.Shape[3];
        if (c % groups != 0 || o % groups != 0 || weight.Shape[1] * groups != c)
        {
            throw new ArgumentException(
                $"{op}: input {input.Shape} has {c} channels but weight {weight.Shape} with groups={groups} expects {weight.Shape[1] * groups}" +
                (o % groups != 0 ? $" (and {o} output channels are not divisible by {groups})" : string.Empty) + ".");
        }

        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != o))
        {
            throw new ArgumentException($"{op}: bias {bias.Shape} does not match weight {weight.Shape} (need [{o}]).");
        }

        int ekh = (dilation.H * (kh - 1)) + 1, ekw = (dilation.W * (kw - 1)) + 1;
        if (h + (2 * padding.H) < ekh || w + (2 * padding.W) < ekw)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{op}: input {input.Shape} with padding {Pair(padding)} is smaller than the dilated kernel {ekh}×{ekw} (weight {weight.Shape})."));
        }

        int oh = OutSize(h, kh, stride.H, padding.H, dilation.H), ow = OutSize(w, kw, stride.W, padding.W, dilation.W);
        return new ConvGeometry(n, c, h, w, o, kh, kw, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups, oh, ow);
    }

    /// <summary>Validates the arguments of <see cref="Tensor.ConvTranspose2d(Tensor, Tensor?, int, int, int, int, int)"/>.</summary>
    public static ConvGeometry ForConvTranspose2d(
        Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) outputPadding,
        (int H, int W) dilation, int groups)
    {
        const string op = "ConvTranspose2d";
        CheckCommon(op, input, weight, bias, stride, padding, dilation, groups);
        int n = input.Shape[0], cin = input.Shape[1], hin = input.Shape[2], win = input.Shape[3];
        int kh = weight.Shape[2], kw = weight.Shape[3];
        if (cin % groups != 0 || weight.Shape[0] != cin)
        {
            throw new ArgumentException(
                $"{op}: input {input.Shape} has {cin} channels but weight {weight.Shape} expects {weight.Shape[0]}" +
                (cin % groups != 0 ? $" (and {cin} is not divisible by groups={groups})" : string.Empty) + ".");
        }

        int cout = weight.Shape[1] * groups;
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != cout))
        {
            throw new ArgumentException($"{op}: bias {bias.Shape} does not match weight {weight.Shape} with groups={groups} (need [{cout}]).");
        }

        if (outputPadding.H < 0 || outputPadding.W < 0 ||
            (outputPadding.H >= stride.H && outputPadding.H >= dilation.H) ||
            (outputPadding.W >= stride.W && outputPadding.W >= dilation.W))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{op}: outputPadding {Pair(outputPadding)} must be non-negative and smaller than the stride {Pair(stride)} or the dilation {Pair(dilation)} (input {input.Shape}, weight {weight.Shape})."));
        }

        int h = ((hin - 1) * stride.H) - (2 * padding.H) + (dilation.H * (kh - 1)) + outputPadding.H + 1;
        int w = ((win - 1) * stride.W) - (2 * padding.W) + (dilation.W * (kw - 1)) + outputPadding.W + 1;
        if (hin < 1 || win < 1 || h < 1 || w < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{op}: input {input.Shape} with weight {weight.Shape}, stride {Pair(stride)}, padding {Pair(padding)} gives an empty output {h}×{w}."));
        }

        return new ConvGeometry(n, cout, h, w, cin, kh, kw, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups, hin, win);
    }

    /// <summary>Formats <c>(2, 2)</c> as <c>2</c> and <c>(2, 1)</c> as <c>(2, 1)</c>.</summary>
    internal static string Pair((int H, int W) p) =>
        p.H == p.W ? p.H.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"({p.H}, {p.W})");

    private static void CheckCommon(
        string op, Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"{op}: input must be [N, C, H, W], got {input.Shape}.");
        }

        if (weight.Rank != 4 || weight.Shape[2] < 1 || weight.Shape[3] < 1)
        {
            throw new ArgumentException($"{op}: weight must be 4-D with a non-empty kernel, got {weight.Shape} (input {input.Shape}).");
        }

        Tensor.CheckSameDType(input, weight, op);
        if (bias is not null)
        {
            Tensor.CheckSameDType(input, bias, op);
        }

        if (stride.H < 1 || stride.W < 1 || dilation.H < 1 || dilation.W < 1 || padding.H < 0 || padding.W < 0 || groups < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{op}: stride {Pair(stride)} and dilation {Pair(dilation)} must be positive, padding {Pair(padding)} non-negative and groups {groups} positive (input {input.Shape}, weight {weight.Shape})."));
        }
    }
}
