namespace Vae.Core.Data;

/// <summary>
/// One split of an MNIST-format dataset in memory: the pixels as bytes (one per pixel, as in the files) and the
/// class labels. <see cref="Images"/> converts all of them to a float32 tensor in [0, 1] on first use; to keep
/// memory low (60,000 MNIST images are 47 MB as bytes, 188 MB as floats), gather batches straight from the bytes
/// with <see cref="GatherImages"/> or <see cref="ImageRange"/>.
/// </summary>
public sealed class MnistData
{
    private readonly byte[] _pixels;
    private readonly bool _flatten;
    private Tensor? _images;

    internal MnistData(MnistDatasetInfo dataset, MnistSplit split, byte[] pixels, bool flatten, int[] labels, int height, int width)
    {
        Dataset = dataset;
        Split = split;
        _pixels = pixels;
        _flatten = flatten;
        Labels = labels;
        Height = height;
        Width = width;
        using (TensorScope.Pause())
        {
            var classes = Tensor.Empty(new Shape(labels.Length), DType.Float32);
            var span = classes.Span<float>();
            for (int i = 0; i < labels.Length; i++)
            {
                span[i] = labels[i];
            }

            LabelTensor = classes;
        }
    }

    /// <summary>Which dataset this is.</summary>
    public MnistDatasetInfo Dataset { get; }

    /// <summary>Which split this is.</summary>
    public MnistSplit Split { get; }

    /// <summary>
    /// Pixel intensities <c>byte / 255</c> in [0, 1], float32: shape <c>[N, Height·Width]</c> (e.g. [60000, 784]), or
    /// <c>[N, 1, Height, Width]</c> when loaded with <see cref="MnistOptions.Flatten"/> = false. Converted from the
    /// bytes on first access and kept (never owned by a <see cref="TensorScope"/>).
    /// </summary>
    public Tensor Images => Volatile.Read(ref _images) ?? MaterialiseImages();

    /// <summary>The raw pixel bytes (0 = background, 255 = ink), row-major <c>[N, Height·Width]</c>.</summary>
    public ReadOnlyMemory<byte> Pixels => _pixels;

    /// <summary>Class index of each image, in <c>[0, NumClasses)</c>; length N.</summary>
    public int[] Labels { get; }

    /// <summary>The labels as a float32 tensor of class indices, shape <c>[N]</c>.</summary>
    public Tensor LabelTensor { get; }

    /// <summary>Number of examples N.</summary>
    public int Count => Labels.Length;

    /// <summary>Image height in pixels (28 for MNIST).</summary>
    public int Height { get; }

    /// <summary>Image width in pixels (28 for MNIST).</summary>
    public int Width { get; }

    /// <summary>Number of classes.</summary>
    public int NumClasses => Dataset.NumClasses;

    /// <summary>A dataset of (<see cref="Images"/>, <see cref="LabelTensor"/>) rows for a <see cref="DataLoader"/>.</summary>
    public TensorDataset ToDataset() => new(Images, LabelTensor);

    /// <summary>A dataset of <see cref="Images"/> alone (unsupervised training).</summary>
    public TensorDataset ToImageDataset() => new(Images);

    /// <summary>
    /// The images at <paramref name="indices"/>, converted from the bytes: float32 <c>byte / 255</c>, shape
    /// <c>[indices.Length, Height·Width]</c> (or <c>[indices.Length, 1, Height, Width]</c> when not flattened). Same values
    /// as <c>Images.IndexSelect(0, indices)</c> without materialising <see cref="Images"/>.
    /// </summary>
    /// <param name="indices">Image indices in <c>[0, Count)</c>, in the order wanted.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, Count)</c> (the message names it).</exception>
    public Tensor GatherImages(ReadOnlySpan<int> indices)
    {
        int pixels = Height * Width;
        var images = Tensor.Empty(ImageShape(indices.Length), DType.Float32);
        var destination = images.Span<float>();
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"GatherImages: index {index} (position {i}) is outside [0, {Count}).");
            }

            ByteConversion.ScaleToUnit(_pixels.AsSpan(index * pixels, pixels), destination.Slice(i * pixels, pixels));
        }

        return images;
    }

    /// <summary>
    /// Images <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1, converted from the
    /// bytes like <see cref="GatherImages"/>.
    /// </summary>
    /// <param name="start">First image.</param>
    /// <param name="count">Number of images.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside <c>[0, Count)</c>.</exception>
    public Tensor ImageRange(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"ImageRange: [{start}, {start}+{count}) is not inside [0, {Count}).");
        }

        int pixels = Height * Width;
        var images = Tensor.Empty(ImageShape(count), DType.Float32);
        ByteConversion.ScaleToUnit(_pixels.AsSpan(start * pixels, count * pixels), images.Span<float>());
        return images;
    }

    /// <summary>Converts every image once (outside any <see cref="TensorScope"/>); a racing caller gets the first result.</summary>
    private Tensor MaterialiseImages()
    {
        Tensor images;
        using (TensorScope.Pause())
        {
            images = ImageRange(0, Count);
        }

        return Interlocked.CompareExchange(ref _images, images, null) ?? images;
    }

    private Shape ImageShape(int n) => _flatten ? new Shape(n, Height * Width) : new Shape(n, 1, Height, Width);
}
