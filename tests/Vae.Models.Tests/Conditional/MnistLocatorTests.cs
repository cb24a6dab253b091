using Vae.Core.Data;

namespace Vae.Models.Tests;

public sealed class MnistLocatorTests
{
    [Fact]
    public void Explicit_folder_wins_and_shared_mnist_is_found_walking_up()
    {
        MnistLocator.FindDataDirectory("/some/where").Should().Be("/some/where");
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MnistOptions.DataDirectoryVariable)))
        {
            return; // the loader reads VAE_DATA_DIR itself, so the locator defers to it
        }

        string root = Path.Combine(Path.GetTempPath(), "vae-locator-" + Guid.NewGuid().ToString("N"));
        try
        {
            string mnist = Path.Combine(root, "shared", "datasets", "mnist");
            string deep = Path.Combine(root, "a", "b", "c");
            Directory.CreateDirectory(mnist);
            Directory.CreateDirectory(deep);
            MnistLocator.FindDataDirectory(start: deep).Should().Be(mnist);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
