namespace Vae.Core.NN;

/// <summary>How a loss function in <see cref="Losses"/> combines its elementwise (or per-example) values.</summary>
public enum Reduction
{
    /// <summary>No reduction: the loss has one value per element (or per example).</summary>
    None,

    /// <summary>The mean of all values (a scalar); NaN for an empty input.</summary>
    Mean,

    /// <summary>The sum of all values (a scalar).</summary>
    Sum,
}
