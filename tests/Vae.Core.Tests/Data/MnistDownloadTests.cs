using Vae.Core.Data;
using static Vae.Core.Tests.DataTestUtil;
using Response = Vae.Core.Tests.LocalHttpServer.Response;

namespace Vae.Core.Tests;

/// <summary>
/// The download path against a local HTTP server serving small generated IDX files. The first path segment of a URL
/// picks the server's behaviour (good, cut, honestcut, wrong, missing, flaky, raw, stall); the rest is the file name.
/// </summary>
public sealed class MnistDownloadTests : IDisposable
{
    private const string ImagesName = "tiny-train-images-idx3-ubyte";
    private const string LabelsName = "tiny-train-labels-idx1-ubyte";

    private readonly TempDir _dir = new();
    private readonly byte[] _imagesRaw = IdxU8([12, 4, 5], Bytes(12 * 4 * 5, seed: 11));
    private readonly byte[] _labelsRaw = IdxU8([12], Bytes(12, seed: 12, modulo: 3));
    private readonly Dictionary<string, byte[]> _raw;
    private readonly Dictionary<string, byte[]> _gz;
    private readonly LocalHttpServer _server;

    /// <summary>Holds "stall" responses until the test ends, so only the client's timeout can end the request
    /// (a fixed sleep raced the client's timer when the thread pool was busy).</summary>
    private readonly ManualResetEventSlim _endOfTest = new();

    public MnistDownloadTests()
    {
        _raw = new() { [ImagesName] = _imagesRaw, [LabelsName] = _labelsRaw };
        _gz = _raw.ToDictionary(kv => kv.Key, kv => Gzip(kv.Value));
        _server = new LocalHttpServer(Serve);
    }

    private string Cache => _dir.File("cache");

    public void Dispose()
    {
        _endOfTest.Set();
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Good_download_lands_in_the_cache_and_loads_and_the_cache_is_used_next_time()
    {
        var log = new List<string>();
        var data = Mnist.Load(Tiny(), MnistSplit.Train, Options("good", log: log));

        data.Images.Shape.Should().Equal(12, 20);
        data.Images.ToArray().Should().Equal(_imagesRaw[16..].Select(b => b / 255f));
        data.Labels.Should().Equal(_labelsRaw[8..].Select(b => (int)b));
        Directory.GetFiles(Cache).Select(Path.GetFileName).Should().BeEquivalentTo([ImagesName + ".gz", LabelsName + ".gz"]);
        File.ReadAllBytes(Path.Combine(Cache, ImagesName + ".gz")).Should().Equal(_gz[ImagesName]);
        log.Should().Contain(l => l.StartsWith("Downloading " + _server.Url("good/" + ImagesName + ".gz"), StringComparison.Ordinal));

        var again = Mnist.Load(Tiny(), MnistSplit.Train, new MnistOptions { CacheDirectory = Cache, Mirrors = [LocalHttpServer.DeadUri()] });
        again.Labels.Should().Equal(data.Labels);
        _server.Requests.Values.Sum().Should().Be(2, "the second load reads the cache");
    }

    [Fact]
    public void Transfer_cut_short_fails_after_retries_and_leaves_nothing_in_the_cache()
    {
        var act = () => Mnist.Load(Tiny(), MnistSplit.Train, Options("cut"));

        var ex = act.Should().Throw<FileNotFoundException>().Which;
        ex.Message.Should().Contain(_server.Url("cut/" + ImagesName + ".gz").ToString()).And.Contain("3 attempts: transfer failed");
        CacheFiles().Should().BeEmpty();
        _server.Requests["/cut/" + ImagesName + ".gz"].Should().Be(3);
    }

    [Fact]
    public void Truncated_content_fails_and_leaves_nothing_in_the_cache()
    {
        var act = () => Mnist.Load(Tiny(), MnistSplit.Train, Options("honestcut"));

        act.Should().Throw<FileNotFoundException>().WithMessage("*invalid content*");
        CacheFiles().Should().BeEmpty();
    }

    [Fact]
    public void Wrong_checksum_fails_without_retrying_that_mirror_and_leaves_nothing_in_the_cache()
    {
        var act = () => Mnist.Load(Tiny(), MnistSplit.Train, Options("wrong"));

        act.Should().Throw<FileNotFoundException>().WithMessage($"*checksum mismatch*expected {Sha256(_imagesRaw)}*");
        CacheFiles().Should().BeEmpty();
        _server.Requests["/wrong/" + ImagesName + ".gz"].Should().Be(1);
    }

    [Fact]
    public void Failing_mirror_falls_back_to_the_next()
    {
        var data = Mnist.Load(Tiny(), MnistSplit.Train, Options("missing", "good"));

        data.Count.Should().Be(12);
        _server.Requests["/missing/" + ImagesName + ".gz"].Should().Be(1, "HTTP 404 is not retried");
    }

    [Fact]
    public void Server_error_is_retried_with_backoff()
    {
        var log = new List<string>();
        var data = Mnist.Load(Tiny(), MnistSplit.Train, Options("flaky", log: log));

        data.Count.Should().Be(12);
        _server.Requests["/flaky/" + ImagesName + ".gz"].Should().Be(2);
        log.Should().Contain(l => l.StartsWith("Retrying", StringComparison.Ordinal));
    }

    [Fact]
    public void Uncompressed_content_is_cached_under_the_decompressed_name()
    {
        Mnist.Load(Tiny(), MnistSplit.Train, Options("raw")).Count.Should().Be(12);
        Directory.GetFiles(Cache).Select(Path.GetFileName).Should().BeEquivalentTo([ImagesName, LabelsName]);
    }

    [Fact]
    public void Server_down_gives_one_message_naming_files_folders_and_VAE_DATA_DIR()
    {
        var dead = LocalHttpServer.DeadUri();
        var options = new MnistOptions { CacheDirectory = Cache, Mirrors = [dead], RetryDelay = TimeSpan.FromMilliseconds(1), MaxAttempts = 2 };

        var act = () => Mnist.Load(Tiny(), MnistSplit.Train, options);

        var ex = act.Should().Throw<FileNotFoundException>().Which;
        ex.Message.Should().Contain(ImagesName).And.Contain(LabelsName).And.Contain(Path.GetFullPath(Cache))
            .And.Contain("VAE_DATA_DIR").And.Contain("Downloading failed").And.Contain(new Uri(dead, ImagesName + ".gz").ToString());
        CacheFiles().Should().BeEmpty();
    }

    [Fact]
    public void Downloads_disabled_gives_one_message_naming_files_and_folders()
    {
        var options = new MnistOptions { CacheDirectory = Cache, DataDirectory = _dir.Path, AllowDownload = false };

        var act = () => Mnist.Load(Tiny(), MnistSplit.Train, options);

        act.Should().Throw<FileNotFoundException>().Which.Message.Should()
            .Contain(ImagesName).And.Contain(LabelsName).And.Contain(_dir.Path).And.Contain(Path.Combine(_dir.Path, "tiny"))
            .And.Contain("AllowDownload = false").And.Contain("VAE_DATA_DIR");
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public void Download_that_exceeds_the_time_limit_fails_cleanly()
    {
        var act = () => Mnist.Load(Tiny(), MnistSplit.Train, new MnistOptions
        {
            CacheDirectory = Cache,
            Mirrors = [_server.Url("stall/")],
            MaxAttempts = 1,
            DownloadTimeout = TimeSpan.FromSeconds(1),
        });

        act.Should().Throw<FileNotFoundException>().WithMessage("*timed out*");
        CacheFiles().Should().BeEmpty();
    }

    [Fact]
    public void Invalid_cached_file_is_downloaded_again()
    {
        Directory.CreateDirectory(Cache);
        File.WriteAllBytes(Path.Combine(Cache, ImagesName + ".gz"), [1, 2, 3, 4, 5]);
        File.WriteAllBytes(Path.Combine(Cache, LabelsName + ".gz"), _gz[LabelsName]);

        var data = Mnist.Load(Tiny(), MnistSplit.Train, Options("good"));

        data.Count.Should().Be(12);
        File.ReadAllBytes(Path.Combine(Cache, ImagesName + ".gz")).Should().Equal(_gz[ImagesName]);
        _server.Requests.Keys.Should().BeEquivalentTo(["/good/" + ImagesName + ".gz"]);
    }

    [Fact]
    public void Data_directory_wins_over_cache_and_download()
    {
        _dir.Write("data/" + ImagesName, _imagesRaw);
        _dir.Write("data/" + LabelsName + ".gz", _gz[LabelsName]);

        var data = Mnist.Load(Tiny(), MnistSplit.Train, new MnistOptions { DataDirectory = _dir.File("data"), CacheDirectory = Cache, Mirrors = [_server.Url("good/")] });

        data.Count.Should().Be(12);
        _server.Requests.Should().BeEmpty();
        Directory.Exists(Cache).Should().BeFalse();
    }

    [Fact]
    public void Published_gz_checksum_is_verified_on_download()
    {
        var ok = Mnist.Load(Tiny(compressedChecksums: true), MnistSplit.Train, Options("good"));
        ok.Count.Should().Be(12);

        using var other = new TempDir();
        var act = () => Mnist.Load(Tiny(compressedChecksums: true), MnistSplit.Train,
            new MnistOptions { CacheDirectory = other.Path, Mirrors = [_server.Url("wrong/")], RetryDelay = TimeSpan.Zero });
        act.Should().Throw<FileNotFoundException>().WithMessage("*checksum mismatch: SHA-256 of the downloaded file*");
        Directory.GetFiles(other.Path).Should().BeEmpty();
    }

    [Fact]
    public void Mirrors_must_be_https_except_on_loopback()
    {
        var act = () => Mnist.Load(Tiny(), MnistSplit.Train, new MnistOptions { CacheDirectory = Cache, Mirrors = [new Uri("http://example.com/mnist/")] });
        act.Should().Throw<ArgumentException>().WithMessage("*HTTPS*");
    }

    private MnistDatasetInfo Tiny(bool compressedChecksums = false)
    {
        DatasetFile File(string name) => compressedChecksums
            ? new DatasetFile(name, compressedSha256: Sha256(_gz[name]))
            : new DatasetFile(name, Sha256(_raw[name]));
        return new MnistDatasetInfo("tiny", "Tiny", File(ImagesName), File(LabelsName), File(ImagesName), File(LabelsName),
            [_server.Url("good/")], ["a", "b", "c"]);
    }

    private MnistOptions Options(string mode, string? fallback = null, List<string>? log = null) => new()
    {
        CacheDirectory = Cache,
        Mirrors = fallback is null ? [_server.Url(mode + "/")] : [_server.Url(mode + "/"), _server.Url(fallback + "/")],
        RetryDelay = TimeSpan.FromMilliseconds(1),
        Log = log is null ? null : m => { lock (log) { log.Add(m); } },
    };

    private string[] CacheFiles() => Directory.Exists(Cache) ? Directory.GetFiles(Cache, "*", SearchOption.AllDirectories) : [];

    private Response Serve(string path, int seen)
    {
        var parts = path.TrimStart('/').Split('/', 2);
        string mode = parts[0];
        string name = parts.Length > 1 && parts[1].EndsWith(".gz", StringComparison.Ordinal) ? parts[1][..^3] : string.Empty;
        if (!_gz.TryGetValue(name, out var gz))
        {
            return Response.NotFound;
        }

        switch (mode)
        {
            case "good":
                return Response.Ok(gz);
            case "cut":
                return new Response(200, gz[..(gz.Length / 2)], DeclaredLength: gz.Length);
            case "honestcut":
                return Response.Ok(Gzip(_raw[name][..^3]));
            case "wrong":
                var altered = (byte[])_raw[name].Clone();
                altered[^1] ^= 1;
                return Response.Ok(Gzip(altered));
            case "flaky":
                return seen == 0 ? new Response(500, []) : Response.Ok(gz);
            case "raw":
                return Response.Ok(_raw[name]);
            case "stall":
                _endOfTest.Wait(TimeSpan.FromMinutes(1));
                return Response.Ok(gz);
            default:
                return Response.NotFound;
        }
    }
}
