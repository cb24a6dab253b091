namespace Vae.Core.NN;

/// <summary>
/// A module with one input: implement <see cref="Forward"/>, and call a module by calling its <see cref="Forward"/>
/// (there is no separate call operator; <see cref="Sequential"/> chains <c>Module&lt;Tensor, Tensor&gt;</c>s).
/// </summary>
/// <typeparam name="TIn">Input type (usually <see cref="Tensor"/>).</typeparam>
/// <typeparam name="TOut">Output type (a <see cref="Tensor"/>, a tuple, a distribution, …).</typeparam>
public abstract class Module<TIn, TOut> : Module
{
    /// <summary>Computes the module's output for <paramref name="input"/>, recording the graph when grad mode is on.</summary>
    public abstract TOut Forward(TIn input);
}
