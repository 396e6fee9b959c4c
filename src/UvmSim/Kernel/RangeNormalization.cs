using UvmSim.Policies;

namespace UvmSim.Kernel;

// Range normalisation (SPEC §5.1), shared by every call that takes (addr, len).
public sealed partial class Kernel
{
    /// <summary>
    /// Rounds <paramref name="addr"/> down to a page and grows <paramref name="len"/> by the
    /// offset, rounded up to pages, in NetBSD's order. With <c>length-wrap=wrap</c> the growth
    /// wraps silently as in NetBSD (a length within a page of 2^64 becomes short or zero);
    /// with <c>reject</c> it is a range error.
    /// =&gt; false for a range error: below the map minimum, above its maximum, or past 2^64.
    /// </summary>
    internal bool Normalize(Process p, ulong addr, ulong len, out ulong start, out ulong end)
    {
        ulong offset = addr & PageMask;
        start = addr - offset;
        ulong grown = len + offset;
        ulong size = (grown + PageMask) & ~PageMask;
        end = start + size;
        if (RejectsWrap(addr, len))
        {
            return false;
        }
        return start >= p.Space.Map.Min && end <= p.Space.Map.Max && end >= start;
    }

    /// <summary>
    /// True under <c>length-wrap=reject</c> when growing <paramref name="len"/> by the page
    /// offset and rounding it up would pass 2^64: a range error, never a short or zero length.
    /// </summary>
    internal bool RejectsWrap(ulong addr, ulong len)
    {
        ulong grown = len + (addr & PageMask);
        return Policy.LengthWrap == LengthWrapSwitch.Reject && (grown < len || ((grown + PageMask) & ~PageMask) < grown);
    }
}
