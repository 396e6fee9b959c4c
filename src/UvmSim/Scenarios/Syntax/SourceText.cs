using System.Text;

namespace UvmSim.Scenarios.Syntax;

/// <summary>
/// A scenario file split into lines and decoded strictly as UTF-8, one line at a time, so a
/// bad byte is reported in line order with the other errors.
/// Columns count Unicode scalar values; a tab and an invalid byte each count one.
/// =&gt; A UTF-8 BOM at the start is skipped; a CR right before a LF is dropped.
/// </summary>
public sealed class SourceText
{
    /// <summary>Marks an invalid byte in a decoded line (never a valid scalar value).</summary>
    public const int InvalidByte = -1;

    private readonly byte[] _bytes;
    private readonly List<(int Start, int Length)> _lines = [];

    /// <summary>Splits <paramref name="bytes"/> into lines; decoding happens per line.</summary>
    public SourceText(string fileName, byte[] bytes)
    {
        FileName = fileName;
        _bytes = bytes;
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        for (int i = start; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                int end = i > start && bytes[i - 1] == (byte)'\r' ? i - 1 : i;
                _lines.Add((start, end - start));
                start = i + 1;
            }
        }
        if (start < bytes.Length)
        {
            _lines.Add((start, bytes.Length - start));
        }
    }

    /// <summary>The file name as given (for error messages).</summary>
    public string FileName { get; }

    /// <summary>The number of lines.</summary>
    public int LineCount => _lines.Count;

    /// <summary>
    /// The scalar values of line <paramref name="index"/> (0-based); each byte that does not start
    /// a valid, shortest-form UTF-8 sequence becomes one <see cref="InvalidByte"/>.
    /// </summary>
    public int[] DecodeLine(int index)
    {
        var (start, length) = _lines[index];
        var span = _bytes.AsSpan(start, length);
        var scalars = new List<int>(length);
        int i = 0;
        while (i < span.Length)
        {
            int size = SequenceLength(span[i..]);
            if (size == 0)
            {
                scalars.Add(InvalidByte);
                i++;
                continue;
            }
            int value = size switch
            {
                1 => span[i],
                2 => ((span[i] & 0x1F) << 6) | (span[i + 1] & 0x3F),
                3 => ((span[i] & 0x0F) << 12) | ((span[i + 1] & 0x3F) << 6) | (span[i + 2] & 0x3F),
                _ => ((span[i] & 0x07) << 18) | ((span[i + 1] & 0x3F) << 12) | ((span[i + 2] & 0x3F) << 6) | (span[i + 3] & 0x3F),
            };
            scalars.Add(value);
            i += size;
        }
        return [.. scalars];
    }

    /// <summary>Line <paramref name="index"/> for display: invalid bytes and NUL shown as U+FFFD.</summary>
    public string DisplayLine(int index) => ToText(DecodeLine(index), 0, int.MaxValue);

    /// <summary>The text of <paramref name="scalars"/>[start..start+count); invalid bytes and NUL become U+FFFD.</summary>
    public static string ToText(int[] scalars, int start, int count)
    {
        var builder = new StringBuilder();
        int end = (int)Math.Min((long)start + count, scalars.Length);
        for (int i = start; i < end; i++)
        {
            int value = scalars[i];
            if (value <= 0 || !Rune.IsValid(value))
            {
                value = 0xFFFD;
            }
            builder.Append(new Rune(value).ToString());
        }
        return builder.ToString();
    }

    // The length of the valid UTF-8 sequence at the start of span, or 0 (RFC 3629 table 3-7).
    private static int SequenceLength(ReadOnlySpan<byte> span)
    {
        byte b0 = span[0];
        if (b0 < 0x80)
        {
            return 1;
        }
        (int size, byte lo, byte hi) = b0 switch
        {
            >= 0xC2 and <= 0xDF => (2, (byte)0x80, (byte)0xBF),
            0xE0 => (3, (byte)0xA0, (byte)0xBF),
            0xED => (3, (byte)0x80, (byte)0x9F),
            >= 0xE1 and <= 0xEF => (3, (byte)0x80, (byte)0xBF),
            0xF0 => (4, (byte)0x90, (byte)0xBF),
            >= 0xF1 and <= 0xF3 => (4, (byte)0x80, (byte)0xBF),
            0xF4 => (4, (byte)0x80, (byte)0x8F),
            _ => (0, (byte)0, (byte)0),
        };
        if (size == 0 || span.Length < size || span[1] < lo || span[1] > hi)
        {
            return 0;
        }
        for (int k = 2; k < size; k++)
        {
            if (span[k] < 0x80 || span[k] > 0xBF)
            {
                return 0;
            }
        }
        return size;
    }
}
