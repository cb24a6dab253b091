namespace Vae.Core;

/// <summary>
/// Stores a <see cref="Generator"/> state (6 × 64-bit words) losslessly in a tensor, for checkpoints: float64 [12]
/// holding the low and high 32 bits of each word (every 32-bit value is exact in float64).
/// </summary>
internal static class GeneratorStateTensor
{
    public const int Words = 6;

    public static Tensor ToTensor(ulong[] state)
    {
        if (state is null || state.Length != Words)
        {
            throw new ArgumentException($"A generator state has {Words} words, got {state?.Length ?? 0}.", nameof(state));
        }

        var halves = new double[2 * Words];
        for (int i = 0; i < Words; i++)
        {
            halves[2 * i] = (uint)state[i];
            halves[(2 * i) + 1] = (uint)(state[i] >> 32);
        }

        return Tensor.FromArray(halves, halves.Length);
    }

    /// <summary>Decodes a state written by <see cref="ToTensor"/>; returns null and a reason when the tensor is not one.</summary>
    public static ulong[]? FromTensor(Tensor t, out string? error)
    {
        error = null;
        if (t.DType != DType.Float64 || t.Shape != new Shape(2 * Words))
        {
            error = $"must be float64 [{2 * Words}], got {t.DType.Name()} {t.Shape}";
            return null;
        }

        var halves = t.Span<double>();
        var state = new ulong[Words];
        for (int i = 0; i < Words; i++)
        {
            double lo = halves[2 * i], hi = halves[(2 * i) + 1];
            if (!IsWord32(lo) || !IsWord32(hi))
            {
                error = "holds a value that is not a 32-bit unsigned integer";
                return null;
            }

            state[i] = (ulong)lo | ((ulong)hi << 32);
        }

        if ((state[0] | state[1] | state[2] | state[3]) == 0)
        {
            error = "is all zero";
            return null;
        }

        return state;
    }

    private static bool IsWord32(double v) => v >= 0 && v <= uint.MaxValue && Math.Floor(v) == v;
}
