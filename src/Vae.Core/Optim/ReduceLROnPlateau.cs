namespace Vae.Core.Optim;

/// <summary>
/// Reduces learning rates when a metric stops improving (PyTorch 1.13's <c>ReduceLROnPlateau</c>): after more than
/// <see cref="Patience"/> epochs without improvement each group's learning rate becomes max(lr·factor, minLr)
/// (changes smaller than <see cref="Eps"/> are skipped), then <see cref="Cooldown"/> epochs pass before bad epochs
/// are counted again. Call <see cref="Step"/> once per epoch with the validation metric.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private double[] _minLrs;
    private double[] _lastLrs;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="optimizer">Optimizer whose learning rates are reduced.</param>
    /// <param name="mode">Whether the metric should go down (<see cref="PlateauMode.Min"/>) or up.</param>
    /// <param name="factor">Multiplier applied on a plateau (must be &lt; 1).</param>
    /// <param name="patience">Number of epochs without improvement tolerated before reducing.</param>
    /// <param name="threshold">Minimum significant improvement (see <paramref name="thresholdMode"/>).</param>
    /// <param name="thresholdMode">Relative or absolute improvement threshold.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting bad epochs again.</param>
    /// <param name="minLr">Lower bound of every group's learning rate.</param>
    /// <param name="eps">Reductions smaller than this are skipped.</param>
    /// <param name="minLrs">Per-group lower bounds (one per group); overrides <paramref name="minLr"/> when given.</param>
    public ReduceLROnPlateau(
        Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10, double threshold = 1e-4,
        ThresholdMode thresholdMode = ThresholdMode.Relative, int cooldown = 0, double minLr = 0, double eps = 1e-8,
        IReadOnlyList<double>? minLrs = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), $"ReduceLROnPlateau: factor should be < 1.0, got {factor}.");
        }

        CheckEnum(mode, thresholdMode);
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        Optimizer = optimizer;
        int groups = optimizer.ParamGroups.Count;
        if (minLrs is not null && minLrs.Count != groups)
        {
            throw new ArgumentException($"ReduceLROnPlateau: expected {groups} minLrs (one per parameter group), got {minLrs.Count}.", nameof(minLrs));
        }

        _minLrs = new double[groups];
        _lastLrs = new double[groups];
        for (int i = 0; i < groups; i++)
        {
            _minLrs[i] = minLrs?[i] ?? minLr;
            _lastLrs[i] = optimizer.ParamGroups[i].LearningRate;
        }

        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        Eps = eps;
        Best = WorstValue;
    }

    /// <summary>The optimizer whose learning rates are reduced.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Whether lower or higher metric values are better.</summary>
    public PlateauMode Mode { get; private set; }

    /// <summary>Multiplier applied to learning rates on a plateau.</summary>
    public double Factor { get; private set; }

    /// <summary>Number of epochs without improvement tolerated before reducing.</summary>
    public int Patience { get; private set; }

    /// <summary>Minimum significant improvement.</summary>
    public double Threshold { get; private set; }

    /// <summary>Relative or absolute threshold.</summary>
    public ThresholdMode ThresholdMode { get; private set; }

    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; private set; }

    /// <summary>Reductions smaller than this are skipped.</summary>
    public double Eps { get; private set; }

    /// <summary>Lower bound of each group's learning rate.</summary>
    public IReadOnlyList<double> MinLearningRates => _minLrs;

    /// <summary>Best metric value seen (±∞ before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement (reset by a reduction and during cooldown).</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Remaining cooldown epochs.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Each group's learning rate after the last <see cref="Step"/>.</summary>
    public IReadOnlyList<double> LastLearningRates => _lastLrs;

    private double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Records one epoch's metric and reduces the learning rates if it has plateaued (a NaN metric counts as no improvement).</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else
        {
            NumBadEpochs++;
        }

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0;
        }

        var groups = Optimizer.ParamGroups;
        if (NumBadEpochs > Patience)
        {
            for (int i = 0; i < groups.Count; i++)
            {
                double old = groups[i].LearningRate;
                double lr = Math.Max(old * Factor, i < _minLrs.Length ? _minLrs[i] : 0);
                if (old - lr > Eps)
                {
                    groups[i].LearningRate = lr;
                }
            }

            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }

        var last = new double[groups.Count];
        for (int i = 0; i < last.Length; i++)
        {
            last[i] = groups[i].LearningRate;
        }

        _lastLrs = last;
    }

    /// <summary>
    /// A snapshot of the state as float64 tensors: <c>best</c>, <c>num_bad_epochs</c>, <c>cooldown_counter</c>,
    /// <c>last_epoch</c>, the settings (<c>mode</c> 0 = min / 1 = max, <c>factor</c>, <c>patience</c>, <c>threshold</c>,
    /// <c>threshold_mode</c> 0 = rel / 1 = abs, <c>cooldown</c>, <c>eps</c>), and 1-D <c>min_lrs</c>, <c>last_lr</c>.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict() => new OrderedDictionary<string, Tensor>
    {
        ["best"] = StateTensors.Scalar(Best),
        ["num_bad_epochs"] = StateTensors.Scalar(NumBadEpochs),
        ["cooldown_counter"] = StateTensors.Scalar(CooldownCounter),
        ["last_epoch"] = StateTensors.Scalar(LastEpoch),
        ["mode"] = StateTensors.Scalar(Mode == PlateauMode.Min ? 0 : 1),
        ["factor"] = StateTensors.Scalar(Factor),
        ["patience"] = StateTensors.Scalar(Patience),
        ["threshold"] = StateTensors.Scalar(Threshold),
        ["threshold_mode"] = StateTensors.Scalar(ThresholdMode == ThresholdMode.Relative ? 0 : 1),
        ["cooldown"] = StateTensors.Scalar(Cooldown),
        ["eps"] = StateTensors.Scalar(Eps),
        ["min_lrs"] = StateTensors.Vector(_minLrs),
        ["last_lr"] = StateTensors.Vector(_lastLrs),
    };

    /// <summary>Restores a state produced by <see cref="StateDict"/> (settings included); the optimizer's learning rates are not touched.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var p = new List<string>();
        int groups = Optimizer.ParamGroups.Count;
        double best = StateTensors.ReadScalar(stateDict, "best", p);
        int bad = StateTensors.ReadInt(stateDict, "num_bad_epochs", p);
        int counter = StateTensors.ReadInt(stateDict, "cooldown_counter", p);
        int lastEpoch = StateTensors.ReadInt(stateDict, "last_epoch", p);
        int mode = StateTensors.ReadInt(stateDict, "mode", p);
        double factor = StateTensors.ReadScalar(stateDict, "factor", p);
        int patience = StateTensors.ReadInt(stateDict, "patience", p);
        double threshold = StateTensors.ReadScalar(stateDict, "threshold", p);
        int thresholdMode = StateTensors.ReadInt(stateDict, "threshold_mode", p);
        int cooldown = StateTensors.ReadInt(stateDict, "cooldown", p);
        double eps = StateTensors.ReadScalar(stateDict, "eps", p);
        var minLrs = StateTensors.ReadVector(stateDict, "min_lrs", groups, p);
        var lastLrs = StateTensors.ReadVector(stateDict, "last_lr", groups, p);
        if (mode is not (0 or 1) || thresholdMode is not (0 or 1))
        {
            p.Add($"\"mode\" and \"threshold_mode\" must be 0 or 1, got {mode} and {thresholdMode}");
        }

        StateTensors.CheckUnexpected(
            stateDict,
            ["best", "num_bad_epochs", "cooldown_counter", "last_epoch", "mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "eps", "min_lrs", "last_lr"],
            p);
        StateTensors.ThrowIfAny(nameof(ReduceLROnPlateau), p);

        (Best, NumBadEpochs, CooldownCounter, LastEpoch) = (best, bad, counter, lastEpoch);
        (Mode, Factor, Patience, Threshold) = (mode == 0 ? PlateauMode.Min : PlateauMode.Max, factor, patience, threshold);
        (ThresholdMode, Cooldown, Eps) = (thresholdMode == 0 ? ThresholdMode.Relative : ThresholdMode.Absolute, cooldown, eps);
        (_minLrs, _lastLrs) = (minLrs, lastLrs);
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Relative) => a < best * (1 - Threshold),
        (PlateauMode.Min, ThresholdMode.Absolute) => a < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Relative) => a > best * (Threshold + 1),
        _ => a > best + Threshold,
    };

    private static void CheckEnum(PlateauMode mode, ThresholdMode thresholdMode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), $"Unknown mode {mode}.");
        }

        if (!Enum.IsDefined(thresholdMode))
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdMode), $"Unknown threshold mode {thresholdMode}.");
        }
    }
}
