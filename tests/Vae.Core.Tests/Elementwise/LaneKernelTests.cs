using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;
using Vae.Core;
using Vae.Core.Kernels;

namespace Vae.Core.Tests;

/// <summary>
/// The hand-vectorised lane kernels against their scalar reference forms, for every vector width the machine
/// accelerates (Vector512 and Vector&lt;T&gt;), at lengths that are not multiples of the vector width (padded tails),
/// with NaN, ±∞ and ±0 mixed into the lanes.
/// </summary>
public sealed class LaneKernelTests
{
    public static TheoryData<int> Lengths => new() { 1, 7, 33, 1000 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Transcendental_lanes_match_scalar_reference(int n)
    {
        Unary(n, -30, 30, default(ExpLane<float>), default(ExpLane<double>));
        Unary(n, -0.99, 5, default(Log1pLane<float>), default(Log1pLane<double>));
        Unary(n, -1e-3, 1e-3, default(Log1pLane<float>), default(Log1pLane<double>));
        Unary(n, -5, 5, default(Expm1Lane<float>), default(Expm1Lane<double>));
        Unary(n, -1e-3, 1e-3, default(Expm1Lane<float>), default(Expm1Lane<double>));
        Unary(n, -10, 10, default(TanhLane<float>), default(TanhLane<double>));
        Unary(n, -1e-3, 1e-3, default(TanhLane<float>), default(TanhLane<double>));
        Unary(n, -60, 60, new SoftplusLane<float>(1, 20), new SoftplusLane<double>(1, 20));
        Unary(n, -30, 30, new SoftplusLane<float>(2.5f, 3), new SoftplusLane<double>(2.5, 3));
        Unary(n, -60, 60, default(LogSigmoidLane<float>), default(LogSigmoidLane<double>));
        Unary(n, -6, 6, new EluLane<float>(0.7f), new EluLane<double>(0.7));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Selection_and_mask_lanes_match_scalar_reference(int n)
    {
        Unary(n, -3, 3, new LeakyReluLane<float>(0.1f), new LeakyReluLane<double>(0.1));
        Unary(n, -3, 3, default(SignLane<float>), default(SignLane<double>));
        Unary(n, -3, 3, default(IsNaNLane<float>), default(IsNaNLane<double>));
        Unary(n, -3, 3, default(IsFiniteLane<float>), default(IsFiniteLane<double>));
        Unary(n, -3, 3, new InRangeLane<float>(-1, 2), new InRangeLane<double>(-1, 2));
        Unary(n, -3, 3, new BindRight<float, GtLane<float>>(default, 0.5f), new BindRight<double, GtLane<double>>(default, 0.5));
        Unary(n, -3, 3, new BindLeft<float, LtLane<float>>(default, 0.5f), new BindLeft<double, LtLane<double>>(default, 0.5));
        Binary(n, default(GtLane<float>), default(GtLane<double>));
        Binary(n, default(GeLane<float>), default(GeLane<double>));
        Binary(n, default(LtLane<float>), default(LtLane<double>));
        Binary(n, default(LeLane<float>), default(LeLane<double>));
        Binary(n, default(EqLane<float>), default(EqLane<double>));
        Binary(n, default(NeLane<float>), default(NeLane<double>));
        Binary(n, default(MaxWeightLane<float>), default(MaxWeightLane<double>));
        Ternary(n, default(WhereLane<float>), default(WhereLane<double>));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Backward_lanes_match_scalar_reference(int n)
    {
        Binary(n, default(ReluBackwardLane<float>), default(ReluBackwardLane<double>));
        Binary(n, default(SigmoidBackwardLane<float>), default(SigmoidBackwardLane<double>));
        Binary(n, default(TanhBackwardLane<float>), default(TanhBackwardLane<double>));
        Binary(n, new LeakyReluBackwardLane<float>(0.2f), new LeakyReluBackwardLane<double>(0.2));
        Binary(n, new SoftplusBackwardLane<float>(1.5f, 4), new SoftplusBackwardLane<double>(1.5, 4));
        Binary(n, new ClampBackwardLane<float>(-1, 1), new ClampBackwardLane<double>(-1, 1));
    }

    [Fact]
    public void In_place_mapping_gives_the_same_result()
    {
        var x = Inputs<double>(37, -5, 5, 99);
        var expected = new double[37];
        Lanes.Map(x, expected, default(TanhLane<double>));
        Lanes.Map(x, x, default(TanhLane<double>));
        x.Should().Equal(expected);
    }

    private static void Unary<TF, TD>(int n, double lo, double hi, TF opFloat, TD opDouble)
        where TF : struct, ILaneUnary<float>
        where TD : struct, ILaneUnary<double>
    {
        Unary<float, TF>(n, lo, hi, opFloat, 1e-6, 1e-40);
        Unary<double, TD>(n, lo, hi, opDouble, 1e-14, 1e-300);
    }

    private static void Unary<T, TOp>(int n, double lo, double hi, TOp op, double rtol, double atol)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneUnary<T>
    {
        var x = Inputs<T>(n, lo, hi, 1);
        var reference = new T[n];
        Lanes.MapScalar(x, reference, op);
        var actual = new T[n];
        if (Vector512.IsHardwareAccelerated)
        {
            Lanes.Map512(x, actual, op);
            Compare(actual, reference, x, rtol, atol, $"{typeof(TOp).Name} Vector512");
        }

        if (Vector.IsHardwareAccelerated)
        {
            Lanes.MapVector(x, actual, op);
            Compare(actual, reference, x, rtol, atol, $"{typeof(TOp).Name} Vector<T>");
        }
    }

    private static void Binary<TF, TD>(int n, TF opFloat, TD opDouble)
        where TF : struct, ILaneBinary<float>
        where TD : struct, ILaneBinary<double>
    {
        Binary<float, TF>(n, opFloat, 1e-6, 1e-40);
        Binary<double, TD>(n, opDouble, 1e-14, 1e-300);
    }

    private static void Binary<T, TOp>(int n, TOp op, double rtol, double atol)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneBinary<T>
    {
        var a = Inputs<T>(n, -3, 3, 2);
        var b = Inputs<T>(n, -3, 3, 3);
        for (int i = 0; i < n; i += 3)
        {
            b[i] = a[i]; // ties and equal specials
        }

        var reference = new T[n];
        Lanes.MapScalar(a, b, reference, op);
        var actual = new T[n];
        if (Vector512.IsHardwareAccelerated)
        {
            Lanes.Map512(a, b, actual, op);
            Compare(actual, reference, a, rtol, atol, $"{typeof(TOp).Name} Vector512");
        }

        if (Vector.IsHardwareAccelerated)
        {
            Lanes.MapVector(a, b, actual, op);
            Compare(actual, reference, a, rtol, atol, $"{typeof(TOp).Name} Vector<T>");
        }
    }

    private static void Ternary<TF, TD>(int n, TF opFloat, TD opDouble)
        where TF : struct, ILaneTernary<float>
        where TD : struct, ILaneTernary<double>
    {
        Ternary<float, TF>(n, opFloat);
        Ternary<double, TD>(n, opDouble);
    }

    private static void Ternary<T, TOp>(int n, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, ILaneTernary<T>
    {
        var c = Inputs<T>(n, -1, 1, 4);
        for (int i = 1; i < n; i += 4)
        {
            c[i] = T.Zero;
        }

        var a = Inputs<T>(n, -3, 3, 5);
        var b = Inputs<T>(n, -3, 3, 6);
        var reference = new T[n];
        Lanes.MapScalar(c, a, b, reference, op);
        var actual = new T[n];
        if (Vector512.IsHardwareAccelerated)
        {
            Lanes.Map512(c, a, b, actual, op);
            Compare(actual, reference, c, 0, 0, $"{typeof(TOp).Name} Vector512");
        }

        if (Vector.IsHardwareAccelerated)
        {
            Lanes.MapVector(c, a, b, actual, op);
            Compare(actual, reference, c, 0, 0, $"{typeof(TOp).Name} Vector<T>");
        }
    }

    /// <summary>Uniform values in [lo, hi] with NaN, ±∞ and ±0 at fixed positions of each 16-element block.</summary>
    private static T[] Inputs<T>(int n, double lo, double hi, ulong seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = new Generator(seed);
        var v = new T[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = (i % 16) switch
            {
                5 => T.NaN,
                9 => T.PositiveInfinity,
                12 => T.NegativeInfinity,
                14 => T.Zero,
                15 => T.NegativeZero,
                _ => T.CreateTruncating(lo + ((hi - lo) * g.NextDouble())),
            };
        }

        return v;
    }

    private static void Compare<T>(T[] actual, T[] expected, T[] input, double rtol, double atol, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < actual.Length; i++)
        {
            double a = double.CreateTruncating(actual[i]);
            double e = double.CreateTruncating(expected[i]);
            bool ok = (double.IsNaN(a) && double.IsNaN(e)) || a == e || Math.Abs(a - e) <= atol + (rtol * Math.Max(Math.Abs(a), Math.Abs(e)));
            if (!ok)
            {
                ok.Should().BeTrue(string.Create(CultureInfo.InvariantCulture,
                    $"{what} ({typeof(T).Name}, length {actual.Length}) element {i}: input {input[i]}, vector {a:R}, scalar {e:R}"));
            }
        }
    }
}
