using Vae.Core.Data;
using static Vae.Core.Tests.DataTestUtil;

namespace Vae.Core.Tests;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_unsigned_byte_rank3_raw_and_gzip(bool gzip)
    {
        var data = Bytes(2 * 3 * 4, seed: 1);
        var raw = IdxU8([2, 3, 4], data);
        string path = _dir.Write(gzip ? "images.gz" : "images", gzip ? Gzip(raw) : raw);

        var idx = IdxReader.Read(path);

        idx.DataType.Should().Be(IdxDataType.UnsignedByte);
        idx.Dimensions.Should().Equal(2, 3, 4);
        idx.Data.Should().Equal(data);
        idx.Count.Should().Be(24);
        idx.ElementSize.Should().Be(1);
    }

    [Fact]
    public void Gzip_is_detected_by_magic_bytes_not_by_file_name()
    {
        var raw = IdxU8([5], [0, 1, 2, 3, 4]);
        string gzipWithoutSuffix = _dir.Write("labels-idx1-ubyte", Gzip(raw));
        string rawWithGzSuffix = _dir.Write("labels-idx1-ubyte.gz", raw);

        IdxReader.Read(gzipWithoutSuffix).Data.Should().Equal(0, 1, 2, 3, 4);
        IdxReader.Read(rawWithGzSuffix).Data.Should().Equal(0, 1, 2, 3, 4);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_non_seekable_streams(bool gzip)
    {
        var data = Bytes(3 * 7, seed: 2);
        var raw = IdxU8([3, 7], data);
        using var stream = new ForwardOnlyStream(new MemoryStream(gzip ? Gzip(raw) : raw));

        var idx = IdxReader.Read(stream, "stream.idx");

        idx.Dimensions.Should().Equal(3, 7);
        idx.Data.Should().Equal(data);
    }

    [Fact]
    public void Multi_byte_types_keep_their_big_endian_bytes()
    {
        byte[] data = [0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE]; // int32 256 and -2
        string path = _dir.Write("ints", Idx(0x0C, [2], data));

        var idx = IdxReader.Read(path);

        idx.DataType.Should().Be(IdxDataType.Int32);
        idx.ElementSize.Should().Be(4);
        idx.Count.Should().Be(2);
        idx.Data.Should().Equal(data);
    }

    [Fact]
    public void Zero_sized_dimension_gives_empty_data()
    {
        string path = _dir.Write("empty", IdxU8([0, 28, 28], []));
        var idx = IdxReader.Read(path);
        idx.Dimensions.Should().Equal(0, 28, 28);
        idx.Data.Should().BeEmpty();
    }

    public static TheoryData<string, byte[], string> Malformed()
    {
        var huge = new byte[16];
        return new()
        {
            { "empty file", [], "truncated header" },
            { "truncated magic", [0, 0, 8], "truncated header" },
            { "truncated dimensions", [0, 0, 8, 3, 0, 0, 0, 2, 0, 0], "rank 3 needs 12 bytes" },
            { "truncated data", IdxU8([2, 3], [1, 2, 3, 4, 5]), "truncated data" },
            { "trailing data", IdxU8([2], [1, 2, 3]), "trailing bytes" },
            { "wrong magic", [1, 2, 8, 1, 0, 0, 0, 1, 7], "bad magic number 0x01020801" },
            { "wrong type", Idx(0x07, [1], [7]), "unknown data type code 0x07" },
            { "rank 0", Idx(0x08, [], [7]), "rank 0" },
            { "rank too large", Idx(0x08, [1, 1, 1, 1, 1, 1, 1, 1, 1], [7]), "rank 9" },
            { "dimension above int.MaxValue", Idx(0x08, [0xFFFFFFFF], huge), "more than 2147483647" },
            { "product overflows", Idx(0x08, [0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF], huge), "declare more than" },
            { "product above array limit", Idx(0x0E, [0x10000, 0x10000], huge), "declare more than" },
            { "huge but representable size", Idx(0x08, [60000, 28, 1000], huge), "need 1680000000 bytes" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_raw_files_throw_InvalidDataException_naming_the_file(string name, byte[] content, string expected)
    {
        string path = _dir.Write($"bad-{name.Replace(' ', '-')}", content);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var act = () => IdxReader.Read(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*").WithMessage($"*{expected}*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20, "nothing is allocated from an implausible declared size");
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_gzip_files_throw_InvalidDataException_naming_the_file(string name, byte[] content, string expected)
    {
        string path = _dir.Write($"bad-{name.Replace(' ', '-')}.gz", Gzip(content));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var act = () => IdxReader.Read(path);

        // Sizes that raw files reject against the file length are rejected for gzip against what the compressed bytes can hold.
        string gzipExpected = expected.StartsWith("need ", StringComparison.Ordinal) ? "compressed bytes can hold" : expected;
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*").WithMessage($"*{gzipExpected}*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20, "nothing is allocated from an implausible declared size");
    }

    [Fact]
    public void Large_declared_size_on_a_non_seekable_stream_allocates_only_what_arrives()
    {
        // 1.6 GB declared, 100 bytes present: the buffer grows with the data, so this fails fast and small.
        var content = IdxU8([40000, 200, 200], Bytes(100, seed: 3));
        using var stream = new ForwardOnlyStream(new MemoryStream(content));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var act = () => IdxReader.Read(stream, "pipe");

        act.Should().Throw<InvalidDataException>().WithMessage("*'pipe'*truncated data*ends after 100*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(4 << 20);
    }

    [Fact]
    public void Gzip_whose_size_field_disagrees_is_read_with_a_growing_buffer()
    {
        // Concatenated gzip members are valid gzip; the trailer only records the last member's size.
        var data = new byte[1_500_000]; // above the 1 MiB initial capacity, so the buffer has to grow
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i % 251);
        }

        var raw = IdxU8([1500, 1000], data);
        var twoMembers = Gzip(raw[..1000]).Concat(Gzip(raw[1000..])).ToArray();
        string path = _dir.Write("two-members.gz", twoMembers);

        IdxReader.Read(path).Data.AsSpan().SequenceEqual(data).Should().BeTrue();
        using (var twoMemberSource = IdxSource.Open(path))
        {
            twoMemberSource.SizeCorroborated.Should().BeFalse("the trailer holds only the last member's size");
        }

        using var singleMemberSource = IdxSource.Open(_dir.Write("one-member.gz", Gzip(raw)));
        singleMemberSource.SizeCorroborated.Should().BeTrue();
    }

    [Fact]
    public void Truncated_gzip_stream_throws_naming_the_file()
    {
        var gz = Gzip(IdxU8([100, 100], Bytes(10_000, seed: 5)));
        string path = _dir.Write("cut.gz", gz[..(gz.Length / 2)]);

        var act = () => IdxReader.Read(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void Corrupt_gzip_stream_throws_naming_the_file()
    {
        var gz = Gzip(IdxU8([100, 100], Bytes(10_000, seed: 6)));
        for (int i = 20; i < gz.Length - 20; i += 7)
        {
            gz[i] ^= 0x5A;
        }

        string path = _dir.Write("corrupt.gz", gz);

        var act = () => IdxReader.Read(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void Checksum_of_decompressed_content_is_verified()
    {
        var raw = IdxU8([4], [1, 2, 3, 4]);
        string path = _dir.Write("labels.gz", Gzip(raw));

        IdxReader.Read(path, Sha256(raw).ToUpperInvariant()).Data.Should().Equal(1, 2, 3, 4);
        var wrong = () => IdxReader.Read(path, Sha256(IdxU8([4], [1, 2, 3, 5])));
        wrong.Should().Throw<InvalidDataException>().WithMessage($"*{path}*checksum mismatch*{Sha256(raw)}*");
        var malformed = () => IdxReader.Read(path, "abc");
        malformed.Should().Throw<ArgumentException>().WithMessage("*64 hexadecimal digits*");
    }

    [Fact]
    public void Missing_file_throws_FileNotFoundException()
    {
        var act = () => IdxReader.Read(_dir.File("nope"));
        act.Should().Throw<FileNotFoundException>();
    }
}
