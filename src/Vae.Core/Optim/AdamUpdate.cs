namespace Vae.Core.Optim;

/// <summary>The per-parameter Adam/AdamW step shared by <see cref="Adam"/> and <see cref="AdamW"/>.</summary>
internal static class AdamUpdate
{
    public static void Apply(
        ParameterState state, Tensor p, Tensor grad, double lr, double beta1, double beta2, double eps, double weightDecay,
        bool amsgrad, bool maximize, bool decoupled)
    {
        state.Step++;
        double step = state.Step;
        var expAvg = state.GetOrAddBuffer("exp_avg", p);
        var expAvgSq = state.GetOrAddBuffer("exp_avg_sq", p);
        var maxSq = amsgrad ? state.GetOrAddBuffer("max_exp_avg_sq", p) : null;
        double bc1 = 1 - Math.Pow(beta1, step);
        double bc2 = 1 - Math.Pow(beta2, step);
        double stepSize = lr / bc1;
        double bc2Sqrt = Math.Sqrt(bc2);
        double l2 = decoupled ? 0 : weightDecay;
        double decay = decoupled ? 1 - (lr * weightDecay) : 1;
        if (p.DType == DType.Float32)
        {
            OptimKernels.Adam(p.Span<float>(), grad.Span<float>(), expAvg.Span<float>(), expAvgSq.Span<float>(),
                maxSq is null ? default : maxSq.Span<float>(), beta1, beta2, eps, l2, decay, bc2Sqrt, stepSize, maximize, amsgrad);
        }
        else
        {
            OptimKernels.Adam(p.Span<double>(), grad.Span<double>(), expAvg.Span<double>(), expAvgSq.Span<double>(),
                maxSq is null ? default : maxSq.Span<double>(), beta1, beta2, eps, l2, decay, bc2Sqrt, stepSize, maximize, amsgrad);
        }
    }
}
