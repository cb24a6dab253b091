using Vae.Core.Data;

namespace Vae.Core.Tests;

public sealed class DataPathsTests
{
    [Fact]
    public void FindUpwards_returns_the_nearest_ancestor_folder_that_has_the_relative_path()
    {
        var root = Directory.CreateTempSubdirectory("vae-paths-");
        try
        {
            var shared = Directory.CreateDirectory(Path.Combine(root.FullName, "shared", "datasets", "mnist"));
            var deep = Directory.CreateDirectory(Path.Combine(root.FullName, "a", "b", "c"));
            DataPaths.FindUpwards(DataPaths.SharedMnistFolder, deep.FullName).Should().Be(shared.FullName);
            DataPaths.FindUpwards(Path.Combine("no", "such", "folder"), deep.FullName).Should().BeNull();
            var nearer = Directory.CreateDirectory(Path.Combine(root.FullName, "a", "shared", "datasets", "mnist"));
            DataPaths.FindUpwards(DataPaths.SharedMnistFolder, deep.FullName).Should().Be(nearer.FullName);
            FluentActions.Invoking(() => DataPaths.FindUpwards(root.FullName)).Should().Throw<ArgumentException>().WithMessage("*relative*");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_explicit_folder_wins()
    {
        DataPaths.ResolveMnistDirectory("/some/where", "/").Should().Be("/some/where");
    }
}
