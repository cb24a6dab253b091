namespace Vae.Core.Data;

/// <summary>
/// Where samples and tools look for dataset files before falling back to <see cref="Mnist.Load(MnistSplit, MnistOptions?)"/>'s
/// own search (the <c>VAE_DATA_DIR</c> variable, the cache, a download): an explicit folder, or a
/// <c>shared/datasets/mnist</c> folder in the current directory or one of its ancestors (the layout of a checkout with
/// the datasets next to it).
/// </summary>
public static class DataPaths
{
    /// <summary>The relative folder searched for upwards: <c>shared/datasets/mnist</c>.</summary>
    public static readonly string SharedMnistFolder = Path.Combine("shared", "datasets", "mnist");

    /// <summary>
    /// The folder to pass as <see cref="MnistOptions.DataDirectory"/>: <paramref name="dataDirectory"/> when given
    /// (the loader then fails with a clear message if it does not exist); otherwise null when <c>VAE_DATA_DIR</c> is set
    /// (the loader reads it); otherwise the nearest <see cref="SharedMnistFolder"/> at or above
    /// <paramref name="startDirectory"/>; otherwise null (the loader's cache and download).
    /// </summary>
    /// <param name="dataDirectory">A folder given by the user (e.g. a <c>--data</c> option), or null.</param>
    /// <param name="startDirectory">Where the upward search starts (default: the current directory).</param>
    public static string? ResolveMnistDirectory(string? dataDirectory = null, string? startDirectory = null)
    {
        if (!string.IsNullOrEmpty(dataDirectory))
        {
            return dataDirectory;
        }

        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(MnistOptions.DataDirectoryVariable)))
        {
            return null;
        }

        return FindUpwards(SharedMnistFolder, startDirectory);
    }

    /// <summary>
    /// The full path of <paramref name="relativeFolder"/> inside <paramref name="startDirectory"/> (default: the current
    /// directory) or its nearest ancestor that has it, or null when none has.
    /// </summary>
    /// <param name="relativeFolder">A relative folder path, e.g. <c>shared/datasets/mnist</c>.</param>
    /// <param name="startDirectory">Where to start (default: the current directory).</param>
    public static string? FindUpwards(string relativeFolder, string? startDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativeFolder);
        if (Path.IsPathRooted(relativeFolder))
        {
            throw new ArgumentException($"DataPaths.FindUpwards: '{relativeFolder}' must be a relative path.", nameof(relativeFolder));
        }

        for (var dir = new DirectoryInfo(startDirectory ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relativeFolder);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
