namespace UvmSim.Objects;

/// <summary>
/// An entry's private copy-on-write layer (<c>struct vm_amap</c>): a slot per page holding
/// the anon that replaced the object's page there. Entries reference it at a page offset;
/// a clip or a shared fork makes two entries reference one amap.
/// </summary>
public sealed class Amap
{
    private Anon?[] _slots;
    private int[] _slotRefs;

    /// <summary>Creates an amap of <paramref name="slots"/> empty slots.</summary>
    public Amap(long slots)
    {
        _slots = new Anon?[Math.Max(slots, 1)];
        _slotRefs = new int[_slots.Length];
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
            Array.Resize(ref _slotRefs, (int)slots);
        }
    }

    /// <summary>Prepends <paramref name="slots"/> empty slots, so a neighbour in front can merge.</summary>
    internal void ExtendBackward(long slots)
    {
        var grown = new Anon?[_slots.LongLength + slots];
        Array.Copy(_slots, 0, grown, slots, _slots.LongLength);
        _slots = grown;
        var refs = new int[grown.Length];
        Array.Copy(_slotRefs, 0, refs, slots, _slotRefs.Length);
        _slotRefs = refs;
    }

    /// <summary>
    /// Counts one more entry referencing slots <c>[first, first + count)</c> (UVM's
    /// <c>ppref</c>): a slot's anon is freed only when no entry references it any more.
    /// </summary>
    internal void AddSlotRefs(long first, long count)
    {
        Extend(first + count);
        for (long s = first; s < first + count; s++)
        {
            _slotRefs[s]++;
        }
    }

    /// <summary>
    /// Drops one entry's reference to <c>[first, first + count)</c> and hands back every anon
    /// no entry references any more, emptying its slot (<c>amap_unref</c>).
    /// </summary>
    internal void RemoveSlotRefs(long first, long count, List<Anon> unreferenced)
    {
        long end = Math.Min(first + count, _slots.LongLength);
        for (long s = Math.Max(first, 0); s < end; s++)
        {
            if (--_slotRefs[s] <= 0)
            {
                _slotRefs[s] = 0;
                if (_slots[s] is { } anon)
                {
                    unreferenced.Add(anon);
                    _slots[s] = null;
                }
            }
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
