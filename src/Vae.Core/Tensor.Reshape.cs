using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>
    /// The same elements with a new shape of equal element count, sharing storage. One entry may be -1 and is
    /// inferred.
    /// </summary>
    public Tensor Reshape(params int[] shape) => Reshape(InferShape(shape));

    /// <summary>The same elements with a new shape of equal element count, sharing storage.</summary>
    public Tensor Reshape(Shape shape)
    {
        if (shape.Numel != Numel)
        {
            throw new ArgumentException($"Cannot reshape a tensor of shape {Shape} ({Numel} elements) to {shape} ({shape.Numel} elements).", nameof(shape));
        }

        if (shape == Shape && !ShouldRecord(this))
        {
            return this;
        }

        var y = new Tensor(Data, shape, DType);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Reshape", [this], static (g, n) => [g.Reshape(n.Inputs[0].Shape)]);
        }

        return y;
    }

    /// <summary>Alias of <see cref="Reshape(int[])"/> (storage is always contiguous, so every reshape is a view).</summary>
    public Tensor View(params int[] shape) => Reshape(shape);

    /// <summary>Broadcasts to <paramref name="shape"/> (NumPy rules), materialising the result.</summary>
    public Tensor Expand(Shape shape)
    {
        if (!Shape.CanBroadcastTo(shape))
        {
            throw new ArgumentException($"Cannot expand a tensor of shape {Shape} to {shape}.", nameof(shape));
        }

        if (shape == Shape)
        {
            return this;
        }

        var y = Elementwise.BroadcastTo(this, shape);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Expand", [this], static (g, n) => [g.SumToShape(n.Inputs[0].Shape)]);
        }

        return y;
    }

    /// <summary>Broadcasts to <paramref name="shape"/> (NumPy rules), materialising the result.</summary>
    public Tensor Expand(params int[] shape) => Expand(new Shape(shape));

    private Shape InferShape(int[] shape)
    {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0)
                {
                    throw new ArgumentException($"Reshape {Shape.Format(shape)}: only one dimension can be -1.", nameof(shape));
                }

                infer = i;
            }
            else if (shape[i] < 0)
            {
                throw new ArgumentException($"Reshape {Shape.Format(shape)}: invalid size {shape[i]}.", nameof(shape));
            }
            else
            {
                known *= shape[i];
            }
        }

        if (infer < 0)
        {
            return new Shape(shape);
        }

        if (known == 0 || Numel % known != 0)
        {
            throw new ArgumentException(
                $"Cannot reshape a tensor of shape {Shape} ({Numel} elements) to {Shape.Format(shape)}.", nameof(shape));
        }

        var s = (int[])shape.Clone();
        s[infer] = (int)(Numel / known);
        return new Shape(s);
    }
}
