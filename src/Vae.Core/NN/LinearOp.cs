namespace Vae.Core.NN;

/// <summary>The affine map shared by <see cref="Linear"/> and <see cref="MaskedLinear"/>: y = x·Wᵀ + b.</summary>
internal static class LinearOp
{
    /// <summary>
    /// y = x·Wᵀ + b for x [*, in], W [out, in], b [out] (or null), giving [*, out]; a 1-D x gives a 1-D y.
    /// Leading batch dimensions are flattened into one for the 2-D matrix product and restored afterwards.
    /// </summary>
    public static Tensor Forward(string layer, Tensor input, Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        int outFeatures = weight.Shape[0], inFeatures = weight.Shape[1];
        if (input.Rank == 0 || input.Shape[-1] != inFeatures)
        {
            throw new ArgumentException(
                $"{layer}: input shape {input.Shape} does not end in inFeatures={inFeatures} (weight shape {weight.Shape}); expected [*, {inFeatures}].",
                nameof(input));
        }

        if (input.DType != weight.DType)
        {
            throw new ArgumentException(
                $"{layer}: input is {input.DType.Name()} {input.Shape} but the weight is {weight.DType.Name()} {weight.Shape}; convert one with To(DType).",
                nameof(input));
        }

        var x2 = input.Rank == 2 ? input : input.Reshape(-1, inFeatures);
        var y = x2.MatMul(weight.Transpose(0, 1));
        if (bias is not null)
        {
            y += bias;
        }

        if (input.Rank == 2)
        {
            return y;
        }

        var dims = input.Shape.ToArray();
        dims[^1] = outFeatures;
        return y.Reshape(dims);
    }

    /// <summary>Checks that <paramref name="inFeatures"/> and <paramref name="outFeatures"/> are non-negative.</summary>
    public static void CheckFeatures(string layer, int inFeatures, int outFeatures)
    {
        if (inFeatures < 0 || outFeatures < 0)
        {
            throw new ArgumentException($"{layer}: inFeatures ({inFeatures}) and outFeatures ({outFeatures}) must be non-negative.");
        }
    }

    /// <summary>PyTorch's default initialisation of a linear layer: Kaiming-uniform weight with a = √5, bias U(±1/√fanIn).</summary>
    public static void ResetParameters(Tensor weight, Tensor? bias, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Init.KaimingUniform(weight, generator, a: Init.SqrtFive);
        if (bias is not null)
        {
            var (fanIn, _) = Init.CalculateFanInAndFanOut(weight);
            double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            Init.Uniform(bias, generator, -bound, bound);
        }
    }
}
