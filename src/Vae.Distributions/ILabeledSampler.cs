using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// A distribution whose draws carry a class label (a mixture component, a segment of a swiss roll), as used by
/// label-incorporating adversarial autoencoders and per-class priors: samples can be drawn with their labels, or for
/// given labels. Labels are index tensors (integral values in [0, <see cref="NumLabels"/>)).
/// </summary>
public interface ILabeledSampler
{
    /// <summary>Number of labels (classes, components).</summary>
    int NumLabels { get; }

    /// <summary>Draws samples with random labels.</summary>
    /// <param name="sampleShape">Leading sample dimensions S.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Samples of shape <c>S + EventShape</c> and their labels of shape S, without gradient.</returns>
    (Tensor Samples, Tensor Labels) SampleWithLabels(Shape sampleShape, Generator generator);

    /// <summary>Draws <paramref name="n"/> samples, all with <paramref name="label"/> when it is given, else with random labels.</summary>
    /// <param name="n">Number of samples (≥ 0).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <param name="label">A label in [0, <see cref="NumLabels"/>), or null for random labels.</param>
    /// <returns>Samples of shape <c>[n] + EventShape</c> and labels of shape [n], without gradient.</returns>
    (Tensor Samples, Tensor Labels) SampleWithLabels(int n, Generator generator, int? label = null);

    /// <summary>Draws one sample per given label.</summary>
    /// <param name="labels">Labels of any shape L, integral in [0, <see cref="NumLabels"/>); either dtype.</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>Samples of shape <c>L + EventShape</c>, without gradient.</returns>
    Tensor SampleForLabels(Tensor labels, Generator generator);
}
