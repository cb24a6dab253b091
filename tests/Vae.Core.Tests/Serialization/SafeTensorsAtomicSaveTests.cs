using System.Collections;
using Vae.Core;
using Vae.Core.Serialization;

namespace Vae.Core.Tests;

/// <summary>Save writes a temporary file and renames it: a failure at any point leaves the previous file intact.</summary>
public sealed class SafeTensorsAtomicSaveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-st-atomic-").FullName;
    private readonly string _path;
    private readonly byte[] _original;

    public SafeTensorsAtomicSaveTests()
    {
        _path = Path.Combine(_dir, "model.safetensors");
        SafeTensors.Save(_path, new Dictionary<string, Tensor> { ["w"] = Tensor.Arange(10) }, new Dictionary<string, string> { ["v"] = "1" });
        _original = File.ReadAllBytes(_path);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, Tensor> Big() => new()
    {
        ["a"] = Tensor.Randn(new Shape(300, 300), new Generator(1)),
        ["b"] = Tensor.Randn(new Shape(1000), new Generator(2), DType.Float64),
    };

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(100)]
    [InlineData(200_000)]
    public void Failure_while_writing_keeps_the_previous_file_and_removes_the_temporary(int failAfterBytes)
    {
        var act = () => SafeTensors.SaveAtomically(_path, Big(), null, fs => new FailingStream(fs, failAfterBytes));
        act.Should().Throw<IOException>().WithMessage("*injected*");
        AssertOriginalIntact();
    }

    [Fact]
    public void Failure_while_flushing_keeps_the_previous_file_and_removes_the_temporary()
    {
        var act = () => SafeTensors.SaveAtomically(_path, Big(), null, fs => new FailingStream(fs, int.MaxValue, failOnFlush: true));
        act.Should().Throw<IOException>().WithMessage("*injected*");
        AssertOriginalIntact();
    }

    [Fact]
    public void Failure_while_enumerating_the_tensors_keeps_the_previous_file()
    {
        var act = () => SafeTensors.Save(_path, new ThrowingDictionary(Big()));
        act.Should().Throw<InvalidOperationException>().WithMessage("*enumeration failed*");
        AssertOriginalIntact();
    }

    [Fact]
    public void Failure_to_replace_the_target_removes_the_temporary()
    {
        // The target is a non-empty folder: the data is written and flushed, then the rename fails.
        string target = Path.Combine(_dir, "folder.safetensors");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "x");
        var act = () => SafeTensors.Save(target, Big());
        act.Should().Throw<Exception>().Which.Should().Match(e => e is IOException || e is UnauthorizedAccessException);
        File.ReadAllText(Path.Combine(target, "keep.txt")).Should().Be("x");
        AssertOriginalIntact(extraEntries: [target]);
    }

    [Fact]
    public void Missing_folder_throws_and_creates_nothing()
    {
        string missing = Path.Combine(_dir, "no-such-folder", "m.safetensors");
        var act = () => SafeTensors.Save(missing, Big());
        act.Should().Throw<DirectoryNotFoundException>();
        AssertOriginalIntact();
    }

    [Fact]
    public void Successful_save_replaces_the_file_and_leaves_no_temporary()
    {
        SafeTensors.Save(_path, Big());
        SafeTensors.Load(_path).Names.Should().Equal("b", "a");
        Directory.GetFileSystemEntries(_dir).Should().Equal(_path);
    }

    private void AssertOriginalIntact(string[]? extraEntries = null)
    {
        File.ReadAllBytes(_path).Should().Equal(_original, "the previous checkpoint must be untouched");
        Directory.GetFileSystemEntries(_dir).Order().Should().Equal(new[] { _path }.Concat(extraEntries ?? []).Order(), "no temporary file may remain");
        SafeTensors.Load(_path).Metadata!["v"].Should().Be("1");
    }

    /// <summary>Passes writes through until <c>failAfter</c> bytes, then throws like a full disk.</summary>
    private sealed class FailingStream(Stream inner, int failAfter, bool failOnFlush = false) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            if (failOnFlush)
            {
                throw new IOException("injected flush failure");
            }

            inner.Flush();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int allowed = (int)Math.Min(buffer.Length, Math.Max(0, failAfter - _written));
            inner.Write(buffer[..allowed]);
            _written += allowed;
            if (allowed < buffer.Length)
            {
                throw new IOException($"injected write failure after {_written} bytes");
            }
        }
    }

    /// <summary>A dictionary whose enumeration fails half-way.</summary>
    private sealed class ThrowingDictionary(Dictionary<string, Tensor> inner) : IReadOnlyDictionary<string, Tensor>
    {
        public int Count => inner.Count;

        public IEnumerable<string> Keys => inner.Keys;

        public IEnumerable<Tensor> Values => inner.Values;

        public Tensor this[string key] => inner[key];

        public bool ContainsKey(string key) => inner.ContainsKey(key);

        public bool TryGetValue(string key, out Tensor value) => inner.TryGetValue(key, out value!);

        public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
        {
            yield return inner.First();
            throw new InvalidOperationException("enumeration failed");
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
