namespace UvmSim.Objects;

/// <summary>
/// An entry's private copy-on-write layer (<c>struct vm_amap</c>): a slot per page holding
/// the anon that replaced the object's page there. Entries reference it at a page offset;
/// a clip or a shared fork makes two entries reference one amap.
/// </summary>
public sealed class Amap
{
    private Anon?[] _slots;

    /// <summary>Creates an amap of <paramref name="slots"/> empty slots.</summary>
    public Amap(long slots)
    {
        _slots = new Anon?[Math.Max(slots, 1)];
        RefCount = 1;
    }

    /// <summary>How many entries reference this amap; merging needs exactly one.</summary>
    public int RefCount { get; internal set; }

    /// <summary>Number of slots.</summary>
    public long Slots => _slots.LongLength;

    /// <summary>The anon in <paramref name="slot"/>, if any.</summary>
    public Anon? this[long slot]
    {
        get => slot >= 0 && slot < _slots.LongLength ? _slots[slot] : null;
        internal set => _slots[slot] = value;
    }

    /// <summary>Grows the amap so a merged neighbour fits (<c>amap_extend</c>).</summary>
    internal void Extend(long slots)
    {
        if (slots > _slots.LongLength)
        {
            Array.Resize(ref _slots, (int)slots);
        }
    }

    /// <summary>Visits every anon in <c>[first, first + count)</c>.</summary>
    internal IEnumerable<(long Slot, Anon Anon)> AnonsIn(long first, long count)
    {
        long end = Math.Min(first + count, _slots.LongLength);
        for (long s = Math.Max(first, 0); s < end; s++)
        {
            if (_slots[s] is { } anon)
            {
                yield return (s, anon);
            }
        }
    }
}
