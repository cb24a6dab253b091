using Vae.Core.Serialization;

namespace Vae.Core.NN;

public abstract partial class Module
{
    /// <summary>
    /// Writes the module's <see cref="StateDict"/> (PyTorch-style dotted names, float32/float64 as stored) to a
    /// safetensors file, atomically: an existing file is replaced only once the new one is complete. The file loads
    /// in PyTorch with <c>safetensors.torch.load_file</c> + <c>load_state_dict</c>.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="metadata">Optional string annotations stored in the file's <c>__metadata__</c>.</param>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensors.Save(path, StateDict(), metadata);
    }

    /// <summary>
    /// Loads parameters and persistent buffers from a safetensors file written by <see cref="Save"/> (or by PyTorch
    /// from a state dict), in place, through <see cref="LoadStateDict"/>: values are converted to each tensor's dtype,
    /// and nothing changes unless the whole file fits.
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="strict">Require the file's names to match the module's state names exactly.</param>
    /// <returns>The missing and unexpected keys (both empty when <paramref name="strict"/>).</returns>
    /// <exception cref="ArgumentException">Shapes differ, or (strict) keys are missing or unexpected; the message lists them all.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public LoadStateDictResult Load(string path, bool strict = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = SafeTensors.Load(path);
        try
        {
            return LoadStateDict(file.Tensors, strict);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{e.Message}\n  (file: {path})", nameof(path), e);
        }
    }
}
