using Vae.Core.Kernels;

namespace Vae.Core;

// Activations. Each result has this tensor's shape and dtype. Backward rules: when gradients of gradients are being
// recorded (createGraph) they are composed of tensor ops; otherwise a fused single-pass kernel computes the same
// values.
public partial class Tensor
{
    /// <summary>Elementwise logistic sigmoid 1/(1 + e⁻ˣ); saturates to 0 and 1 without overflow. Gradient: g·y·(1 − y).</summary>
    public Tensor Sigmoid()
    {
        var y = Elementwise.Unary<SigmoidOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Sigmoid", [this], static (g, n) =>
            {
                var s = n.Output;
                return [Autograd.IsGradEnabled
                    ? g * (s * (1.0 - s))
                    : Lanes.Map(g, s, default(SigmoidBackwardLane<float>), default(SigmoidBackwardLane<double>))];
            });
        }

        return y;
    }

    /// <summary>Elementwise hyperbolic tangent (full relative accuracy near 0). Gradient: g·(1 − y²).</summary>
    public Tensor Tanh()
    {
        var y = Elementwise.Unary<TanhOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Tanh", [this], static (g, n) =>
            {
                var t = n.Output;
                return [Autograd.IsGradEnabled
                    ? g * ((1.0 - t) * (1.0 + t))
                    : Lanes.Map(g, t, default(TanhBackwardLane<float>), default(TanhBackwardLane<double>))];
            });
        }

        return y;
    }

    /// <summary>Elementwise max(x, 0); NaN stays NaN. Gradient: g where x &gt; 0, else 0 (0 at the kink).</summary>
    public Tensor Relu()
    {
        var y = Elementwise.Unary<ReluOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Relu", [this], static (g, n) =>
                [Autograd.IsGradEnabled
                    ? Where(n.Output.Gt(0.0), g, Scalar(0, g.DType))
                    : Lanes.Map(g, n.Output, default(ReluBackwardLane<float>), default(ReluBackwardLane<double>))]);
        }

        return y;
    }

    /// <summary>Elementwise x where x &gt; 0, else <paramref name="negativeSlope"/>·x. Gradient: g or slope·g likewise.</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        var y = Lanes.Map(this, new LeakyReluLane<float>((float)negativeSlope), new LeakyReluLane<double>(negativeSlope));
        if (ShouldRecord(this))
        {
            y.SetGradFn("LeakyRelu", [this], (g, n) =>
            {
                var x = n.Inputs[0];
                return [Autograd.IsGradEnabled
                    ? Where(x.Gt(0.0), g, g * negativeSlope)
                    : Lanes.Map(g, x, new LeakyReluBackwardLane<float>((float)negativeSlope), new LeakyReluBackwardLane<double>(negativeSlope))];
            });
        }

        return y;
    }

    /// <summary>
    /// Elementwise ELU: x where x &gt; 0, else α·(eˣ − 1) (computed with an accurate expm1).
    /// Gradient: g where x &gt; 0, else g·(y + α) = g·α·eˣ.
    /// </summary>
    public Tensor Elu(double alpha = 1.0)
    {
        var y = Lanes.Map(this, new EluLane<float>((float)alpha), new EluLane<double>(alpha));
        if (ShouldRecord(this))
        {
            y.SetGradFn("Elu", [this], (g, n) => [Where(n.Inputs[0].Gt(0.0), g, g * (n.Output + alpha))]);
        }

        return y;
    }

    /// <summary>
    /// Elementwise softplus log(1 + e^(βx))/β, computed stably as (max(z, 0) + log1p(e^(−|z|)))/β with z = βx: no
    /// overflow for large x and full relative accuracy for very negative x. Where βx &gt; <paramref name="threshold"/>
    /// the result is x itself (PyTorch's reversion to the identity). Gradient: g·σ(βx), or g in the identity region.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is not a positive finite number, or <paramref name="threshold"/> is NaN.</exception>
    public Tensor Softplus(double beta = 1.0, double threshold = 20.0)
    {
        if (!(beta > 0) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"Softplus: beta must be positive and finite (tensor {Shape}).");
        }

        if (double.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"Softplus: threshold must not be NaN (tensor {Shape}).");
        }

        var y = Lanes.Map(this, new SoftplusLane<float>((float)beta, (float)threshold), new SoftplusLane<double>(beta, threshold));
        if (ShouldRecord(this))
        {
            y.SetGradFn("Softplus", [this], (g, n) =>
            {
                var x = n.Inputs[0];
                if (!Autograd.IsGradEnabled)
                {
                    return [Lanes.Map(g, x, new SoftplusBackwardLane<float>((float)beta, (float)threshold), new SoftplusBackwardLane<double>(beta, threshold))];
                }

                var z = beta == 1.0 ? x : x * beta;
                return [Where(z.Gt(threshold), g, g * z.Sigmoid())];
            });
        }

        return y;
    }

    /// <summary>
    /// Elementwise log σ(x) = −softplus(−x), computed stably as min(x, 0) − log1p(e^(−|x|)) (no overflow, no
    /// log(0)). Gradient: g·σ(−x).
    /// </summary>
    public Tensor LogSigmoid()
    {
        var y = Elementwise.Unary<LogSigmoidOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("LogSigmoid", [this], static (g, n) =>
            {
                var x = n.Inputs[0];
                return [Autograd.IsGradEnabled
                    ? g * x.Neg().Sigmoid()
                    : Lanes.Map(g, x, new SoftplusBackwardLane<float>(-1f, float.PositiveInfinity), new SoftplusBackwardLane<double>(-1.0, double.PositiveInfinity))];
            });
        }

        return y;
    }

    /// <summary>Elementwise SiLU (swish) x·σ(x), composed of <see cref="Sigmoid"/> and a product (differentiable to any order).</summary>
    public Tensor Silu() => this * Sigmoid();
}
