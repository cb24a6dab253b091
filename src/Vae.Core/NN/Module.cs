namespace Vae.Core.NN;

/// <summary>
/// Base class of neural-network building blocks. A module owns named <see cref="Parameter"/>s, buffers
/// (non-trainable state such as running statistics) and child modules, each registered explicitly in the
/// constructor with <see cref="RegisterParameter"/>, <see cref="RegisterBuffer"/> and <see cref="RegisterModule{T}"/>.
/// Names are joined with dots into PyTorch-style paths (<c>encoder.layers.0.weight</c>), which are the keys of
/// <see cref="StateDict"/> and of checkpoints.
/// </summary>
/// <remarks>
/// <para>
/// This class has no forward method: derive from <see cref="Module{TIn, TOut}"/> (one input) or
/// <see cref="Module{TIn1, TIn2, TOut}"/> (two inputs) and implement <c>Forward</c>, which is also how a module is
/// called (<c>y = layer.Forward(x)</c>). Modules with other signatures (an encoder returning a distribution, a model
/// with several methods) derive from <see cref="Module"/> directly and define whatever methods they need; they still
/// get parameter management, <see cref="Train"/>/<see cref="Eval"/> and state dicts.
/// </para>
/// <para>
/// Typical pattern:
/// <code>
/// public sealed class Mlp : Module&lt;Tensor, Tensor&gt;
/// {
///     private readonly Linear _fc1, _fc2;
///     public Mlp(Generator g)
///     {
///         _fc1 = RegisterModule("fc1", new Linear(784, 400, g));
///         _fc2 = RegisterModule("fc2", new Linear(400, 20, g));
///     }
///     public override Tensor Forward(Tensor x) => _fc2.Forward(_fc1.Forward(x));
/// }
/// </code>
/// </para>
/// </remarks>
public abstract partial class Module
{
    private readonly OrderedDictionary<string, Parameter> _parameters = [];
    private readonly OrderedDictionary<string, Tensor> _buffers = [];
    private readonly HashSet<string> _nonPersistentBuffers = [];
    private readonly OrderedDictionary<string, Module> _modules = [];

    /// <summary>
    /// Whether the module is in training mode (the default) rather than evaluation mode. Layers such as
    /// <see cref="Dropout"/> behave differently in the two; set it for a whole tree with <see cref="Train"/> or
    /// <see cref="Eval"/>.
    /// </summary>
    public bool Training { get; private set; } = true;

    /// <summary>Total number of elements over all (distinct) parameters of this module and its descendants.</summary>
    public long ParameterCount
    {
        get
        {
            long n = 0;
            foreach (var p in Parameters())
            {
                n += p.Numel;
            }

            return n;
        }
    }

    /// <summary>
    /// Sets training mode (<paramref name="mode"/> true) or evaluation mode (false) on this module and all
    /// descendants.
    /// </summary>
    /// <returns>This module.</returns>
    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules())
        {
            m.Training = mode;
        }

        return this;
    }

    /// <summary>Sets evaluation mode on this module and all descendants (same as <c>Train(false)</c>).</summary>
    /// <returns>This module.</returns>
    public Module Eval() => Train(false);

    /// <summary>
    /// Clears the gradient (<see cref="Tensor.Grad"/> = null) of every parameter. Gradients that a backward pass
    /// created are released (inside a <see cref="TensorScope"/> their storage serves the next backward pass), so
    /// clone a gradient to keep its values.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters())
        {
            p.ClearGrad();
        }
    }

    /// <summary>Calls <paramref name="action"/> on every module of the tree (descendants first, then this one), e.g. for custom initialisation.</summary>
    /// <returns>This module.</returns>
    public Module Apply(Action<Module> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        foreach (var child in _modules.Values)
        {
            child.Apply(action);
        }

        action(this);
        return this;
    }

    /// <summary>The parameters of this module (and, with <paramref name="recurse"/>, of all descendants), each once.</summary>
    public IReadOnlyList<Parameter> Parameters(bool recurse = true)
    {
        var named = NamedParameters(recurse);
        var list = new List<Parameter>(named.Count);
        foreach (var (_, p) in named)
        {
            list.Add(p);
        }

        return list;
    }

    /// <summary>
    /// The parameters with their dotted paths (<c>encoder.0.weight</c>), in registration order, modules visited
    /// depth-first with a module's own parameters before its children's. A parameter shared by several modules is
    /// listed once, under its first name.
    /// </summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters(bool recurse = true)
    {
        var result = new List<(string, Parameter)>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in recurse ? NamedModules() : Self())
        {
            foreach (var (name, p) in m._parameters)
            {
                if (seen.Add(p))
                {
                    result.Add((Join(prefix, name), p));
                }
            }
        }

        return result;
    }

    /// <summary>The buffers (persistent or not) with their dotted paths, in the order of <see cref="NamedParameters"/>.</summary>
    public IReadOnlyList<(string Name, Tensor Buffer)> NamedBuffers(bool recurse = true)
    {
        var result = new List<(string, Tensor)>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in recurse ? NamedModules() : Self())
        {
            foreach (var (name, b) in m._buffers)
            {
                if (seen.Add(b))
                {
                    result.Add((Join(prefix, name), b));
                }
            }
        }

        return result;
    }

    /// <summary>The buffers of this module (and, with <paramref name="recurse"/>, of all descendants).</summary>
    public IReadOnlyList<Tensor> Buffers(bool recurse = true)
    {
        var list = new List<Tensor>();
        foreach (var (_, b) in NamedBuffers(recurse))
        {
            list.Add(b);
        }

        return list;
    }

    /// <summary>The direct child modules, in registration order.</summary>
    public IReadOnlyList<Module> Children() => [.. _modules.Values];

    /// <summary>The direct child modules with their names.</summary>
    public IReadOnlyList<(string Name, Module Module)> NamedChildren()
    {
        var list = new List<(string, Module)>(_modules.Count);
        foreach (var (name, m) in _modules)
        {
            list.Add((name, m));
        }

        return list;
    }

    /// <summary>This module and all descendants (each once), depth-first in registration order.</summary>
    public IReadOnlyList<Module> Modules()
    {
        var named = NamedModules();
        var list = new List<Module>(named.Count);
        foreach (var (_, m) in named)
        {
            list.Add(m);
        }

        return list;
    }

    /// <summary>
    /// This module (named <c>""</c>) and all descendants with their dotted paths, depth-first in registration order;
    /// a module registered in several places is listed once, under its first path.
    /// </summary>
    public IReadOnlyList<(string Name, Module Module)> NamedModules()
    {
        var result = new List<(string, Module)>();
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        CollectModules(string.Empty, seen, result);
        return result;
    }

    /// <summary>
    /// Registers a parameter under <paramref name="name"/> (no dots; unique among this module's parameters,
    /// buffers and children).
    /// </summary>
    /// <returns><paramref name="parameter"/>, so that a field can be assigned in the same statement.</returns>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        CheckNewName(name);
        _parameters.Add(name, parameter);
        return parameter;
    }

    /// <summary>
    /// Registers a buffer: state saved in <see cref="StateDict"/> (unless <paramref name="persistent"/> is false) but
    /// not trained, e.g. running statistics or a fixed mask. Update it in place so that references stay valid.
    /// </summary>
    /// <param name="name">Name (no dots; unique among this module's parameters, buffers and children).</param>
    /// <param name="buffer">The tensor (any shape); it should not require grad.</param>
    /// <param name="persistent">Whether the buffer is part of <see cref="StateDict"/>.</param>
    /// <returns><paramref name="buffer"/>.</returns>
    protected Tensor RegisterBuffer(string name, Tensor buffer, bool persistent = true)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        CheckNewName(name);
        _buffers.Add(name, TensorScope.Persist(buffer));
        if (!persistent)
        {
            _nonPersistentBuffers.Add(name);
        }

        return buffer;
    }

    /// <summary>
    /// Registers a child module under <paramref name="name"/> (no dots; unique among this module's parameters,
    /// buffers and children). Its parameters appear as <c>name.&lt;child path&gt;</c>.
    /// </summary>
    /// <returns><paramref name="module"/>, so that a field can be assigned in the same statement.</returns>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckNewName(name);
        foreach (var (_, m) in module.NamedModules())
        {
            if (ReferenceEquals(m, this))
            {
                throw new ArgumentException(
                    $"Cannot register module '{name}' ({module.TypeName}) in {TypeName}: it contains {TypeName} itself, which would make a cycle.",
                    nameof(module));
            }
        }

        _modules.Add(name, module);
        return module;
    }

    /// <summary>Extra information shown in this module's line of <see cref="ToString"/> (e.g. <c>inFeatures=4, outFeatures=3</c>).</summary>
    protected virtual string ExtraRepr() => string.Empty;

    /// <summary>The module's type name without generic arity, used in messages.</summary>
    private protected string TypeName
    {
        get
        {
            string n = GetType().Name;
            int tick = n.IndexOf('`', StringComparison.Ordinal);
            return tick < 0 ? n : n[..tick];
        }
    }

    private (string Name, Module Module)[] Self() => [(string.Empty, this)];

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private void CollectModules(string prefix, HashSet<Module> seen, List<(string, Module)> result)
    {
        if (!seen.Add(this))
        {
            return;
        }

        result.Add((prefix, this));
        foreach (var (name, child) in _modules)
        {
            child.CollectModules(Join(prefix, name), seen, result);
        }
    }

    private void CheckNewName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid name \"{name}\" in {TypeName}: names must be non-empty and contain no '.'.", nameof(name));
        }

        string? kind = _parameters.ContainsKey(name) ? "parameter"
            : _buffers.ContainsKey(name) ? "buffer"
            : _modules.ContainsKey(name) ? "child module"
            : null;
        if (kind is not null)
        {
            throw new ArgumentException($"{TypeName} already has a {kind} named \"{name}\".", nameof(name));
        }
    }
}
