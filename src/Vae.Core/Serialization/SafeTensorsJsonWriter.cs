using System.Buffers;
using System.Globalization;

namespace Vae.Core.Serialization;

/// <summary>
/// A minimal compact-JSON byte writer that escapes strings exactly like Rust's <c>serde_json</c> (used by the reference
/// safetensors writer): <c>\"</c>, <c>\\</c>, <c>\b \t \n \f \r</c>, other control bytes as <c>\u00xx</c> (lower-case
/// hex); everything else, including non-ASCII UTF-8 and <c>/</c>, is written verbatim.
/// </summary>
internal sealed class SafeTensorsJsonWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>Appends bytes as they are.</summary>
    public void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    /// <summary>Appends an ASCII string as it is.</summary>
    public void Ascii(string text)
    {
        var span = _buffer.GetSpan(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        _buffer.Advance(text.Length);
    }

    /// <summary>Appends a non-negative integer in decimal.</summary>
    public void Number(long value)
    {
        var span = _buffer.GetSpan(20);
        value.TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
        _buffer.Advance(written);
    }

    /// <summary>Appends a quoted, escaped JSON string given as UTF-8.</summary>
    public void String(ReadOnlySpan<byte> utf8)
    {
        Raw("\""u8);
        foreach (byte b in utf8)
        {
            switch (b)
            {
                case (byte)'"': Raw("\\\""u8); break;
                case (byte)'\\': Raw("\\\\"u8); break;
                case (byte)'\b': Raw("\\b"u8); break;
                case (byte)'\t': Raw("\\t"u8); break;
                case (byte)'\n': Raw("\\n"u8); break;
                case (byte)'\f': Raw("\\f"u8); break;
                case (byte)'\r': Raw("\\r"u8); break;
                case < 0x20:
                    Raw("\\u00"u8);
                    Raw([(byte)"0123456789abcdef"[b >> 4], (byte)"0123456789abcdef"[b & 0xF]]);
                    break;
                default:
                    Raw([b]);
                    break;
            }
        }

        Raw("\""u8);
    }

    /// <summary>Appends spaces until the length is a multiple of <paramref name="alignment"/>.</summary>
    public void PadWithSpaces(int alignment)
    {
        int extra = (alignment - (_buffer.WrittenCount % alignment)) % alignment;
        _buffer.GetSpan(extra)[..extra].Fill((byte)' ');
        _buffer.Advance(extra);
    }

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
