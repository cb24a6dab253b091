using Vae.Core;
using Vae.Core.Serialization;

namespace Vae.Core.Tests;

public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-st-rt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float F(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    private static double D(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    [Fact]
    public void Float32_and_float64_round_trip_bit_identically_including_special_values()
    {
        float[] f =
        [
            0f, -0f, 1f, -1.5f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon,
            float.MaxValue, float.MinValue, F(0x7FC00000), F(0xFFC00001), F(0x7F800001), F(0x7FA5A5A5), F(0x00000123), 3.14159274f,
        ];
        double[] d =
        [
            0d, -0d, Math.PI, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon,
            D(0x7FF8000000000000), D(0xFFF0000000000001), D(0x7FF4DEADBEEF0001), D(0x000000000000ABCD), double.MaxValue, -1e-300,
        ];
        var tensors = new Dictionary<string, Tensor>
        {
            ["f"] = Tensor.FromArray(f, 4, 4),
            ["d"] = Tensor.FromArray(d, 2, 3, 2),
        };
        string path = Path.Combine(_dir, "special.safetensors");
        SafeTensors.Save(path, tensors);
        var loaded = SafeTensors.Load(path);

        loaded.Tensors["f"].DType.Should().Be(DType.Float32);
        loaded.Tensors["f"].Shape.Should().Equal(4, 4);
        SafeTensorsTestFiles.Bits32(loaded.Tensors["f"]).Should().Equal(f.Select(BitConverter.SingleToInt32Bits));
        loaded.Tensors["d"].DType.Should().Be(DType.Float64);
        loaded.Tensors["d"].Shape.Should().Equal(2, 3, 2);
        SafeTensorsTestFiles.Bits64(loaded.Tensors["d"]).Should().Equal(d.Select(BitConverter.DoubleToInt64Bits));
        loaded.Metadata.Should().BeNull();
        loaded.StoredDTypes.Should().BeEquivalentTo(new Dictionary<string, string> { ["f"] = "F32", ["d"] = "F64" });
    }

    [Fact]
    public void Scalars_empty_tensors_and_zero_sized_dimensions_round_trip()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["scalar32"] = Tensor.Scalar(-2.5),
            ["scalar64"] = Tensor.Scalar(1e-310, DType.Float64),
            ["empty"] = Tensor.Zeros(new Shape(0)),
            ["empty64"] = Tensor.Zeros(new Shape(2, 0, 3), DType.Float64),
            ["x"] = Tensor.FromArray([1f, 2f]),
        };
        var loaded = SafeTensors.Load(SafeTensorsTestFiles.SaveToBytes(tensors));

        loaded.Tensors.Keys.Should().BeEquivalentTo(tensors.Keys);
        loaded["scalar32"].Shape.Rank.Should().Be(0);
        loaded["scalar32"].Item().Should().Be(-2.5);
        loaded["scalar64"].DType.Should().Be(DType.Float64);
        loaded["scalar64"].Item().Should().Be(1e-310);
        loaded["empty"].Shape.Should().Equal(0);
        loaded["empty"].Numel.Should().Be(0);
        loaded["empty64"].Shape.Should().Equal(2, 0, 3);
        loaded["empty64"].DType.Should().Be(DType.Float64);
        loaded["x"].ToArray().Should().Equal(1f, 2f);
    }

    [Fact]
    public void No_tensors_round_trips_and_metadata_round_trips_verbatim()
    {
        var meta = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["quote\"back\\slash"] = "line\nbreak\ttab\u0001ctl\u007f/ünï😀",
            [""] = "",
        };
        var loaded = SafeTensors.Load(SafeTensorsTestFiles.SaveToBytes(new Dictionary<string, Tensor>(), meta));
        loaded.Tensors.Should().BeEmpty();
        loaded.Names.Should().BeEmpty();
        loaded.Metadata.Should().BeEquivalentTo(meta);

        var emptyMeta = SafeTensors.Load(SafeTensorsTestFiles.SaveToBytes(new Dictionary<string, Tensor>(), new Dictionary<string, string>()));
        emptyMeta.Metadata.Should().NotBeNull().And.BeEmpty();
    }

    [Fact]
    public void File_stream_and_span_paths_agree()
    {
        var g = new Generator(3);
        var tensors = new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.Randn(new Shape(5, 7), g),
            ["b"] = Tensor.Randn(new Shape(3), g, DType.Float64),
        };
        string path = Path.Combine(_dir, "m.safetensors");
        SafeTensors.Save(path, tensors);
        byte[] fileBytes = File.ReadAllBytes(path);
        fileBytes.Should().Equal(SafeTensorsTestFiles.SaveToBytes(tensors), "the file and stream writers produce the same bytes");

        using var fs = File.OpenRead(path);
        using var nonSeekable = new NonSeekableStream(new MemoryStream(fileBytes));
        foreach (var loaded in new[] { SafeTensors.Load(path), SafeTensors.Load(fs), SafeTensors.Load(fileBytes), SafeTensors.Load(nonSeekable) })
        {
            SafeTensorsTestFiles.Bits32(loaded["a"]).Should().Equal(SafeTensorsTestFiles.Bits32(tensors["a"]));
            SafeTensorsTestFiles.Bits64(loaded["b"]).Should().Equal(SafeTensorsTestFiles.Bits64(tensors["b"]));
        }
    }

    [Fact]
    public void Saving_over_an_existing_file_replaces_it()
    {
        string path = Path.Combine(_dir, "over.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["old"] = Tensor.Ones(5) });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["new"] = Tensor.Ones(2) });
        SafeTensors.Load(path).Names.Should().Equal("new");
        Directory.GetFiles(_dir).Should().Equal(path);
    }

    [Fact]
    public void Names_are_in_file_order_and_the_indexer_reports_missing_names()
    {
        var loaded = SafeTensors.Load(SafeTensorsTestFiles.SampleFile());
        loaded.Names.Should().Equal("decoder.weight", "empty", "encoder.fc1.bias", "encoder.fc1.weight", "step");
        var act = () => loaded["nope"];
        act.Should().Throw<KeyNotFoundException>().WithMessage("*'nope'*decoder.weight*");
    }

    [Fact]
    public void Save_rejects_bad_arguments_before_touching_the_disk()
    {
        string path = Path.Combine(_dir, "bad.safetensors");
        var reserved = () => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Ones(1) });
        reserved.Should().Throw<ArgumentException>().WithMessage("*__metadata__*");
        var nullTensor = () => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = null! });
        nullTensor.Should().Throw<ArgumentException>().WithMessage("*'w'*null*");
        var loneSurrogate = () => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["bad\ud800"] = Tensor.Ones(1) });
        loneSurrogate.Should().Throw<ArgumentException>().WithMessage("*UTF-16*");
        var nullMeta = () => SafeTensors.Save(path, new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["k"] = null! });
        nullMeta.Should().Throw<ArgumentException>().WithMessage("*'k'*");
        Directory.GetFileSystemEntries(_dir).Should().BeEmpty();
    }

    /// <summary>Wraps a stream and hides its ability to seek.</summary>
    internal sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
