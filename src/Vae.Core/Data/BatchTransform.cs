namespace Vae.Core.Data;

/// <summary>
/// A per-batch transform run by <see cref="DataLoader"/> on every batch before it is yielded. It may modify the batch's
/// tensors in place or replace them (<c>batch[i] = ...</c>); <paramref name="generator"/> is the loader's generator
/// (null when it has none), to be used for any randomness so that runs are reproducible.
/// </summary>
/// <param name="batch">The batch; its tensors have shape <c>[batch.Size, ...]</c>.</param>
/// <param name="generator">The loader's generator, or null.</param>
public delegate void BatchTransform(Batch batch, Generator? generator);
