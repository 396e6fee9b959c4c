using UvmSim.Undo;
using UvmSim.Map;

namespace UvmSim.Fault;

/// <summary>One translation: the frame a virtual page maps now, its protection and wired bit.</summary>
public readonly record struct Pte(int Frame, Protection Protection, bool Wired);

/// <summary>
/// The machine-dependent translations of one address space (<c>pmap</c>): va → frame.
/// NetBSD's <c>uvm_fault_unwire</c> unwires whatever frame is mapped here now, and
/// <c>pmap_wired_count</c> feeds the memlock limit; both read this table.
/// </summary>
/// <remarks>
/// Laid out like a hardware page table: leaf tables of 512 translations, found by the upper
/// bits of the page number, with the last table used cached — range operations touch one
/// table per 512 pages, and nothing is allocated per page. A table holds only as far as its
/// highest translation so far (from 16, doubling), so a small address space stays small.
/// </remarks>
public sealed partial class Pmap
{
    private const int LeafBits = 9;
    private const int LeafSize = 1 << LeafBits;
    private const ulong LeafMask = LeafSize - 1;

    // The first leaf made lives in two fields, and only the leaves after it (a map over more
    // than 2 MiB of address space) in a dictionary made for them: most pmaps cost no
    // dictionary (issue 17). Leaves go only all at once (RemoveAll), so walking the first
    // and then the dictionary's is the order the leaves were made in.
    private ulong _firstKey;
    private Leaf? _firstLeaf;
    [LoggedApart]
    private Dictionary<ulong, Leaf>? _leaves;
    private readonly PvTable _pv;
    private readonly int _shift;

    private sealed partial class Leaf
    {
        public int[] Frame = [];
        public byte[] Bits = []; // see PteBits; slots past the end are empty
        public int Count;

        /// <summary>The byte of slot <paramref name="i"/>: 0 past the end.</summary>
        public byte BitsAt(int i) => i < Bits.Length ? Bits[i] : (byte)0;

        /// <summary>Grows the table so it holds slots below <paramref name="end"/>.</summary>
        public void Hold(int end)
        {
            if (end > Bits.Length)
            {
                UndoLog.Touch(this);
                int length = Math.Min(LeafSize, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(end, 16)));
                Array.Resize(ref Frame, length);
                Array.Resize(ref Bits, length);
            }
        }
    }

    /// <summary>Creates an empty pmap whose frames are tracked in <paramref name="pv"/>.</summary>
    public Pmap(PvTable pv, int pageShift)
    {
        _pv = pv;
        _shift = pageShift;
    }

    /// <summary>Translations whose wired bit is set (<c>pmap_wired_count</c>).</summary>
    public long WiredCount { get; private set => UndoLog.Set(this, ref field, value); }

    /// <summary>Number of translations.</summary>
    public int Count { get; private set => UndoLog.Set(this, ref field, value); }

    private Leaf? Find(ulong vpn, bool create)
    {
        // No cache of the last leaf found: the first leaf, the only one of most pmaps, is a
        // field already, and a cache cost 16 bytes a pmap and an undo save per move (issue 17).
        ulong key = vpn >> LeafBits;
        Leaf? leaf = LeafAt(key);
        if (leaf is null)
        {
            if (!create)
            {
                return null;
            }
            leaf = new Leaf();
            UndoLog.Touch(this); // the first leaf's fields, or the dictionary's field, change
            ChunkTable.Put(key, leaf, ref _firstKey, ref _firstLeaf, ref _leaves);
        }
        return leaf;
    }

    /// <summary>The leaf of table number <paramref name="key"/>, or null.</summary>
    private Leaf? LeafAt(ulong key) => ChunkTable.Find(key, _firstKey, _firstLeaf, _leaves);

    /// <summary>How many leaves there are.</summary>
    private int LeafCount => ChunkTable.Count(_firstLeaf, _leaves);

    /// <summary>The translation of <paramref name="va"/>, if any (<c>pmap_extract</c>).</summary>
    public bool TryGet(ulong va, out Pte pte)
    {
        ulong vpn = va >> _shift;
        Leaf? leaf = Find(vpn, create: false);
        byte bits = leaf is null ? (byte)0 : leaf.BitsAt((int)(vpn & LeafMask));
        if (bits == 0)
        {
            pte = default;
            return false;
        }
        pte = new Pte(leaf!.Frame[vpn & LeafMask], (Protection)(bits & 0x7), (bits & PteBits.Wired) != 0);
        return true;
    }

    /// <summary>All translations as (va, pte), in no particular order.</summary>
    public IEnumerable<(ulong Va, Pte Pte)> All
    {
        get
        {
            foreach (var (key, leaf) in Leaves)
            {
                for (int i = 0; i < leaf.Bits.Length; i++)
                {
                    byte bits = leaf.Bits[i];
                    if (bits != 0)
                    {
                        ulong vpn = key << LeafBits | (uint)i;
                        yield return (vpn << _shift, new Pte(leaf.Frame[i], (Protection)(bits & 0x7), (bits & PteBits.Wired) != 0));
                    }
                }
            }
        }
    }

    /// <summary>The leaves with their keys, in the order they were made.</summary>
    private ChunkTable.Walk<ulong, Leaf> Leaves => ChunkTable.All(_firstKey, _firstLeaf, _leaves);

    /// <summary>
    /// The first mapped address in <c>[from, to)</c>, or <paramref name="to"/>: lets a walk
    /// over a huge, sparsely mapped range skip whole empty tables.
    /// </summary>
    public ulong NextMapped(ulong from, ulong to)
    {
        ulong vpn = from >> _shift, last = to >> _shift;
        while (vpn < last)
        {
            ulong key = vpn >> LeafBits;
            if (LeafAt(key) is { } leaf)
            {
                for (ulong v = vpn; v < Math.Min((key + 1) << LeafBits, last); v++)
                {
                    if (leaf.BitsAt((int)(v & LeafMask)) != 0)
                    {
                        return v << _shift;
                    }
                }
                vpn = (key + 1) << LeafBits;
                continue;
            }
            ulong next = ulong.MaxValue;
            foreach (var (k, _) in Leaves)
            {
                if (k > key && k < next)
                {
                    next = k;
                }
            }
            if (next == ulong.MaxValue)
            {
                return to;
            }
            vpn = next << LeafBits;
        }
        return to;
    }

    /// <summary>Maps <paramref name="va"/> to <paramref name="frame"/> (<c>pmap_enter</c>), replacing any old translation.</summary>
    public void Enter(ulong va, int frame, Protection protection, bool wired)
    {
        ulong vpn = va >> _shift;
        EnterAt(Find(vpn, create: true)!, (int)(vpn & LeafMask), vpn, frame, PteBits.Of(protection, wired));
    }

    /// <summary>Writes one translation into its leaf slot, keeping the pv lists and counts.</summary>
    private void EnterAt(Leaf leaf, int i, ulong vpn, int frame, byte bits)
    {
        leaf.Hold(i + 1);
        UndoLog.Touch(leaf);
        byte old = leaf.Bits[i];
        if (old != 0)
        {
            if ((old & PteBits.Wired) != 0)
            {
                WiredCount--;
            }
            if (leaf.Frame[i] != frame)
            {
                _pv.Remove(leaf.Frame[i], this, vpn);
                _pv.Add(frame, this, vpn);
            }
        }
        else
        {
            _pv.Add(frame, this, vpn);
            leaf.Count++;
            Count++;
        }
        leaf.Frame[i] = frame;
        leaf.Bits[i] = bits;
        if ((bits & PteBits.Wired) != 0)
        {
            WiredCount++;
        }
    }

    /// <summary>
    /// <see cref="Enter"/> for consecutive pages from <paramref name="va"/> mapping
    /// <paramref name="frames"/> in order, a leaf at a time: wiring a SysV attachment or a
    /// shared mapping re-enters translations that are usually there already.
    /// </summary>
    public void EnterRun(ulong va, ReadOnlySpan<int> frames, Protection protection, bool wired)
    {
        byte newBits = PteBits.Of(protection, wired);
        ulong vpn = va >> _shift;
        long wiredDelta = 0;
        while (!frames.IsEmpty)
        {
            Leaf leaf = Find(vpn, create: true)!;
            int first = (int)(vpn & LeafMask);
            int n = Math.Min(frames.Length, LeafSize - first);
            leaf.Hold(first + n);
            Span<int> leafFrames = leaf.Frame.AsSpan(first, n);
            Span<byte> leafBits = leaf.Bits.AsSpan(first, n);
            bool slow = !PteBits.AllPresent(leafBits, leafFrames, frames[..n]);
            if (!slow)
            {
                UndoLog.Touch(leaf);
                wiredDelta -= PteBits.CountWired(leafBits);
                leafBits.Fill(newBits);
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    EnterAt(leaf, i + first, vpn + (ulong)i, frames[i], newBits);
                }
            }
            if (wired && !slow)
            {
                wiredDelta += n;
            }
            frames = frames[n..];
            vpn += (ulong)n;
        }
        WiredCount += wiredDelta;
    }

    /// <summary>Clears the wired bit (<c>pmap_unwire</c>).</summary>
    public void Unwire(ulong va)
    {
        ulong vpn = va >> _shift;
        Leaf? leaf = Find(vpn, create: false);
        int i = (int)(vpn & LeafMask);
        if (leaf is not null && (leaf.BitsAt(i) & PteBits.Wired) != 0)
        {
            UndoLog.Touch(leaf);
            leaf.Bits[i] &= unchecked((byte)~PteBits.Wired);
            WiredCount--;
        }
    }

    /// <summary>Clears the wired bits of <c>[start, end)</c>, a leaf at a time (<c>pmap_unwire</c> over a range).</summary>
    public void UnwireRange(ulong start, ulong end)
    {
        ulong vpn = start >> _shift, last = end >> _shift;
        while (vpn < last)
        {
            ulong key = vpn >> LeafBits;
            ulong stop = Math.Min((key + 1) << LeafBits, last);
            if (Find(vpn, create: false) is { } leaf)
            {
                int from = (int)(vpn & LeafMask);
                int to = Math.Min(from + (int)(stop - vpn), leaf.Bits.Length);
                if (from < to)
                {
                    UndoLog.Touch(leaf);
                    WiredCount -= PteBits.ClearWired(leaf.Bits.AsSpan(from, to - from));
                }
            }
            vpn = stop;
        }
    }

    /// <summary>Removes the translations of <c>[start, end)</c> (<c>pmap_remove</c>).</summary>
    public void Remove(ulong start, ulong end)
    {
        ulong first = start >> _shift;
        ulong last = end >> _shift;
        if (Count == 0 || last <= first)
        {
            return;
        }
        if (last - first <= (ulong)LeafCount * LeafSize)
        {
            for (ulong v = first; v < last; v++)
            {
                RemoveVpn(v, unlinkPv: true);
            }
            return;
        }
        // A huge sparse range (exit, exec): visit only the leaves that exist.
        // The keys are gathered first (into a rented array), so no removal runs inside the
        // dictionary's enumeration.
        ulong[] keys = System.Buffers.ArrayPool<ulong>.Shared.Rent(LeafCount);
        int n = 0;
        foreach (var (k, _) in Leaves)
        {
            if ((k + 1) << LeafBits > first && k << LeafBits < last)
            {
                keys[n++] = k;
            }
        }
        try
        {
            foreach (ulong key in keys.AsSpan(0, n))
            {
                ulong lo = Math.Max(key << LeafBits, first), hi = Math.Min((key + 1) << LeafBits, last);
                for (ulong v = lo; v < hi; v++)
                {
                    RemoveVpn(v, unlinkPv: true);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<ulong>.Shared.Return(keys);
        }
    }

    /// <summary>
    /// Lowers the protection of the translations in <c>[start, end)</c> to at most
    /// <paramref name="protection"/> (<c>pmap_protect</c>), visiting only leaves that exist.
    /// </summary>
    public void Protect(ulong start, ulong end, Protection protection)
    {
        ulong first = start >> _shift;
        ulong last = end >> _shift;
        foreach (var (key, leaf) in Leaves)
        {
            ulong lo = Math.Max(key << LeafBits, first), hi = Math.Min((key << LeafBits) + (ulong)leaf.Bits.Length, last);
            if (lo < hi)
            {
                UndoLog.Touch(leaf);
            }
            for (ulong v = lo; v < hi; v++)
            {
                int i = (int)(v & LeafMask);
                if (leaf.Bits[i] != 0)
                {
                    leaf.Bits[i] = (byte)((leaf.Bits[i] & 0xf8) | ((int)protection & (leaf.Bits[i] & 0x7)));
                }
            }
        }
    }

    /// <summary>Drops every translation (the address space is going away).</summary>
    public void RemoveAll()
    {
        foreach (var (key, leaf) in Leaves)
        {
            for (int i = 0; i < leaf.Bits.Length; i++)
            {
                if (leaf.Bits[i] != 0)
                {
                    _pv.Remove(leaf.Frame[i], this, key << LeafBits | (uint)i);
                }
            }
        }
        UndoLog.Touch(this); // the leaves go with the fields that hold them (an undo puts the old ones back)
        _firstLeaf = null;
        _firstKey = 0;
        _leaves = null;
        Count = 0;
        WiredCount = 0;
    }

    /// <summary>Called by <see cref="PvTable"/> when a frame is taken away from every mapping.</summary>
    internal void RemoveForFrame(ulong vpn) => RemoveVpn(vpn, unlinkPv: false);

    private void RemoveVpn(ulong vpn, bool unlinkPv)
    {
        Leaf? leaf = Find(vpn, create: false);
        int i = (int)(vpn & LeafMask);
        if (leaf is null || leaf.BitsAt(i) == 0)
        {
            return;
        }
        UndoLog.Touch(leaf);
        if ((leaf.Bits[i] & PteBits.Wired) != 0)
        {
            WiredCount--;
        }
        if (unlinkPv)
        {
            _pv.Remove(leaf.Frame[i], this, vpn);
        }
        leaf.Bits[i] = 0;
        leaf.Count--;
        Count--;
    }
}
