using System.Numerics;
using System.Runtime.Intrinsics;

namespace UvmSim.Fault;

/// <summary>
/// The byte a page-table leaf keeps per translation (0: none; else 0x80 | wired 0x40 |
/// protection), and the range operations over a leaf's bytes that wiring a SysV segment or a
/// shared mapping repeats on every call: they run 16 translations at a time.
/// </summary>
internal static class PteBits
{
    /// <summary>A translation is present.</summary>
    public const byte Valid = 0x80;

    /// <summary>The translation is wired.</summary>
    public const byte Wired = 0x40;

    /// <summary>The byte of a present translation.</summary>
    public static byte Of(Map.Protection protection, bool wired) =>
        (byte)(Valid | (wired ? Wired : 0) | ((int)protection & 0x7));

    /// <summary>How many of <paramref name="bits"/> are wired.</summary>
    public static int CountWired(ReadOnlySpan<byte> bits)
    {
        int count = 0;
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var mask = Vector128.Create(Wired);
            for (; i + Vector128<byte>.Count <= bits.Length; i += Vector128<byte>.Count)
            {
                var v = Vector128.Create(bits.Slice(i, Vector128<byte>.Count));
                count += BitOperations.PopCount(Vector128.Equals(v & mask, mask).ExtractMostSignificantBits());
            }
        }
        for (; i < bits.Length; i++)
        {
            count += (bits[i] >> 6) & 1;
        }
        return count;
    }

    /// <summary>Clears the wired bit of every translation in <paramref name="bits"/>. =&gt; how many were wired.</summary>
    public static int ClearWired(Span<byte> bits)
    {
        int count = 0;
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var mask = Vector128.Create(Wired);
            for (; i + Vector128<byte>.Count <= bits.Length; i += Vector128<byte>.Count)
            {
                Span<byte> slice = bits.Slice(i, Vector128<byte>.Count);
                var v = Vector128.Create((ReadOnlySpan<byte>)slice);
                count += BitOperations.PopCount(Vector128.Equals(v & mask, mask).ExtractMostSignificantBits());
                Vector128.AndNot(v, mask).CopyTo(slice);
            }
        }
        for (; i < bits.Length; i++)
        {
            count += (bits[i] >> 6) & 1;
            bits[i] &= unchecked((byte)~Wired);
        }
        return count;
    }

    /// <summary>
    /// Whether every translation in <paramref name="bits"/> is present and already maps, as
    /// <paramref name="mapped"/> records, the frame <paramref name="frames"/> names: then
    /// entering them again only rewrites the bytes.
    /// </summary>
    public static bool AllPresent(ReadOnlySpan<byte> bits, ReadOnlySpan<int> mapped, ReadOnlySpan<int> frames) =>
        !bits.ContainsAnyInRange((byte)0, (byte)(Valid - 1)) && mapped.SequenceEqual(frames);
}
