using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vae.Core.Kernels;

/// <summary>
/// Per-thread, pinned, 64-byte-aligned pack buffers, grown on demand and reused by every later GEMM call on that
/// thread (so steady-state GEMMs allocate nothing).
/// </summary>
internal static unsafe class GemmBuffers<T>
    where T : unmanaged
{
    [ThreadStatic]
    private static T[]? s_a;

    [ThreadStatic]
    private static T[]? s_b;

    public static T* A(int length) => Get(ref s_a, length);

    public static T* B(int length) => Get(ref s_b, length);

    private static T* Get(ref T[]? buffer, int length)
    {
        int pad = 64 / sizeof(T);
        if (buffer is null || buffer.Length < length + pad)
        {
            buffer = GC.AllocateUninitializedArray<T>(length + pad, pinned: true);
        }

        var p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (T*)((p + 63) & ~(nint)63);
    }
}
