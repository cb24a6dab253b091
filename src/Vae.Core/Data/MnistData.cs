namespace Vae.Core.Data;

/// <summary>
/// One split of an MNIST-format dataset in memory: images scaled to [0, 1] (float32) and class labels.
/// </summary>
public sealed class MnistData
{
    internal MnistData(MnistDatasetInfo dataset, MnistSplit split, Tensor images, int[] labels, int height, int width)
    {
        Dataset = dataset;
        Split = split;
        Images = images;
        Labels = labels;
        Height = height;
        Width = width;
        var classes = Tensor.Empty(new Shape(labels.Length), DType.Float32);
        var span = classes.Span<float>();
        for (int i = 0; i < labels.Length; i++)
        {
            span[i] = labels[i];
        }

        LabelTensor = classes;
    }

    /// <summary>Which dataset this is.</summary>
    public MnistDatasetInfo Dataset { get; }

    /// <summary>Which split this is.</summary>
    public MnistSplit Split { get; }

    /// <summary>
    /// Pixel intensities <c>byte / 255</c> in [0, 1], float32: shape <c>[N, Height·Width]</c> (e.g. [60000, 784]), or
    /// <c>[N, 1, Height, Width]</c> when loaded with <see cref="MnistOptions.Flatten"/> = false.
    /// </summary>
    public Tensor Images { get; }

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
}
