namespace Vae.Models;

/// <summary>The observation model p(x|z) a <see cref="LikelihoodDecoder"/> puts on each pixel.</summary>
public enum Likelihood
{
    /// <summary>Bernoulli on logits: log p = −BCE-with-logits (the classic VAE on [0,1] pixels).</summary>
    Bernoulli,

    /// <summary>Continuous Bernoulli on logits: the properly normalised density for grayscale pixels in [0, 1].</summary>
    ContinuousBernoulli,

    /// <summary>Gaussian with the network's output as mean and a fixed standard deviation.</summary>
    Gaussian,

    /// <summary>Gaussian whose mean and log-variance both come from the network (2·D outputs).</summary>
    GaussianLearnedVariance,

    /// <summary>Categorical over the 256 intensity levels of each pixel (256·D outputs); x holds levels 0…255.</summary>
    Categorical256,
}
