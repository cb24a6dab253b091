using Vae.Core.Memory;

namespace Vae.Core;

/// <summary>
/// A region of code whose tensors are released together when it ends, so that their storage is reused by the next
/// region instead of being allocated afresh: a training step allocates the same shapes every time, and with a scope
/// per step it allocates (almost) nothing in the steady state. Like TorchSharp's dispose scopes.
/// </summary>
/// <remarks>
/// <para>
/// Every tensor created on this thread while the scope is the innermost one belongs to it. <see cref="Dispose"/>
/// releases them: their storage goes back to a pool and any later use of such a tensor throws
/// <see cref="ObjectDisposedException"/> (never silently reads reused memory). To let a tensor outlive the scope,
/// pass it to <see cref="Keep{T}"/> (it then belongs to the enclosing scope, or to no scope) or to
/// <see cref="Persist{T}"/> (it belongs to no scope); read plain numbers out with <see cref="Tensor.Item"/> or
/// <see cref="Tensor.ToArray"/> before the scope ends.
/// </para>
/// <para>
/// Long-lived tensors the library creates are never scope-owned: <see cref="NN.Parameter"/>s, module buffers,
/// optimizer state and the gradients that backward passes accumulate into leaves (<see cref="Tensor.Grad"/>).
/// The autograd graph of a scope's tensors dies with the scope: call <see cref="Tensor.Backward"/> inside it.
/// </para>
/// <example>
/// <code>
/// foreach (var batch in loader)
/// {
///     using var scope = TensorScope.Begin();
///     optimizer.ZeroGrad();
///     var loss = model.Loss(batch.Inputs, generator);
///     loss.Backward();
///     optimizer.Step();
///     total += loss.Item();
/// }
/// </code>
/// </example>
/// Scopes nest and must be disposed innermost first, on the thread that began them. Tensors created on other
/// threads (for example inside parallel kernels) are not affected.
/// </remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    [ThreadStatic]
    private static int t_paused;

    private readonly TensorScope? _outer;
    private readonly List<Tensor> _tensors = [];
    private readonly List<Array> _rented = [];
    private bool _disposed;

    private TensorScope(TensorScope? outer) => _outer = outer;

    /// <summary>The innermost scope of the calling thread, or null.</summary>
    public static TensorScope? Current => t_current;

    /// <summary>Number of tensors currently owned by this scope.</summary>
    public int Count
    {
        get
        {
            int n = 0;
            foreach (var t in _tensors)
            {
                n += ReferenceEquals(t.Scope, this) ? 1 : 0;
            }

            return n;
        }
    }

    /// <summary>Bytes of released storage the pool currently keeps for reuse (at most 1 GiB).</summary>
    public static long PooledBytes => StoragePool.PooledBytes;

    /// <summary>The scope that new tensors on this thread join and that rents their storage, or null.</summary>
    internal static TensorScope? Active => t_paused == 0 ? t_current : null;

    /// <summary>Begins a scope on the calling thread, nested in the current one if any.</summary>
    /// <returns>The scope; dispose it (<c>using</c>) to release its tensors.</returns>
    public static TensorScope Begin()
    {
        var scope = new TensorScope(t_current);
        t_current = scope;
        return scope;
    }

    /// <summary>
    /// Lets <paramref name="tensor"/> outlive every scope: it is no longer owned by the scope that created it and is
    /// reclaimed by the garbage collector like any object. Returns the tensor.
    /// </summary>
    /// <typeparam name="T">The tensor type.</typeparam>
    /// <param name="tensor">A tensor (any scope or none).</param>
    public static T Persist<T>(T tensor)
        where T : Tensor
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.Scope = null;
        return tensor;
    }

    /// <summary>
    /// Creates tensors on this thread without any scope until the returned value is disposed: for state that must
    /// outlive the step being computed (caches, running estimates built from scratch).
    /// </summary>
    /// <returns>A value that ends the pause when disposed.</returns>
    public static PauseToken Pause()
    {
        t_paused++;
        return new PauseToken();
    }

    /// <summary>
    /// Moves <paramref name="tensor"/> from this scope to the enclosing one (or to no scope when this is the
    /// outermost), so it survives <see cref="Dispose"/>. Tensors sharing its storage (views) are still released,
    /// but the storage itself stays valid. Returns the tensor.
    /// </summary>
    /// <typeparam name="T">The tensor type.</typeparam>
    /// <param name="tensor">A tensor owned by this scope (tensors of no scope are returned unchanged).</param>
    public T Keep<T>(T tensor)
        where T : Tensor
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tensor.Scope is null)
        {
            return tensor;
        }

        if (!ReferenceEquals(tensor.Scope, this))
        {
            throw new InvalidOperationException(
                $"Keep: the tensor ({tensor.DType.Name()} {tensor.Shape}) belongs to another scope; call Keep on the scope that owns it.");
        }

        tensor.Scope = _outer;
        _outer?._tensors.Add(tensor);
        return tensor;
    }

    /// <summary>Releases the scope's tensors and returns their storage to the pool. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (!ReferenceEquals(t_current, this))
        {
            throw new InvalidOperationException(
                "TensorScope.Dispose: scopes must be disposed innermost first, on the thread that began them.");
        }

        _disposed = true;
        t_current = _outer;

        // Storage still referenced by a tensor that left the scope stays with that tensor's owner.
        Dictionary<Array, TensorScope?>? survivors = null;
        foreach (var t in _tensors)
        {
            if (!ReferenceEquals(t.Scope, this) && t.StorageOrNull is { } data)
            {
                survivors ??= new Dictionary<Array, TensorScope?>(ReferenceEqualityComparer.Instance);
                if (!survivors.TryGetValue(data, out var owner) || (owner is not null && t.Scope is null))
                {
                    survivors[data] = t.Scope;
                }
            }
        }

        foreach (var t in _tensors)
        {
            if (ReferenceEquals(t.Scope, this))
            {
                t.ReleaseStorage();
            }
        }

        foreach (var array in _rented)
        {
            if (survivors is not null && survivors.TryGetValue(array, out var owner))
            {
                owner?._rented.Add(array);
            }
            else
            {
                StoragePool.Return(array);
            }
        }

        _tensors.Clear();
        _rented.Clear();
    }

    /// <summary>Records a tensor created on this thread (called by the tensor constructor).</summary>
    internal static void OnCreated(Tensor tensor)
    {
        var scope = t_current;
        if (scope is null)
        {
            return;
        }

        // While paused the tensor belongs to no scope, but the innermost scope still lists it so that storage it
        // shares with the scope's tensors is not handed out again.
        tensor.Scope = t_paused == 0 ? scope : null;
        scope._tensors.Add(tensor);
    }

    /// <summary>Storage for a new tensor: pooled inside an active scope, freshly allocated otherwise.</summary>
    internal static Array Allocate(int length, DType dtype)
    {
        var scope = Active;
        if (scope is null || length < StoragePool.MinLength)
        {
            return dtype == DType.Float32 ? GC.AllocateUninitializedArray<float>(length) : GC.AllocateUninitializedArray<double>(length);
        }

        Array data = dtype == DType.Float32 ? StoragePool.RentFloat(length) : StoragePool.RentDouble(length);
        scope._rented.Add(data);
        return data;
    }

    /// <summary>Ends a <see cref="Pause"/> when disposed.</summary>
    public readonly struct PauseToken : IDisposable
    {
        /// <summary>Ends the pause.</summary>
        public void Dispose()
        {
            if (t_paused > 0)
            {
                t_paused--;
            }
        }
    }
}
