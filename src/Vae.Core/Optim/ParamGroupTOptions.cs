namespace Vae.Core.Optim;

/// <summary>A parameter group with typed hyper-parameters, e.g. <c>new ParamGroup&lt;AdamOptions&gt;(decoder.Parameters(), defaults with { LearningRate = 1e-4 })</c>.</summary>
/// <typeparam name="TOptions">The optimizer's options type.</typeparam>
public sealed class ParamGroup<TOptions> : ParamGroup
    where TOptions : OptimizerOptions
{
    /// <summary>Creates a group; <paramref name="options"/> is copied and validated.</summary>
    /// <param name="parameters">Leaf tensors to optimise (any shapes; typically <c>module.Parameters()</c>).</param>
    /// <param name="options">The group's hyper-parameters.</param>
    public ParamGroup(IEnumerable<Tensor> parameters, TOptions options)
        : base(parameters, options)
    {
    }

    /// <summary>The group's hyper-parameters (a private copy; change them between steps to take effect at the next).</summary>
    public new TOptions Options => (TOptions)base.Options;
}
