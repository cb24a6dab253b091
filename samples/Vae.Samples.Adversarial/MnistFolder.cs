namespace Vae.Samples.Adversarial;

/// <summary>Where to read MNIST from when --data is not given.</summary>
/// <remarks>Same rule as samples/Vae.Samples.Classifier (Options.FindSharedMnist); a candidate to move into Vae.Core.Data.</remarks>
internal static class MnistFolder
{
    /// <summary>
    /// shared/datasets/mnist in the current directory or its nearest ancestor that has one, unless VAE_DATA_DIR is set
    /// (then null, and the loader reads the variable); null when there is none.
    /// </summary>
    public static string? FindShared()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("VAE_DATA_DIR")))
        {
            return null;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
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
