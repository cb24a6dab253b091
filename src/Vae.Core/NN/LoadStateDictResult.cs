namespace Vae.Core.NN;

/// <summary>The outcome of a non-strict <see cref="Module.LoadStateDict"/>: keys that did not match.</summary>
/// <param name="MissingKeys">Keys of the module's state that the dict did not provide (left unchanged).</param>
/// <param name="UnexpectedKeys">Keys of the dict that the module does not have (ignored).</param>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
