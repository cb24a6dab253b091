namespace Vae.Core.NN;

/// <summary>A module that returns its input unchanged (a placeholder, e.g. an optional layer switched off).</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <summary>Returns <paramref name="input"/> (any shape) itself.</summary>
    public override Tensor Forward(Tensor input) => input;
}
