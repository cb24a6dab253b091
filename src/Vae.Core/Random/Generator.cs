using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vae.Core;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256** seeded through SplitMix64). Every stochastic API in Vae.NET takes
/// one, so the same seed gives the same bits on the same machine. Not thread-safe: give each thread its own
/// generator (see <see cref="Fork"/>).
/// </summary>
public sealed class Generator
{
    private Xoshiro256 _state;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public Generator(ulong seed)
    {
        Seed = seed;
        ulong x = seed;
        _state.S0 = SplitMix64(ref x);
        _state.S1 = SplitMix64(ref x);
        _state.S2 = SplitMix64(ref x);
        _state.S3 = SplitMix64(ref x);
    }

    /// <summary>The seed this generator was created with.</summary>
    public ulong Seed { get; }

    /// <summary>Next 64 uniformly distributed bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64() => _state.Next();

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>) without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), $"maxExclusive must be positive, got {maxExclusive}.");
        }

        // Lemire's multiply-shift with rejection.
        ulong range = (ulong)maxExclusive;
        ulong x = NextUInt64() >> 32;
        ulong m = x * range;
        ulong low = m & 0xFFFFFFFF;
        if (low < range)
        {
            ulong threshold = (0x1_0000_0000UL - range) % range;
            while (low < threshold)
            {
                x = NextUInt64() >> 32;
                m = x * range;
                low = m & 0xFFFFFFFF;
            }
        }

        return (int)(m >> 32);
    }

    /// <summary>A standard normal deviate (Box–Muller in double precision; pairs are used in order).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }

        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        (double s, double c) = Math.SinCos(2.0 * Math.PI * u2);
        _spareNormal = r * s;
        _hasSpare = true;
        return r * c;
    }

    /// <summary>Fills <paramref name="destination"/> with uniform values in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public void FillUniform(Span<float> destination, float low = 0f, float high = 1f)
    {
        FillUnit(destination);
        if (low != 0f || high != 1f)
        {
            float w = high - low;
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = low + (w * destination[i]);
            }
        }
    }

    /// <summary>Fills <paramref name="destination"/> with uniform values in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public void FillUniform(Span<double> destination, double low = 0, double high = 1)
    {
        FillUnit(destination);
        if (low != 0 || high != 1)
        {
            double w = high - low;
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = low + (w * destination[i]);
            }
        }
    }

    /// <summary>
    /// The values <see cref="NextSingle"/> would return, in order, with the state kept in registers (several times
    /// faster than calling it per element).
    /// </summary>
    internal void FillUnit(Span<float> destination)
    {
        var state = _state;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (state.Next() >> 40) * (1.0f / (1 << 24));
        }

        _state = state;
    }

    /// <summary>The values <see cref="NextDouble"/> would return, in order (state kept in registers).</summary>
    internal void FillUnit(Span<double> destination)
    {
        var state = _state;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (state.Next() >> 11) * (1.0 / (1UL << 53));
        }

        _state = state;
    }

    /// <summary>Fills <paramref name="destination"/> with normal values N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public void FillNormal(Span<float> destination, float mean = 0f, float std = 1f)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(mean + (std * NextNormal()));
        }
    }

    /// <summary>Fills <paramref name="destination"/> with normal values N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public void FillNormal(Span<double> destination, double mean = 0, double std = 1)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = mean + (std * NextNormal());
        }
    }

    /// <summary>
    /// A new, independent generator derived from this one's stream (advances this generator). Use it to give
    /// worker threads or sub-components their own reproducible streams.
    /// </summary>
    public Generator Fork() => new(NextUInt64() ^ 0x9E3779B97F4A7C15UL);

    /// <summary>The full internal state (for checkpoints), restorable with <see cref="SetState"/>.</summary>
    public ulong[] GetState() => [_state.S0, _state.S1, _state.S2, _state.S3, _hasSpare ? 1UL : 0UL, BitConverter.DoubleToUInt64Bits(_spareNormal)];

    /// <summary>Restores a state captured by <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6)
        {
            throw new ArgumentException($"Generator state must have 6 words, got {state.Length}.", nameof(state));
        }

        if ((state[0] | state[1] | state[2] | state[3]) == 0)
        {
            throw new ArgumentException("Generator state must not be all zero.", nameof(state));
        }

        (_state.S0, _state.S1, _state.S2, _state.S3) = (state[0], state[1], state[2], state[3]);
        _hasSpare = state[4] != 0;
        _spareNormal = BitConverter.UInt64BitsToDouble(state[5]);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The xoshiro256** state and step (a struct, so bulk loops can keep a copy in registers).</summary>
    private struct Xoshiro256
    {
        public ulong S0, S1, S2, S3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Next()
        {
            ulong result = BitOperations.RotateLeft(S1 * 5, 7) * 9;
            ulong t = S1 << 17;
            S2 ^= S0;
            S3 ^= S1;
            S1 ^= S2;
            S0 ^= S3;
            S2 ^= t;
            S3 = BitOperations.RotateLeft(S3, 45);
            return result;
        }
    }
}
