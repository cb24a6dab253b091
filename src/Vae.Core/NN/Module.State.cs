using System.Globalization;
using System.Text;

namespace Vae.Core.NN;

public abstract partial class Module
{
    /// <summary>
    /// A snapshot of the module's state: every parameter and persistent buffer under its dotted path, parameters
    /// before buffers within a module, a module before its children. Values are detached copies (later training does
    /// not change them), keep their dtype, and can be written to a checkpoint or passed to <see cref="LoadStateDict"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var live = new OrderedDictionary<string, Tensor>();
        CollectState(string.Empty, live, new HashSet<Module>(ReferenceEqualityComparer.Instance));
        var snapshot = new OrderedDictionary<string, Tensor>(live.Count);
        foreach (var (name, t) in live)
        {
            snapshot.Add(name, t.Detach().Clone());
        }

        return snapshot;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into this module's parameters and persistent buffers, in place
    /// (references to them stay valid; values are converted to each tensor's dtype). Nothing is copied unless the
    /// whole dict is acceptable: a shape mismatch is always an error, and with <paramref name="strict"/> so are
    /// missing and unexpected keys. The <see cref="ArgumentException"/> lists every problem at once.
    /// </summary>
    /// <param name="stateDict">Tensors by dotted path, each of the shape of the tensor it replaces.</param>
    /// <param name="strict">Require the keys to match this module's <see cref="StateDict"/> keys exactly.</param>
    /// <returns>The keys the module has but the dict lacks, and the keys the dict has but the module lacks (empty when strict).</returns>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var expected = new OrderedDictionary<string, Tensor>();
        CollectState(string.Empty, expected, new HashSet<Module>(ReferenceEqualityComparer.Instance));

        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (name, target) in expected)
        {
            if (!stateDict.TryGetValue(name, out var source))
            {
                missing.Add(name);
            }
            else if (source is null)
            {
                mismatched.Add($"\"{name}\": value is null, module has {target.Shape}");
            }
            else if (source.Shape != target.Shape)
            {
                mismatched.Add($"\"{name}\": state dict has {source.Shape}, module has {target.Shape}");
            }
        }

        var unexpected = new List<string>();
        foreach (var key in stateDict.Keys)
        {
            if (!expected.ContainsKey(key))
            {
                unexpected.Add(key);
            }
        }

        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var sb = new StringBuilder($"LoadStateDict: cannot load state into {TypeName}:");
            if (missing.Count > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n  missing keys ({missing.Count}): {Quote(missing)}");
            }

            if (unexpected.Count > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n  unexpected keys ({unexpected.Count}): {Quote(unexpected)}");
            }

            if (mismatched.Count > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n  shape mismatches ({mismatched.Count}): {string.Join("; ", mismatched)}");
            }

            throw new ArgumentException(sb.ToString(), nameof(stateDict));
        }

        using (Autograd.NoGrad())
        {
            foreach (var (name, target) in expected)
            {
                if (stateDict.TryGetValue(name, out var source))
                {
                    target.CopyFrom(source);
                }
            }
        }

        return new LoadStateDictResult(missing, unexpected);
    }

    private static string Quote(List<string> keys) => string.Join(", ", keys.Select(k => $"\"{k}\""));

    private void CollectState(string prefix, OrderedDictionary<string, Tensor> into, HashSet<Module> path)
    {
        if (!path.Add(this))
        {
            return; // cycles are rejected at registration; this is a safety net
        }

        foreach (var (name, p) in _parameters)
        {
            into.TryAdd(Join(prefix, name), p);
        }

        foreach (var (name, b) in _buffers)
        {
            if (!_nonPersistentBuffers.Contains(name))
            {
                into.TryAdd(Join(prefix, name), b);
            }
        }

        foreach (var (name, child) in _modules)
        {
            child.CollectState(Join(prefix, name), into, path);
        }

        path.Remove(this);
    }
}
