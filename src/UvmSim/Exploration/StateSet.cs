using System.Runtime.CompilerServices;

namespace UvmSim.Exploration;

/// <summary>
/// A set of 64-bit state hashes with open addressing and linear probing: one array, no
/// per-entry objects, so the explorer can remember millions of states cheaply. Hash 0 is
/// kept aside, since 0 marks an empty slot.
/// </summary>
public sealed class StateSet
{
    private ulong[] _slots;
    private bool _hasZero;
    private ulong _touched;

    /// <summary>An empty set sized for a search's millions of states.</summary>
    public StateSet()
        : this(1 << 16)
    {
    }

    /// <summary>
    /// An empty set of <paramref name="slots"/> slots (a power of two, at least 2): a small one
    /// stays in the first-level cache (the fuzzer's states of one episode).
    /// </summary>
    public StateSet(int slots)
    {
        if (slots < 2 || !System.Numerics.BitOperations.IsPow2(slots))
        {
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "expected a power of two, at least 2");
        }
        _slots = new ulong[slots];
    }

    /// <summary>Distinct hashes added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds <paramref name="hash"/>; true when it was not there yet.</summary>
    public bool Add(ulong hash)
    {
        if (hash == 0)
        {
            if (_hasZero)
            {
                return false;
            }
            _hasZero = true;
            Count++;
            return true;
        }
        if ((Count + 1) * 4 > _slots.LongLength * 3)
        {
            Grow();
        }
        if (!Insert(_slots, hash))
        {
            return false;
        }
        Count++;
        return true;
    }

    /// <summary>Forgets every hash, keeping the table's size.</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _hasZero = false;
        Count = 0;
    }

    /// <summary>
    /// Whether <paramref name="hash"/> was added. A pure read, so jobs may ask while one thread
    /// adds (the explorer's pipeline): a hash found was added; one added meanwhile may be
    /// missed, never invented, since a slot only ever holds a hash that was added.
    /// </summary>
    public bool Contains(ulong hash)
    {
        if (hash == 0)
        {
            return _hasZero;
        }
        ulong[] slots = _slots; // one table, even if a concurrent add grows the set
        return slots[Probe(slots, hash)] == hash;
    }

    /// <summary>
    /// Adds each of <paramref name="hashes"/>, as <see cref="Add"/> one by one would. The
    /// table of a long run is far larger than the caches, so each add waits for a miss; the
    /// batch first reads every home slot (independent loads, whose misses overlap) and then
    /// inserts into slots that are cached by then.
    /// </summary>
    public void AddRange(ReadOnlySpan<ulong> hashes)
    {
        if ((Count + hashes.Length) * 4 > _slots.LongLength * 3)
        {
            foreach (ulong h in hashes)
            {
                Add(h);
            }
            return;
        }
        ulong[] slots = _slots;
        ulong mask = (ulong)slots.LongLength - 1;
        ulong touched = 0;
        foreach (ulong h in hashes)
        {
            touched ^= slots[Home(h, mask)];
        }
        _touched = touched; // kept, so the loads are not dropped
        foreach (ulong h in hashes)
        {
            Add(h);
        }
    }

    /// <summary>
    /// Adds every hash of <paramref name="other"/>: parallel fuzzing jobs count distinct states
    /// once. The other table is read in a scrambled order: read in slot order, its hashes
    /// would land here in slot order too and pile up into one long probe run.
    /// </summary>
    public void UnionWith(StateSet other)
    {
        if (other._hasZero)
        {
            Add(0);
        }
        ulong[] slots = other._slots;
        ulong mask = (ulong)slots.LongLength - 1;
        for (ulong i = 0, at = 0; i <= mask; i++, at = (at + ScrambleStride) & mask)
        {
            if (slots[at] != 0)
            {
                Add(slots[at]);
            }
        }
    }

    /// <summary>The hashes, in no particular order: what a shard writes for its merge.</summary>
    public ulong[] ToArray()
    {
        var all = new ulong[Count];
        long n = 0;
        if (_hasZero)
        {
            all[n++] = 0;
        }
        foreach (ulong h in _slots)
        {
            if (h != 0)
            {
                all[n++] = h;
            }
        }
        return all;
    }

    /// <summary>An odd step, so stepping by it visits every slot of a power-of-two table once.</summary>
    private const ulong ScrambleStride = 0x9E3779B97F4A7C15UL;

    private static bool Insert(ulong[] slots, ulong hash)
    {
        ulong i = Probe(slots, hash);
        if (slots[i] == hash)
        {
            return false;
        }
        slots[i] = hash;
        return true;
    }

    /// <summary>The slot holding <paramref name="hash"/>, or the empty slot where it would go (linear probing).</summary>
    private static ulong Probe(ulong[] slots, ulong hash)
    {
        ulong mask = (ulong)slots.LongLength - 1;
        ulong i = Home(hash, mask);
        while (slots[i] != hash && slots[i] != 0)
        {
            i = (i + 1) & mask;
        }
        return i;
    }

    /// <summary>The slot a probe for <paramref name="hash"/> starts at.</summary>
    /// <remarks>The hashes are well mixed already; the high bits are folded in for small tables.</remarks>
    private static ulong Home(ulong hash, ulong mask) => (hash ^ (hash >> 32)) & mask;

    // Runs a few times per run, each over millions of slots: compiled optimized at once, not
    // left in the unoptimized first tier (a long fuzz spent 6 % of its time there).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Grow()
    {
        var bigger = new ulong[_slots.LongLength * 2];
        foreach (ulong h in _slots)
        {
            if (h != 0)
            {
                Insert(bigger, h);
            }
        }
        _slots = bigger;
    }
}
