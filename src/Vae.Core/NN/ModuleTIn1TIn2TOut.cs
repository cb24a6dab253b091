namespace Vae.Core.NN;

/// <summary>
/// A module with two inputs (e.g. a conditional decoder taking a latent code and a label): implement
/// <see cref="Forward"/> and call it directly.
/// </summary>
/// <typeparam name="TIn1">First input type.</typeparam>
/// <typeparam name="TIn2">Second input type.</typeparam>
/// <typeparam name="TOut">Output type.</typeparam>
public abstract class Module<TIn1, TIn2, TOut> : Module
{
    /// <summary>Computes the module's output for the two inputs, recording the graph when grad mode is on.</summary>
    public abstract TOut Forward(TIn1 input1, TIn2 input2);
}
