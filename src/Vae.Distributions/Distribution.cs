using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// A probability distribution over tensors, shaped like torch.distributions: a value has shape
/// <c>sampleShape + BatchShape + EventShape</c>. <see cref="BatchShape"/> indexes independent, not necessarily
/// identically distributed, distributions; <see cref="EventShape"/> is the shape of one draw, over which
/// <see cref="LogProb"/> sums. Every sampling call takes a seeded <see cref="Generator"/>.
/// </summary>
public abstract class Distribution
{
    /// <summary>Initialises the batch and event shapes.</summary>
    protected Distribution(Shape batchShape, Shape eventShape)
    {
        BatchShape = batchShape;
        EventShape = eventShape;
    }

    /// <summary>Shape of the batch of independent distributions.</summary>
    public Shape BatchShape { get; }

    /// <summary>Shape of a single draw from one distribution of the batch.</summary>
    public Shape EventShape { get; }

    /// <summary>Whether <see cref="RSample(Shape, Generator)"/> (reparameterised, differentiable sampling) is available.</summary>
    public virtual bool HasRSample => false;

    /// <summary>The element type of parameters and samples.</summary>
    public abstract DType DType { get; }

    /// <summary>Mean, of shape <c>BatchShape + EventShape</c>.</summary>
    public virtual Tensor Mean => throw new NotSupportedException($"{GetType().Name} does not implement Mean.");

    /// <summary>Variance, of shape <c>BatchShape + EventShape</c>.</summary>
    public virtual Tensor Variance => throw new NotSupportedException($"{GetType().Name} does not implement Variance.");

    /// <summary>Standard deviation, of shape <c>BatchShape + EventShape</c>.</summary>
    public virtual Tensor StdDev => Variance.Sqrt();

    /// <summary>
    /// Draws samples without gradient, of shape <c>sampleShape + BatchShape + EventShape</c>.
    /// </summary>
    public virtual Tensor Sample(Shape sampleShape, Generator generator)
    {
        if (!HasRSample)
        {
            throw new NotSupportedException($"{GetType().Name} does not implement Sample.");
        }

        using (Autograd.NoGrad())
        {
            return RSample(sampleShape, generator).Detach();
        }
    }

    /// <summary>Draws one sample without gradient, of shape <c>BatchShape + EventShape</c>.</summary>
    public Tensor Sample(Generator generator) => Sample(Shape.Scalar, generator);

    /// <summary>
    /// Draws reparameterised samples of shape <c>sampleShape + BatchShape + EventShape</c> that are differentiable
    /// w.r.t. the distribution's parameters.
    /// </summary>
    public virtual Tensor RSample(Shape sampleShape, Generator generator) =>
        throw new NotSupportedException($"{GetType().Name} has no reparameterised sampler (HasRSample is false).");

    /// <summary>Draws one reparameterised sample of shape <c>BatchShape + EventShape</c>.</summary>
    public Tensor RSample(Generator generator) => RSample(Shape.Scalar, generator);

    /// <summary>
    /// Log density (or mass) of <paramref name="value"/>, summed over the event dimensions.
    /// </summary>
    /// <param name="value">Values of shape <c>sampleShape + BatchShape + EventShape</c> (the batch part may broadcast).</param>
    /// <returns>Log-probabilities of shape <c>sampleShape + BatchShape</c> (broadcast).</returns>
    public abstract Tensor LogProb(Tensor value);

    /// <summary>Entropy, of shape <see cref="BatchShape"/>.</summary>
    public virtual Tensor Entropy() => throw new NotSupportedException($"{GetType().Name} does not implement Entropy.");

    /// <summary><c>sampleShape + BatchShape + EventShape</c>.</summary>
    public Shape ExtendedShape(Shape sampleShape) => Concat(Concat(sampleShape, BatchShape), EventShape);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="value"/>'s trailing dimensions are
    /// <see cref="EventShape"/> and the dimensions before them broadcast with <see cref="BatchShape"/>.
    /// </summary>
    protected void ValidateValue(Tensor value) => ValidateValue(value, nameof(LogProb));

    /// <summary>
    /// As <see cref="ValidateValue(Tensor)"/>, naming <paramref name="method"/> (e.g. <c>Cdf</c>) in the message.
    /// </summary>
    protected void ValidateValue(Tensor value, string method)
    {
        ArgumentNullException.ThrowIfNull(value);
        var expected = Concat(BatchShape, EventShape);
        int er = EventShape.Rank;
        bool ok = value.Rank >= er;
        if (ok)
        {
            var tail = value.Shape.Dims[(value.Rank - er)..];
            ok = tail.SequenceEqual(EventShape.Dims);
        }

        if (ok)
        {
            try
            {
                _ = Shape.Broadcast(new Shape(value.Shape.Dims[..(value.Rank - er)]), BatchShape);
            }
            catch (ArgumentException)
            {
                ok = false;
            }
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"{GetType().Name}.{method}: value of shape {value.Shape} does not match the distribution's shape {expected} " +
                $"(batch {BatchShape}, event {EventShape}); expected sampleShape + {expected}.", nameof(value));
        }

        if (value.DType != DType)
        {
            throw new ArgumentException($"{GetType().Name}.{method}: value is {value.DType.Name()} but the distribution is {DType.Name()}.", nameof(value));
        }
    }

    /// <summary>Concatenates two shapes.</summary>
    protected internal static Shape Concat(Shape a, Shape b)
    {
        var dims = new int[a.Rank + b.Rank];
        a.Dims.CopyTo(dims);
        b.Dims.CopyTo(dims.AsSpan(a.Rank));
        return new Shape(dims);
    }

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}(batch_shape={BatchShape}, event_shape={EventShape})";
}
