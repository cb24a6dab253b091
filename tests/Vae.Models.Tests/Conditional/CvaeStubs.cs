using Vae.Core;
using Vae.Distributions;

namespace Vae.Models.Tests;

/// <summary>An encoder whose posterior mean is its input itself (x [N, d] → q = N(x, σ²I)): tests see exactly the code.</summary>
internal sealed class CvaeIdentityEncoder(int latentDim, double scale = 1.0) : Encoder
{
    public override int LatentDim => latentDim;

    public List<Tensor> Inputs { get; } = [];

    public override Distribution Forward(Tensor input)
    {
        Inputs.Add(input);
        return new Independent(new Normal(input, input.FullLike(scale)), 1);
    }
}

/// <summary>A decoder whose mean is its input (z [N, k] → N(z, I)), so decoded samples reveal what the decoder received.</summary>
internal sealed class CvaeIdentityDecoder(int inputDim) : Decoder
{
    public override Shape EventShape => new(inputDim);

    public override Distribution Forward(Tensor input) => new Independent(new Normal(input, input.OnesLike()), 1);
}

/// <summary>Element-wise comparison of a tensor with expected values.</summary>
internal static class CvaeTensorAssertions
{
    public static void ShouldApproximate(this Tensor actual, IReadOnlyList<double> expected, double tolerance)
    {
        var a = actual.ToDoubleArray();
        a.Length.Should().Be(expected.Count);
        for (int i = 0; i < a.Length; i++)
        {
            a[i].Should().BeApproximately(expected[i], tolerance, $"element {i} of {actual.Shape}");
        }
    }
}
