namespace Vae.Core.Data;

/// <summary>
/// Finds a local folder of MNIST files for samples and tools run from inside a checkout: the
/// <c>shared/datasets/mnist</c> folder of the current directory or its nearest ancestor that has one.
/// </summary>
public static class MnistLocator
{
    /// <summary>
    /// The folder to use as <see cref="MnistOptions.DataDirectory"/>: <paramref name="explicitFolder"/> when given;
    /// else null when <c>VAE_DATA_DIR</c> is set (the loader reads the variable itself); else the nearest
    /// <c>shared/datasets/mnist</c> walking up from <paramref name="start"/> (default: the current directory); else
    /// null (the loader then uses its cache and downloads).
    /// </summary>
    /// <param name="explicitFolder">A folder given by the user (e.g. a <c>--data</c> option), or null.</param>
    /// <param name="start">Where to start walking up, or null for the current directory.</param>
    public static string? FindDataDirectory(string? explicitFolder = null, string? start = null)
    {
        if (!string.IsNullOrEmpty(explicitFolder))
        {
            return explicitFolder;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MnistOptions.DataDirectoryVariable)))
        {
            return null;
        }

        for (var dir = new DirectoryInfo(start ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "datasets", "mnist");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
