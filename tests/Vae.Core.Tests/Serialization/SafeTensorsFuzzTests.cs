using System.Text;
using Vae.Core.Serialization;
using static Vae.Core.Tests.SafeTensorsTestFiles;

namespace Vae.Core.Tests;

/// <summary>
/// Corrupted files must either load or throw <see cref="InvalidDataException"/>, never any other exception. Seeds are
/// fixed so every failure is reproducible from the case description in the assertion message.
/// </summary>
public sealed class SafeTensorsFuzzTests
{
    private static readonly byte[] JsonBytes = Encoding.ASCII.GetBytes("{}[],:\"\\-0123456789.eE tnf");

    public static TheoryData<string> Bases() => new() { "saved", "mixed-dtypes" };

    [Theory]
    [MemberData(nameof(Bases))]
    public void Every_truncation_is_rejected_with_InvalidDataException(string which)
    {
        byte[] valid = Base(which);
        SafeTensors.Load(valid).Names.Should().NotBeEmpty();
        var failures = new List<string>();
        for (int len = 0; len < valid.Length; len++)
        {
            byte[] cut = valid[..len];
            Expect(cut, $"truncated to {len} of {valid.Length} bytes", failures, mustFail: true);

            using var nonSeekable = new SafeTensorsRoundTripTests.NonSeekableStream(new MemoryStream(cut));
            ExpectInvalid(() => SafeTensors.Load(nonSeekable), $"non-seekable stream truncated to {len}", failures);
        }

        string path = Path.Combine(Path.GetTempPath(), $"vae-st-trunc-{Guid.NewGuid():N}.safetensors");
        try
        {
            for (int len = 0; len < valid.Length; len += 13)
            {
                File.WriteAllBytes(path, valid[..len]);
                ExpectInvalid(() => SafeTensors.Load(path), $"file truncated to {len}", failures);
            }
        }
        finally
        {
            File.Delete(path);
        }

        failures.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Bases))]
    public void Random_single_byte_changes_load_or_throw_InvalidDataException(string which)
    {
        byte[] valid = Base(which);
        int dataStart = 8 + HeaderLength(valid);
        var rng = new Random(20240611);
        var failures = new List<string>();
        int loaded = 0, rejected = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] bytes = (byte[])valid.Clone();
            int pos = rng.Next(bytes.Length);
            byte value = i % 3 == 0 ? (byte)(bytes[pos] ^ (1 << rng.Next(8)))
                : i % 3 == 1 ? (byte)rng.Next(256)
                : JsonBytes[rng.Next(JsonBytes.Length)];
            bytes[pos] = value;
            // A change inside the tensor data only changes values: such files must still load.
            bool ok = Expect(bytes, $"case {i}: byte {pos} (of {bytes.Length}, data from {dataStart}) set to 0x{value:X2}", failures, mustLoad: pos >= dataStart);
            _ = ok ? loaded++ : rejected++;
        }

        failures.Should().BeEmpty();
        rejected.Should().BeGreaterThan(1000, "most header corruptions are detected");
        loaded.Should().BeGreaterThan(100, "data corruptions and harmless header changes still load");
    }

    [Theory]
    [MemberData(nameof(Bases))]
    public void Random_multi_byte_corruptions_load_or_throw_InvalidDataException(string which)
    {
        byte[] valid = Base(which);
        int headerEnd = 8 + HeaderLength(valid);
        var rng = new Random(777);
        var failures = new List<string>();
        for (int i = 0; i < 3000; i++)
        {
            var bytes = new List<byte>(valid);
            int kind = i % 6;
            // Most corruptions aim at the header, where the parser lives.
            int pos = rng.Next(i % 2 == 0 ? headerEnd : bytes.Count);
            int len = 1 + rng.Next(12);
            string what;
            switch (kind)
            {
                case 0:
                    for (int k = pos; k < Math.Min(bytes.Count, pos + len); k++)
                    {
                        bytes[k] = (byte)rng.Next(256);
                    }

                    what = $"overwrite {len} random bytes at {pos}";
                    break;
                case 1:
                    for (int k = pos; k < Math.Min(bytes.Count, pos + len); k++)
                    {
                        bytes[k] = JsonBytes[rng.Next(JsonBytes.Length)];
                    }

                    what = $"overwrite {len} JSON characters at {pos}";
                    break;
                case 2:
                    bytes.InsertRange(pos, Enumerable.Range(0, len).Select(_ => JsonBytes[rng.Next(JsonBytes.Length)]));
                    what = $"insert {len} bytes at {pos}";
                    break;
                case 3:
                    bytes.RemoveRange(pos, Math.Min(len, bytes.Count - pos));
                    what = $"delete {len} bytes at {pos}";
                    break;
                case 4:
                    int other = rng.Next(headerEnd);
                    (bytes[pos], bytes[other]) = (bytes[other], bytes[pos]);
                    what = $"swap bytes {pos} and {other}";
                    break;
                default:
                    // Rewrite a random digit run in the header (shapes, offsets, header length).
                    int from = Math.Min(pos, headerEnd);
                    int digit = Enumerable.Range(from, headerEnd - from).FirstOrDefault(k => bytes[k] is >= (byte)'0' and <= (byte)'9', -1);
                    if (digit < 0)
                    {
                        digit = rng.Next(8);
                    }

                    bytes[digit] = (byte)('0' + rng.Next(10));
                    if (rng.Next(2) == 0)
                    {
                        bytes.InsertRange(digit, Encoding.ASCII.GetBytes(rng.Next(3) switch { 0 => "-", 1 => "9999999999999999999", _ => "." }));
                    }

                    what = $"digit change at {digit}";
                    break;
            }

            Expect([.. bytes], $"case {i}: {what}", failures);
        }

        failures.Should().BeEmpty();
    }

    private static byte[] Base(string which) => which == "saved" ? SampleFile() : MixedDTypeFile();

    /// <summary>A hand-built file holding every supported dtype, to fuzz the conversion paths too.</summary>
    private static byte[] MixedDTypeFile()
    {
        const string json = """{"__metadata__":{"k":"v"},"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},"c":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},"d":{"dtype":"U8","shape":[3],"data_offsets":[16,19]},"e":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[19,20]},"f":{"dtype":"I32","shape":[1],"data_offsets":[20,24]},"g":{"dtype":"F64","shape":[],"data_offsets":[24,32]},"h":{"dtype":"BOOL","shape":[0],"data_offsets":[32,32]}}""";
        return Build(json, Enumerable.Range(1, 32).Select(i => (byte)(i * 37)).ToArray());
    }

    private static bool Expect(byte[] bytes, string what, List<string> failures, bool mustFail = false, bool mustLoad = false)
    {
        try
        {
            SafeTensors.Load(bytes);
            if (mustFail)
            {
                failures.Add($"{what}: loaded, expected InvalidDataException");
            }

            return true;
        }
        catch (InvalidDataException e)
        {
            if (mustLoad)
            {
                failures.Add($"{what}: {e.Message}, expected to load");
            }

            return false;
        }
        catch (Exception e)
        {
            failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    private static void ExpectInvalid(Action load, string what, List<string> failures)
    {
        try
        {
            load();
            failures.Add($"{what}: loaded, expected InvalidDataException");
        }
        catch (InvalidDataException)
        {
        }
        catch (Exception e)
        {
            failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
        }
    }
}
