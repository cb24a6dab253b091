using System.Globalization;

namespace Vae.Core;

/// <summary>
/// Finite-difference checks of autograd gradients, for your own functions as much as for the library's.
/// Inputs must be float64; the function must be deterministic.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Compares the full Jacobian from autograd with central differences:
    /// <c>|analytic − numeric| ≤ atol + rtol·|numeric|</c> for every entry.
    /// </summary>
    /// <param name="function">The function under test; receives leaf copies of <paramref name="inputs"/> that require grad.</param>
    /// <param name="inputs">Float64 input values (any shapes); they are not modified.</param>
    /// <param name="eps">Finite-difference step.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    public static GradCheckResult Check(Func<Tensor[], Tensor> function, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var leaves = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].DType != DType.Float64)
            {
                throw new ArgumentException($"GradCheck needs float64 inputs; input {i} is {inputs[i].DType.Name()} {inputs[i].Shape}. Use .Double().", nameof(inputs));
            }

            leaves[i] = inputs[i].Detach().Clone().SetRequiresGrad();
        }

        var y = function(leaves);
        int m = y.Numel;

        // Analytic Jacobian, one row per output element.
        var analytic = new double[leaves.Length][,];
        for (int i = 0; i < leaves.Length; i++)
        {
            analytic[i] = new double[m, leaves[i].Numel];
        }

        if (y.RequiresGrad)
        {
            for (int k = 0; k < m; k++)
            {
                var e = Tensor.Zeros(y.Shape, DType.Float64);
                e.SetFlat(k, 1.0);
                var grads = Autograd.Grad([y], leaves, [e], createGraph: false, allowUnused: true, retainGraph: true);
                for (int i = 0; i < leaves.Length; i++)
                {
                    if (grads[i] is { } g)
                    {
                        if (g.Shape != leaves[i].Shape)
                        {
                            return new GradCheckResult(false, double.PositiveInfinity,
                                $"Gradient for input {i} has shape {g.Shape}, expected {leaves[i].Shape}.");
                        }

                        var gs = g.ToDoubleArray();
                        for (int j = 0; j < gs.Length; j++)
                        {
                            analytic[i][k, j] = gs[j];
                        }
                    }
                }
            }
        }

        double maxErr = 0;
        string? failure = null;
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < leaves.Length; i++)
            {
                var data = leaves[i].Span<double>();
                for (int j = 0; j < leaves[i].Numel; j++)
                {
                    double orig = data[j];
                    data[j] = orig + eps;
                    var yp = function(leaves).ToDoubleArray();
                    data[j] = orig - eps;
                    var ym = function(leaves).ToDoubleArray();
                    data[j] = orig;
                    for (int k = 0; k < m; k++)
                    {
                        double num = (yp[k] - ym[k]) / (2 * eps);
                        double ana = analytic[i][k, j];
                        double err = Math.Abs(ana - num);
                        if (double.IsNaN(err))
                        {
                            err = double.IsNaN(ana) && double.IsNaN(num) ? 0 : double.PositiveInfinity;
                        }

                        maxErr = Math.Max(maxErr, err);
                        if (failure is null && err > atol + (rtol * Math.Abs(num)))
                        {
                            failure = string.Create(CultureInfo.InvariantCulture,
                                $"Input {i} element {j}, output element {k}: analytic {ana:G8} vs numeric {num:G8} (|diff| {err:G3}).");
                        }
                    }
                }
            }
        }

        return new GradCheckResult(failure is null, maxErr, failure ?? "Gradients match finite differences.");
    }

    /// <summary>
    /// Second-order check: verifies by finite differences the gradient of the scalar
    /// <c>h(x) = Σᵢ ⟨∂(Σ w·f(x))/∂xᵢ, uᵢ⟩</c>, whose gradient needs the backward pass itself to be differentiable
    /// (<c>createGraph: true</c>). <c>w</c> and <c>u</c> are fixed random tensors drawn from <paramref name="seed"/>.
    /// </summary>
    public static GradCheckResult CheckSecondOrder(Func<Tensor[], Tensor> function, Tensor[] inputs, ulong seed = 0, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var gen = new Generator(seed);
        Tensor? w = null;
        var u = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            u[i] = Tensor.Randn(inputs[i].Shape, gen, DType.Float64);
        }

        Tensor H(Tensor[] xs)
        {
            var y = function(xs);
            w ??= Tensor.Randn(y.Shape, gen, DType.Float64);
            var s = (y * w).Sum();
            var grads = Autograd.Grad([s], xs, null, createGraph: true, allowUnused: true);
            Tensor? h = null;
            for (int i = 0; i < xs.Length; i++)
            {
                if (grads[i] is { } g)
                {
                    var term = (g * u[i]).Sum();
                    h = h is null ? term : h + term;
                }
            }

            return h ?? Tensor.Scalar(0, DType.Float64);
        }

        // Inside NoGrad (the numeric pass) first-order gradients are still needed: force grad mode for the inner function.
        Tensor HWithGrad(Tensor[] xs)
        {
            if (Autograd.IsGradEnabled)
            {
                return H(xs);
            }

            using (Autograd.EnableGrad())
            {
                return H(xs).Detach();
            }
        }

        return Check(HWithGrad, inputs, eps, atol, rtol);
    }
}

/// <summary>Outcome of a <see cref="GradCheck"/> run.</summary>
/// <param name="Passed">Whether every Jacobian entry was within tolerance.</param>
/// <param name="MaxAbsError">Largest absolute difference between analytic and numeric entries.</param>
/// <param name="Message">The first failing entry, or a success message.</param>
public sealed record GradCheckResult(bool Passed, double MaxAbsError, string Message)
{
    /// <summary>Throws <see cref="InvalidOperationException"/> with <see cref="Message"/> when the check failed.</summary>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new InvalidOperationException("Gradient check failed: " + Message);
        }
    }
}
