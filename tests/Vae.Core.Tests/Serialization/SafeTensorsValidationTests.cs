using System.Buffers.Binary;
using System.Text;
using Vae.Core.Serialization;
using static Vae.Core.Tests.SafeTensorsTestFiles;

namespace Vae.Core.Tests;

/// <summary>One crafted malformed file per validation rule; each must fail with an InvalidDataException naming the problem.</summary>
public sealed class SafeTensorsValidationTests
{
    private const string A4 = """ "a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]} """;

    public static TheoryData<string, byte[], string> Malformed()
    {
        var d = new TheoryData<string, byte[], string>();
        void Json(string name, string json, int dataBytes, string fragment) => d.Add(name, Build(json, new byte[dataBytes]), fragment);
        void Entry(string name, string entry, int dataBytes, string fragment) => Json(name, "{\"a\":" + entry + "}", dataBytes, fragment);

        // Framing.
        d.Add("empty file", [], "0 bytes long, shorter than the 8-byte");
        d.Add("7 bytes", [8, 0, 0, 0, 0, 0, 0], "7 bytes long");
        d.Add("header length beyond the file", Prefix(100, Encoding.ASCII.GetBytes("{}      ")), "header length 100 is larger than the 8 bytes");
        d.Add("absurd header length", Prefix(200_000_000, new byte[16]), "exceeds the 100000000-byte limit");
        d.Add("u64 max header length", Prefix(ulong.MaxValue, new byte[16]), "header length 18446744073709551615 exceeds");
        d.Add("zero header length", Prefix(0, new byte[8]), "does not start with '{'");

        // JSON.
        d.Add("not UTF-8", BuildRaw([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []), "not valid UTF-8");
        Json("not an object", "[1,2]", 0, "does not start with '{'");
        Json("leading space", " {}", 0, "does not start with '{'");
        Json("truncated JSON", "{\"a\":{\"dtype\":", 0, "not valid JSON");
        Json("trailing garbage", "{} x", 0, "not valid JSON");
        Json("two objects", "{}{}", 0, "not valid JSON");
        Json("comment", "{/* c */}", 0, "not valid JSON");
        Json("trailing comma", "{" + A4 + ",}", 4, "not valid JSON");
        Json("unescaped control char", "{\"a\tb\":1}", 0, "not valid JSON");
        Json("lone surrogate escape", "{\"\\ud800\":{}}", 0, "invalid JSON string");
        Json("deep nesting in an unknown field", "{\"a\":{\"x\":" + new string('[', 100) + new string(']', 100) + "}}", 0, "not valid JSON");
        d.Add("NUL padding", BuildRaw([(byte)'{', (byte)'}', 0, 0, 0, 0, 0, 0], []), "not valid JSON");

        // Entries.
        Entry("entry is a number", "1", 0, "tensor 'a' must be an object");
        Entry("entry is null", "null", 0, "tensor 'a' must be an object");
        Entry("missing dtype", """{"shape":[1],"data_offsets":[0,4]}""", 4, "tensor 'a' has no 'dtype' field");
        Entry("missing shape", """{"dtype":"F32","data_offsets":[0,4]}""", 4, "tensor 'a' has no 'shape' field");
        Entry("missing data_offsets", """{"dtype":"F32","shape":[1]}""", 4, "tensor 'a' has no 'data_offsets' field");
        Entry("dtype not a string", """{"dtype":32,"shape":[1],"data_offsets":[0,4]}""", 4, "dtype must be a string, got a number");
        Entry("shape not an array", """{"dtype":"F32","shape":"1","data_offsets":[0,4]}""", 4, "shape must be an array");
        Entry("shape holds a string", """{"dtype":"F32","shape":[1,"2"],"data_offsets":[0,8]}""", 8, "shape must hold only integers, got a string");
        Entry("shape holds null", """{"dtype":"F32","shape":[null],"data_offsets":[0,4]}""", 4, "got null");
        Entry("data_offsets an object", """{"dtype":"F32","shape":[1],"data_offsets":{}}""", 4, "data_offsets must be an array");
        Entry("unknown dtype", """{"dtype":"F33","shape":[1],"data_offsets":[0,4]}""", 4, "unknown or unsupported dtype 'F33'");
        Entry("lower-case dtype", """{"dtype":"f32","shape":[1],"data_offsets":[0,4]}""", 4, "dtype 'f32'");
        Entry("unsupported dtype", """{"dtype":"C64","shape":[1],"data_offsets":[0,8]}""", 8, "dtype 'C64'");
        Entry("negative dimension", """{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}""", 4, "shape entry -1 is a negative number");
        Entry("fractional dimension", """{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}""", 4, "shape entry 1.5 is not an integer");
        Entry("integral float dimension", """{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}""", 4, "not an integer");
        Entry("exponent dimension", """{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}""", 4, "not an integer");
        Entry("dimension beyond u64", """{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}""", 4, "is too large");
        Entry("element count overflow", """{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}""", 4, "element count of shape [4294967296, 4294967296] overflows");
        Entry("byte size overflow", """{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}""", 4, "byte size of shape [4611686018427387904] × F32 overflows");
        Entry("dimension too large for Vae.Core", """{"dtype":"F32","shape":[3000000000,0],"data_offsets":[0,0]}""", 0, "too large for a Vae.Core tensor");
        Entry("one offset", """{"dtype":"F32","shape":[1],"data_offsets":[4]}""", 4, "exactly two integers [begin, end], got 1");
        Entry("three offsets", """{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}""", 4, "got 3");
        Entry("negative offset", """{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}""", 4, "data_offsets entry -4 is a negative number");
        Entry("begin after end", """{"dtype":"F32","shape":[0],"data_offsets":[4,0]}""", 4, "data_offsets [4, 0] has begin > end");
        Entry("end beyond the buffer", """{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""", 2, "data_offsets [0, 4] end beyond the 2-byte data buffer");
        Entry("huge end", """{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551611,18446744073709551615]}""", 4, "end beyond the 4-byte data buffer");
        Entry("length mismatch", """{"dtype":"F32","shape":[1],"data_offsets":[0,8]}""", 8, "span 8 bytes but F32 shape [1] needs 4");
        Entry("duplicate field", """{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}""", 4, "tensor 'a' has field 'dtype' twice");

        // Coverage of the data buffer.
        Json("overlap", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "tensor 'b' (bytes [4, 12)) overlaps tensor 'a' (bytes [0, 8))");
        Json("identical ranges", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "overlaps");
        Json("gap", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, "data bytes [4, 8) before tensor 'b' belong to no tensor");
        Json("does not start at 0", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "data bytes [0, 4)");
        Json("trailing data bytes", "{" + A4 + "}", 5, "the data buffer has 5 bytes but the tensors cover only [0, 4)");
        Json("data but no tensors", "{}", 8, "the data buffer has 8 bytes");
        Json("empty tensor inside another", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}""", 8, "tensor 'e' (bytes [4, 4)) overlaps tensor 'a'");

        // Names and metadata.
        Json("duplicate tensor name", "{" + A4 + "," + A4 + "}", 4, "tensor name 'a' appears twice");
        Json("duplicate metadata", """{"__metadata__":{},"__metadata__":{}}""", 0, "'__metadata__' appears twice");
        Json("metadata value a number", """{"__metadata__":{"k":1}}""", 0, "metadata value for key 'k' must be a string, got a number");
        Json("metadata value null", """{"__metadata__":{"k":null}}""", 0, "got null");
        Json("metadata value an object", """{"__metadata__":{"k":{}}}""", 0, "got an object");
        Json("metadata an array", """{"__metadata__":["k"]}""", 0, "'__metadata__' must be an object of strings, got an array");
        Json("metadata a string", """{"__metadata__":"k"}""", 0, "got a string");
        Json("duplicate metadata key", """{"__metadata__":{"k":"1","k":"2"}}""", 0, "metadata key 'k' appears twice");
        return d;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_content_throws_InvalidDataException_naming_the_problem(string name, byte[] bytes, string fragment)
    {
        var fromSpan = () => SafeTensors.Load(bytes);
        fromSpan.Should().Throw<InvalidDataException>(name).Which.Message.Should().Contain("'<memory>'").And.Contain(fragment);

        string path = Path.Combine(Path.GetTempPath(), $"vae-st-bad-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        try
        {
            var fromFile = () => SafeTensors.Load(path);
            fromFile.Should().Throw<InvalidDataException>(name).Which.Message.Should().Contain(path).And.Contain(fragment);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Accepted_variants_load()
    {
        // Null metadata, whitespace padding of any JSON kind, empty tensors at a boundary, and zero-length names.
        var f = SafeTensors.Load(Build(
            "{\"__metadata__\":null,\"\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}," +
            "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"z\":{\"dtype\":\"F64\",\"shape\":[0,5],\"data_offsets\":[4,4]}}\n\t\r",
            F32(2.5f)));
        f.Metadata.Should().BeNull();
        f.Names.Should().Equal("", "a", "z");
        f["a"].Item().Should().Be(2.5);
        f["z"].Shape.Should().Equal(0, 5);
    }

    [Fact]
    public void Stream_ending_before_its_declared_length_is_reported_as_truncated()
    {
        byte[] valid = SampleFile();
        using var lying = new LyingLengthStream(valid[..^3], valid.Length);
        var act = () => SafeTensors.Load(lying);
        act.Should().Throw<InvalidDataException>().WithMessage("*'<stream>'*ended early*");
    }

    private static byte[] Prefix(ulong n, byte[] rest)
    {
        var b = new byte[8 + rest.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(b, n);
        rest.CopyTo(b, 8);
        return b;
    }

    /// <summary>A seekable stream that reports a longer length than it can deliver.</summary>
    private sealed class LyingLengthStream(byte[] data, long claimedLength) : MemoryStream(data)
    {
        public override long Length => claimedLength;
    }
}
