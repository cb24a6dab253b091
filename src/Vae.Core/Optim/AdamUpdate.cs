namespace Vae.Core.Optim;

/// <summary>
/// The per-parameter Adam/AdamW step shared by <see cref="Adam"/> and <see cref="AdamW"/>: one queued fused update
/// of a parameter, its gradient and its moment buffers with the step's scalars.
/// </summary>
internal readonly struct AdamUpdate : IRangeUpdate
{
    private readonly Tensor _p, _grad, _expAvg, _expAvgSq;
    private readonly Tensor? _maxSq;
    private readonly double _beta1, _beta2, _eps, _l2, _decay, _bc2Sqrt, _stepSize;
    private readonly bool _maximize, _amsgrad;

    private AdamUpdate(
        Tensor p, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxSq,
        double beta1, double beta2, double eps, double l2, double decay, double bc2Sqrt, double stepSize, bool maximize, bool amsgrad)
    {
        (_p, _grad, _expAvg, _expAvgSq, _maxSq) = (p, grad, expAvg, expAvgSq, maxSq);
        (_beta1, _beta2, _eps, _l2, _decay, _bc2Sqrt, _stepSize) = (beta1, beta2, eps, l2, decay, bc2Sqrt, stepSize);
        (_maximize, _amsgrad) = (maximize, amsgrad);
    }

    public int Length => _p.Numel;

    /// <summary>
    /// Advances the parameter's step count, creates its buffers on first use and queues its fused update in
    /// <paramref name="batch"/> (which the optimizer runs once all parameters are queued).
    /// </summary>
    public static void Add(
        UpdateBatch<AdamUpdate> batch, ParameterState state, Tensor p, Tensor grad, double lr, double beta1, double beta2, double eps,
        double weightDecay, bool amsgrad, bool maximize, bool decoupled)
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
        batch.Add(new AdamUpdate(p, grad, expAvg, expAvgSq, maxSq, beta1, beta2, eps, l2, decay, bc2Sqrt, stepSize, maximize, amsgrad));
    }

    public void Apply(int start, int end)
    {
        int n = end - start;
        if (_p.DType == DType.Float32)
        {
            OptimKernels.Adam(_p.Span<float>().Slice(start, n), _grad.Span<float>().Slice(start, n), _expAvg.Span<float>().Slice(start, n),
                _expAvgSq.Span<float>().Slice(start, n), _maxSq is null ? default : _maxSq.Span<float>().Slice(start, n),
                _beta1, _beta2, _eps, _l2, _decay, _bc2Sqrt, _stepSize, _maximize, _amsgrad);
        }
        else
        {
            OptimKernels.Adam(_p.Span<double>().Slice(start, n), _grad.Span<double>().Slice(start, n), _expAvg.Span<double>().Slice(start, n),
                _expAvgSq.Span<double>().Slice(start, n), _maxSq is null ? default : _maxSq.Span<double>().Slice(start, n),
                _beta1, _beta2, _eps, _l2, _decay, _bc2Sqrt, _stepSize, _maximize, _amsgrad);
        }
    }
}
