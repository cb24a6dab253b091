using Vae.Core;

namespace Vae.Models.Visualization;

/// <summary>Generated samples: <see cref="ILatentVariableModel.Sample"/> decoded from prior draws, tiled into one PNG.</summary>
public static class SampleGrid
{
    /// <summary>Draws <paramref name="count"/> samples and saves them as a grid.</summary>
    /// <param name="path">Destination .png (written atomically; folders are created).</param>
    /// <param name="model">The model (decoder means of codes from its prior; N(0, I) for an autoencoder).</param>
    /// <param name="count">Number of samples (≥ 1).</param>
    /// <param name="generator">Source of the codes.</param>
    /// <param name="columns">Images per row (default ⌈√count⌉).</param>
    /// <param name="imageHeight">Height of one image when the model outputs flat rows.</param>
    /// <param name="imageWidth">Width of one image when the model outputs flat rows.</param>
    /// <param name="padding">Pixels between images.</param>
    public static void Save(string path, ILatentVariableModel model, int count, Generator generator, int? columns = null, int imageHeight = 28, int imageWidth = 28, int padding = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ImageGrid.Save(path, model.Sample(count, generator), columns, padding, imageHeight, imageWidth);
    }
}
