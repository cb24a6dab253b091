using System.Numerics;

namespace Vae.Core.Kernels;

internal static class DirectConv
{
    public static bool Supports(ConvGeometry g) => false;

    public static void Forward<T>(T[] x, T[] w, T[]? bias, T[] y, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException();

    public static void BackwardData<T>(T[] y, T[] w, T[]? bias, T[] x, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException();

    public static void BackwardWeight<T>(T[] x, T[] y, T[] dw, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException();
}
