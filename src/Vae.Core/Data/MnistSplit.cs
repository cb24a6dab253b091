namespace Vae.Core.Data;

/// <summary>Which part of an MNIST-format dataset to load.</summary>
public enum MnistSplit
{
    /// <summary>The training set (60,000 examples for MNIST and Fashion-MNIST).</summary>
    Train,

    /// <summary>The test set (10,000 examples for MNIST and Fashion-MNIST).</summary>
    Test,
}
