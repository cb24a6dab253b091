using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vae.Core;

/// <summary>
/// An n-dimensional array of <see cref="DType.Float32"/> or <see cref="DType.Float64"/> values in contiguous
/// row-major storage, with reverse-mode automatic differentiation (<see cref="Backward"/>,
/// <see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, bool, bool, bool?)"/>).
/// Operations return new tensors; only optimizers and explicitly named in-place methods mutate storage.
/// </summary>
public partial class Tensor
{
    private bool _requiresGrad;
    private Array? _data;

    internal Tensor(Array data, Shape shape, DType dtype)
    {
        Debug.Assert(dtype == DType.Float32 ? data is float[] : data is double[]);
        Debug.Assert(data.Length >= shape.Numel);
        _data = data;
        Shape = shape;
        DType = dtype;
        Numel = shape.Numel;
        TensorScope.OnCreated(this);
    }

    /// <summary>
    /// The storage: a <c>float[]</c> or <c>double[]</c> holding at least <see cref="Numel"/> elements. Throws
    /// <see cref="ObjectDisposedException"/> once the <see cref="TensorScope"/> that owned the tensor has ended.
    /// </summary>
    internal Array Data => _data ?? throw Released();

    /// <summary>The storage, or null after release.</summary>
    internal Array? StorageOrNull => _data;

    /// <summary>The scope that owns this tensor, or null (see <see cref="TensorScope"/>).</summary>
    internal TensorScope? Scope { get; set; }

    /// <summary>True once the <see cref="TensorScope"/> that owned this tensor has ended; its values are gone.</summary>
    public bool IsReleased => _data is null;

    /// <summary>The tensor's shape.</summary>
    public Shape Shape { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>Number of elements.</summary>
    public int Numel { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => Shape[dim];

    /// <summary>
    /// Whether gradients flow to this tensor. Settable on leaves (tensors not produced by a recorded operation);
    /// results of operations on tensors that require grad require grad themselves.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf && !value)
            {
                throw new InvalidOperationException(
                    $"RequiresGrad can only be cleared on leaf tensors; this tensor was produced by '{GradFn!.Name}'. Use Detach().");
            }

            _requiresGrad = value;
        }
    }

    /// <summary>
    /// The accumulated gradient of a leaf after <see cref="Backward"/>, of the same shape and dtype; null until then.
    /// </summary>
    public Tensor? Grad { get; set; }

    /// <summary>True when this tensor was not produced by a recorded operation (parameters, inputs, detached values).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>Name of the operation that produced this tensor, or null for leaves.</summary>
    public string? GradFnName => GradFn?.Name;

    internal Node? GradFn { get; private set; }

    /// <summary>Span over the elements (T must match <see cref="DType"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<T> Span<T>()
        where T : unmanaged
    {
        Debug.Assert(Data is T[]);
        return new Span<T>(Unsafe.As<T[]>(Data), 0, Numel);
    }

    /// <summary>Float32 span over the elements; throws if the tensor is not float32.</summary>
    internal Span<float> FloatSpan() => DType == DType.Float32 ? Span<float>() : throw DTypeMismatch(DType.Float32);

    /// <summary>Float64 span over the elements; throws if the tensor is not float64.</summary>
    internal Span<double> DoubleSpan() => DType == DType.Float64 ? Span<double>() : throw DTypeMismatch(DType.Float64);

    /// <summary>A new tensor with uninitialised storage.</summary>
    internal static Tensor Empty(Shape shape, DType dtype)
    {
        return new Tensor(TensorScope.Allocate(shape.Numel, dtype), shape, dtype);
    }

    /// <summary>A new tensor with uninitialised storage of the same dtype as this one.</summary>
    internal Tensor EmptyLike(Shape shape) => Empty(shape, DType);

    internal void SetGradFn(string name, Tensor[] inputs, BackwardFunction backward)
    {
        GradFn = new Node(name, inputs, this, backward);
        _requiresGrad = true;
    }

    /// <summary>True when grad mode is on and the tensor requires grad: the caller should record a backward rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool ShouldRecord(Tensor a) => a._requiresGrad && Autograd.IsGradEnabled;

    /// <summary>True when grad mode is on and either tensor requires grad.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool ShouldRecord(Tensor a, Tensor b) => (a._requiresGrad || b._requiresGrad) && Autograd.IsGradEnabled;

    /// <summary>True when grad mode is on and any tensor requires grad.</summary>
    internal static bool ShouldRecord(ReadOnlySpan<Tensor> tensors)
    {
        if (!Autograd.IsGradEnabled)
        {
            return false;
        }

        foreach (var t in tensors)
        {
            if (t._requiresGrad)
            {
                return true;
            }
        }

        return false;
    }

    internal static void CheckSameDType(Tensor a, Tensor b, string op)
    {
        if (a.DType != b.DType)
        {
            throw new ArgumentException(
                $"{op}: dtypes differ ({a.DType.Name()} {a.Shape} vs {b.DType.Name()} {b.Shape}); convert one with To(DType).");
        }
    }

    /// <summary>Drops the storage (called by the owning scope when it ends).</summary>
    internal void ReleaseStorage()
    {
        _data = null;
        Scope = null;
        GradFn = null;
    }

    private ObjectDisposedException Released() =>
        new(nameof(Tensor),
            $"This tensor ({DType.Name()} {Shape}) was released when the TensorScope that created it ended. " +
            "Keep it with scope.Keep(t) or TensorScope.Persist(t), or read its values before the scope ends.");

    private InvalidOperationException DTypeMismatch(DType expected) =>
        new($"Expected a {expected.Name()} tensor, got {DType.Name()} {Shape}.");

    /// <summary>Converts a double to the element type <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Cast<T>(double v)
        where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(v);
}
