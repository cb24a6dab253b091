using System.Globalization;

namespace Vae.Core.Optim;

public abstract partial class Optimizer
{
    /// <summary>
    /// A snapshot of the optimizer's state as named tensors, ready for a safetensors checkpoint. Parameters are
    /// numbered 0, 1, … across groups in order. Keys: <c>param_groups.{g}.params</c> (1-D float64 parameter
    /// numbers), <c>param_groups.{g}.{hyper-parameter}</c> (0-d float64, PyTorch names: <c>lr</c>, <c>betas.0</c>,
    /// <c>weight_decay</c>, …; <c>initial_lr</c> when a scheduler set it), <c>state.{k}.step</c> (0-d float64) and
    /// <c>state.{k}.{buffer}</c> (copies of the buffers, e.g. <c>state.0.exp_avg</c>). Restoring it with
    /// <see cref="LoadStateDict"/> continues bit-identically.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var d = new OrderedDictionary<string, Tensor>();
        int offset = 0;
        for (int g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g];
            int n = group.ParameterArray.Length;
            var idx = new double[n];
            for (int i = 0; i < n; i++)
            {
                idx[i] = offset + i;
            }

            d.Add(GroupKey(g, "params"), Tensor.FromArray(idx, n));
            foreach (var name in group.Options.GetHyperParameterNames())
            {
                d.Add(GroupKey(g, name), Scalar(group.Options.GetHyperParameter(name)));
            }

            if (group.InitialLearningRate is double initial)
            {
                d.Add(GroupKey(g, "initial_lr"), Scalar(initial));
            }

            offset += n;
        }

        int k = 0;
        foreach (var group in _groups)
        {
            foreach (var p in group.ParameterArray)
            {
                if (_state.TryGetValue(p, out var s))
                {
                    d.Add(StateKey(k, "step"), Scalar(s.Step));
                    foreach (var (name, buffer) in s.Buffers)
                    {
                        d.Add(StateKey(k, name), buffer.Detach().Clone());
                    }
                }

                k++;
            }
        }

        return d;
    }

    /// <summary>
    /// Restores a state produced by <see cref="StateDict"/> of an optimizer of the same type over parameters of the
    /// same shapes in the same groups: hyper-parameters (including learning rates) and per-parameter state are
    /// replaced. Everything is checked before anything changes; the <see cref="ArgumentException"/> lists every problem.
    /// </summary>
    /// <param name="stateDict">Named tensors as produced by <see cref="StateDict"/>.</param>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var problems = new List<string>();
        var flat = new List<Tensor>();
        foreach (var group in _groups)
        {
            flat.AddRange(group.ParameterArray);
        }

        var groupEntries = new SortedDictionary<int, Dictionary<string, Tensor>>();
        var stateEntries = new SortedDictionary<int, Dictionary<string, Tensor>>();
        foreach (var (key, value) in stateDict)
        {
            if (value is null)
            {
                problems.Add($"\"{key}\": value is null");
            }
            else if (TrySplit(key, "param_groups.", out int g, out string rest))
            {
                Entries(groupEntries, g).Add(rest, value);
            }
            else if (TrySplit(key, "state.", out int k, out rest))
            {
                Entries(stateEntries, k).Add(rest, value);
            }
            else
            {
                problems.Add($"unexpected key \"{key}\"");
            }
        }

        if (groupEntries.Count != _groups.Count || (groupEntries.Count > 0 && groupEntries.Keys.Max() != _groups.Count - 1))
        {
            problems.Add($"the state dict has {groupEntries.Count} parameter groups, the optimizer has {_groups.Count}");
        }

        int offset = 0;
        var trials = new OptimizerOptions[_groups.Count];
        var initials = new double?[_groups.Count];
        for (int g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g];
            int n = group.ParameterArray.Length;
            trials[g] = group.Options.Copy();
            if (groupEntries.TryGetValue(g, out var entries))
            {
                CheckGroup(g, n, offset, entries, trials[g], problems, out initials[g]);
            }

            offset += n;
        }

        foreach (var (k, entries) in stateEntries)
        {
            if (k < 0 || k >= flat.Count)
            {
                problems.Add($"state for parameter {k}, but the optimizer has {flat.Count} parameters");
                continue;
            }

            CheckState(k, flat[k], entries, problems);
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"{GetType().Name}.LoadStateDict: the state dict does not fit this optimizer:\n  {string.Join("\n  ", problems)}",
                nameof(stateDict));
        }

        for (int g = 0; g < _groups.Count; g++)
        {
            var options = _groups[g].Options;
            foreach (var name in options.GetHyperParameterNames())
            {
                options.SetHyperParameter(name, trials[g].GetHyperParameter(name));
            }

            _groups[g].InitialLearningRate = initials[g];
        }

        _state.Clear();
        foreach (var (k, entries) in stateEntries)
        {
            var p = flat[k];
            var s = new ParameterState { Step = (long)entries["step"].Item() };
            foreach (var (name, value) in entries)
            {
                if (name != "step")
                {
                    var buffer = p.ZerosLike();
                    buffer.CopyFrom(value);
                    s.SetBuffer(name, buffer);
                }
            }

            _state.Add(p, s);
        }
    }

    private static void CheckGroup(
        int g, int n, int offset, Dictionary<string, Tensor> entries, OptimizerOptions trial, List<string> problems, out double? initial)
    {
        initial = null;
        if (!entries.TryGetValue("params", out var ids))
        {
            problems.Add($"missing key \"{GroupKey(g, "params")}\"");
        }
        else if (ids.Rank != 1 || ids.Numel != n)
        {
            problems.Add($"\"{GroupKey(g, "params")}\" has shape {ids.Shape}, but group {g} has {n} parameters");
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                if (ids[i] != offset + i)
                {
                    problems.Add($"\"{GroupKey(g, "params")}\" numbers parameters {Tensor.FormatValue(ids[i])}… where {offset + i} was expected");
                    break;
                }
            }
        }

        var names = trial.GetHyperParameterNames();
        foreach (var name in names)
        {
            if (!entries.TryGetValue(name, out var v))
            {
                problems.Add($"missing key \"{GroupKey(g, name)}\"");
            }
            else if (v.Numel != 1)
            {
                problems.Add($"\"{GroupKey(g, name)}\" must be a scalar, got shape {v.Shape}");
            }
            else
            {
                trial.SetHyperParameter(name, v.Item());
            }
        }

        foreach (var (name, v) in entries)
        {
            if (name == "initial_lr")
            {
                initial = v.Numel == 1 ? v.Item() : null;
            }
            else if (name != "params" && !names.Contains(name))
            {
                problems.Add($"unexpected key \"{GroupKey(g, name)}\" ({trial.GetType().Name} has no such hyper-parameter)");
            }
        }

        try
        {
            trial.Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add($"group {g}: {e.Message}");
        }
    }

    private void CheckState(int k, Tensor p, Dictionary<string, Tensor> entries, List<string> problems)
    {
        if (!entries.TryGetValue("step", out var step))
        {
            problems.Add($"missing key \"{StateKey(k, "step")}\"");
        }
        else if (step.Numel != 1 || step.Item() < 0 || step.Item() != Math.Floor(step.Item()))
        {
            problems.Add($"\"{StateKey(k, "step")}\" must be a non-negative integer scalar");
        }

        foreach (var (name, v) in entries)
        {
            if (name == "step")
            {
                continue;
            }

            if (!StateBufferNames.Contains(name))
            {
                problems.Add($"unexpected key \"{StateKey(k, name)}\" ({GetType().Name} keeps {string.Join(", ", StateBufferNames)})");
            }
            else if (v.Shape != p.Shape)
            {
                problems.Add($"\"{StateKey(k, name)}\" has shape {v.Shape}, parameter {k} has shape {p.Shape}");
            }
        }
    }

    private static Dictionary<string, Tensor> Entries(SortedDictionary<int, Dictionary<string, Tensor>> all, int index)
    {
        if (!all.TryGetValue(index, out var e))
        {
            e = [];
            all.Add(index, e);
        }

        return e;
    }

    private static bool TrySplit(string key, string prefix, out int index, out string rest)
    {
        index = -1;
        rest = string.Empty;
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        int dot = key.IndexOf('.', prefix.Length);
        if (dot < 0 || dot == key.Length - 1)
        {
            return false;
        }

        rest = key[(dot + 1)..];
        return int.TryParse(key.AsSpan(prefix.Length, dot - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static string GroupKey(int g, string name) => string.Create(CultureInfo.InvariantCulture, $"param_groups.{g}.{name}");

    private static string StateKey(int k, string name) => string.Create(CultureInfo.InvariantCulture, $"state.{k}.{name}");

    private static Tensor Scalar(double v) => Tensor.Scalar(v, DType.Float64);
}
