using UvmSim.Undo;
using System.Diagnostics;
using UvmSim.Objects;

namespace UvmSim.Map;

/// <summary>
/// An address space's entries (<c>struct vm_map</c>): non-overlapping, page-aligned ranges in
/// a balanced tree threaded by an address-ordered list, so lookup, insert, remove and clip
/// are O(log n). This type is structural only: it never touches frames or translations;
/// the fault and kernel layers free what a removed entry held.
/// </summary>
public sealed partial class VmMap
{
    /// <summary>Lowest user address (SPEC §3.3).</summary>
    public const ulong DefaultMin = 0x1000;

    /// <summary>One past the highest user address (SPEC §3.3).</summary>
    public const ulong DefaultMax = 0x7f7fffffc000;

    private readonly EntryTree _tree = new();

    /// <summary>
    /// Creates an empty map for pages of <paramref name="pageSize"/> bytes;
    /// <paramref name="placementMin"/> (default <paramref name="min"/>) is where placement
    /// searches from, so a map may hold a <c>fixed</c> mapping below where it places others.
    /// </summary>
    public VmMap(int pageSize, ulong min = DefaultMin, ulong max = DefaultMax, ulong? placementMin = null)
    {
        PageSize = pageSize;
        Min = min;
        Max = max;
        PlacementMin = Math.Max(placementMin ?? min, min);
    }

    /// <summary>Page size in bytes.</summary>
    public int PageSize { get; }

    /// <summary>Lowest mappable address.</summary>
    public ulong Min { get; }

    /// <summary>One past the highest mappable address.</summary>
    public ulong Max { get; }

    /// <summary>
    /// The lowest address placement chooses (Linux's <c>mmap_min_addr</c> floor of
    /// <c>vm_unmapped_area</c>): above <see cref="Min"/> when a process may map page 0 only
    /// with <c>fixed</c> (SPEC §17.5, <c>sys_rawio</c>; docs/linux.md).
    /// </summary>
    public ulong PlacementMin { get; }

    /// <summary>New mappings are wired at creation (<c>mlockall(MCL_FUTURE)</c>, <c>VM_MAP_WIREFUTURE</c>).</summary>
    public bool WireFuture { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>Linux's <c>MCL_FUTURE|MCL_ONFAULT</c>: new entries get <c>OnFault</c> too (SPEC §17.2).</summary>
    public bool FutureOnFault { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>Number of entries.</summary>
    public int EntryCount => _tree.Count;

    /// <summary>The lowest entry; walk on with <see cref="Next"/>.</summary>
    public MapEntry? First => _tree.First;

    /// <summary>Entries in address order; a struct, so a <c>foreach</c> over it allocates nothing (issue 17).</summary>
    public EntryWalk Entries => new(_tree);

    /// <summary>The entry after <paramref name="entry"/> in address order.</summary>
    public static MapEntry? Next(MapEntry entry) => entry.Next;

    /// <summary>The entry before <paramref name="entry"/> in address order.</summary>
    public static MapEntry? Prev(MapEntry entry) => entry.Prev;

    /// <summary>The entry containing <paramref name="va"/> (<c>uvm_map_lookup_entry</c>), or null.</summary>
    public MapEntry? Lookup(ulong va) => _tree.FindContaining(va);

    /// <summary>The first entry that ends after <paramref name="va"/>: the one containing it or the next.</summary>
    public MapEntry? LookupAtOrAfter(ulong va)
    {
        MapEntry? e = _tree.Floor(va);
        if (e is not null && va < e.End)
        {
            return e;
        }
        return e is null ? _tree.First : e.Next;
    }

    /// <summary>
    /// The first entry that ends after <paramref name="start"/>, clipped so it begins there
    /// if it contained it: where every range walk (unmap, mprotect, minherit) starts.
    /// </summary>
    public MapEntry? ClipAt(ulong start)
    {
        MapEntry? e = LookupAtOrAfter(start);
        return e is not null && e.Start < start ? ClipStart(e, start) : e;
    }

    /// <summary>True when no entry overlaps <c>[start, end)</c> and it lies inside the map.</summary>
    public bool IsFree(ulong start, ulong end)
    {
        if (start < Min || end > Max || end < start)
        {
            return false;
        }
        MapEntry? e = LookupAtOrAfter(start);
        return e is null || e.Start >= end;
    }

    /// <summary>
    /// Where a new mapping of <paramref name="length"/> bytes goes (SPEC §3.3): the hint if
    /// free, else first fit upward from it, else first fit from the minimum; null when full.
    /// </summary>
    public ulong? FindSpace(ulong length, ulong hint)
    {
        ulong page = (ulong)PageSize;
        hint &= ~(page - 1);
        if (hint >= PlacementMin && hint < Max)
        {
            if (_tree.FindSpace(hint, Max, length, page) is { } a)
            {
                return a;
            }
        }
        return _tree.FindSpace(PlacementMin, Max, length, page);
    }

    /// <summary>
    /// Top-down placement (SPEC §17.6, Linux's <c>mmap_base</c> search): the hint, rounded down,
    /// if that range is free; else the highest free range of <paramref name="length"/> bytes
    /// that ends at or below <paramref name="top"/>; null when none fits.
    /// </summary>
    public ulong? FindSpaceTopDown(ulong length, ulong hint, ulong top)
    {
        ulong page = (ulong)PageSize;
        hint &= ~(page - 1);
        if (hint != 0 && hint + length > hint && IsFree(hint, hint + length))
        {
            return hint;
        }
        ulong hi = Math.Min(top & ~(page - 1), Max);
        for (MapEntry? e = _tree.Last; ; e = e.Prev)
        {
            if (e is not null && e.End > hi)
            {
                hi = Math.Min(hi, e.Start);
                continue;
            }
            ulong lo = e is null ? PlacementMin : Math.Max(e.End, PlacementMin);
            if (hi >= lo && hi - lo >= length && length != 0)
            {
                return hi - length;
            }
            if (e is null)
            {
                return null;
            }
            hi = e.Start;
        }
    }

    /// <summary>Adds an entry that overlaps nothing, without merging.</summary>
    public void Insert(MapEntry entry)
    {
        Debug.Assert(IsFree(entry.Start, entry.End), "inserting over an existing mapping");
        _tree.Insert(entry);
    }

    /// <summary>Takes an entry out of the map; its references are the caller's to drop.</summary>
    public void Remove(MapEntry entry) => _tree.Remove(entry);

    /// <summary>
    /// Splits <paramref name="entry"/> at <paramref name="va"/>, strictly inside it
    /// (<c>uvm_map_clip_start/end</c>). Both halves keep every field, the wiring count and
    /// flags included (SPEC §3.3, §15); page wirings are untouched.
    /// =&gt; returns the upper half, <c>[va, old End)</c>.
    /// </summary>
    public MapEntry Split(MapEntry entry, ulong va)
    {
        Debug.Assert(va > entry.Start && va < entry.End && va % (ulong)PageSize == 0, "clip outside the entry");
        var upper = entry.Clone(va, entry.End, withWiring: true);
        upper.Offset = entry.Offset + (va - entry.Start);
        upper.AmapOffset = entry.AmapOffset + (long)((va - entry.Start) / (ulong)PageSize);
        upper.Amap?.AddUser(upper);
        if (upper.Object is not null)
        {
            upper.Object.RefCount++;
        }
        entry.End = va;
        _tree.BoundsChanged(entry);
        _tree.Insert(upper);
        return upper;
    }

    /// <summary>Clips so an entry starts at <paramref name="va"/>; returns the entry that does.</summary>
    public MapEntry ClipStart(MapEntry entry, ulong va) =>
        va > entry.Start && va < entry.End ? Split(entry, va) : entry;

    /// <summary>Clips so <paramref name="entry"/> ends at <paramref name="va"/> if it lies inside.</summary>
    public void ClipEnd(MapEntry entry, ulong va)
    {
        if (va > entry.Start && va < entry.End)
        {
            Split(entry, va);
        }
    }

    /// <summary>
    /// Inserts a new mapping, merging with the entry ending at its start and/or the one
    /// beginning at its end when <see cref="CanMerge"/> allows (NetBSD's
    /// <c>UVM_ET_ISCOMPATIBLE</c>): three become one unless both neighbours have amaps, when
    /// only the backward merge happens. The new entry's object reference is dropped when it
    /// is absorbed.
    /// =&gt; returns the entry that now covers the new range.
    /// </summary>
    public MapEntry InsertMerging(MapEntry entry)
    {
        MapEntry? prev = _tree.Floor(entry.Start - 1);
        if (prev is not null && prev.End != entry.Start)
        {
            prev = null;
        }
        MapEntry? next = prev is not null ? prev.Next : _tree.First;
        if (next is not null && next.Start != entry.End)
        {
            next = LookupAtOrAfter(entry.End);
            if (next is not null && next.Start != entry.End)
            {
                next = null;
            }
        }
        bool back = prev is not null && CanMerge(prev, entry);
        bool forward = next is not null && CanMerge(entry, next);
        if (back && forward && prev!.Amap is not null && next!.Amap is not null)
        {
            forward = false;
        }
        if (back)
        {
            AbsorbForward(prev!, entry);
            if (forward)
            {
                _tree.Remove(next!);
                AbsorbForward(prev!, next!);
            }
            return prev!;
        }
        if (forward)
        {
            AbsorbBackward(next!, entry);
            return next!;
        }
        _tree.Insert(entry);
        return entry;
    }

    /// <summary>
    /// Whether <paramref name="a"/> and the adjacent <paramref name="b"/> after it may be one
    /// entry: both unwired, neither <c>NoMerge</c>, the same backing at contiguous offsets,
    /// equal attributes, and any amap unshared (SPEC §3.3).
    /// </summary>
    public bool CanMerge(MapEntry a, MapEntry b)
    {
        if (a.IsWired || b.IsWired || a.NoMerge || b.NoMerge || a.NeedsCopy != b.NeedsCopy || !SameBackingAndAttributes(a, b))
        {
            return false;
        }
        return (a.Amap is null || a.Amap.RefCount == 1) && (b.Amap is null || b.Amap.RefCount == 1);
    }

    /// <summary>The same backing at contiguous offsets and equal attributes: what every merge needs.</summary>
    private static bool SameBackingAndAttributes(MapEntry a, MapEntry b) =>
        ReferenceEquals(a.Object, b.Object) && (a.Object is null || a.Offset + a.Size == b.Offset)
        && a.Protection == b.Protection && a.MaxProtection == b.MaxProtection && a.Inheritance == b.Inheritance
        && a.Advice == b.Advice && a.CopyOnWrite == b.CopyOnWrite;

    /// <summary>
    /// Whether the adjacent <paramref name="a"/> and <paramref name="b"/> may become one entry
    /// after a flag change under Linux's rules (<c>is_mergeable_vma</c>,
    /// <c>is_mergeable_anon_vma</c>, <see cref="FlagChangeMerge"/>): every attribute equal,
    /// the lock state and wiring count included (needs-copy without an amap is the same as an
    /// unshared amap with empty slots), the same backing at contiguous offsets, and
    /// amaps the model can join exactly: none, one amap at contiguous slots (the halves of a
    /// clip), or one side's amap whose slots next to it are unused (or which has no other
    /// user, re-based as <see cref="InsertMerging"/> does). Two different amaps never merge,
    /// as two different <c>anon_vma</c>s do not.
    /// </summary>
    public bool CanRemerge(MapEntry a, MapEntry b)
    {
        if (a.End != b.Start || a.NoMerge != b.NoMerge || a.Mlocked != b.Mlocked || a.OnFault != b.OnFault
            || a.WiredCount != b.WiredCount || a.SegmentRecord != b.SegmentRecord || !SameBackingAndAttributes(a, b)
            || (a.NeedsCopy && a.Amap is not null) != (b.NeedsCopy && b.Amap is not null))
        {
            return false;
        }
        return (a.Amap, b.Amap) switch
        {
            (null, null) => true,
            (null, { } bm) => bm.Unused(b.AmapOffset - Pages(a.Size), Pages(a.Size))
                || (bm.RefCount == 1 && !bm.AnyAnonIn(0, b.AmapOffset)), // re-based: nothing below b's slots to expose
            ({ } am, null) => am.Unused(a.AmapOffset + Pages(a.Size), Pages(b.Size)),
            ({ } am, { } bm) => ReferenceEquals(am, bm) && a.AmapOffset + Pages(a.Size) == b.AmapOffset,
        };
    }

    /// <summary>
    /// Joins <paramref name="entry"/> with the next entry, which <see cref="CanRemerge"/>
    /// allowed: the next one leaves the map and its references go with it.
    /// </summary>
    public void JoinNext(MapEntry entry)
    {
        MapEntry next = entry.Next ?? throw new InvalidOperationException("no entry to join");
        Debug.Assert(CanRemerge(entry, next), "joining entries that may not merge");
        _tree.Remove(next);
        if (entry.Amap is null && next.Amap is not null)
        {
            entry.NeedsCopy = next.NeedsCopy; // no amap yet: its needs-copy meant "empty slots"
        }
        if (entry.Amap is null && next.Amap is { } amap && amap.Unused(next.AmapOffset - Pages(entry.Size), Pages(entry.Size)))
        {
            // the slots in front of next's are unused: entry takes them (no re-basing of a shared amap)
            entry.Amap = amap;
            entry.AmapOffset = next.AmapOffset - Pages(entry.Size);
            amap.AddUser(entry);
        }
        // one amap at contiguous slots: AbsorbForward puts each anon back in its own slot
        AbsorbForward(entry, next);
    }

    /// <summary>Structural problems of the index (rule 1 of the auditor).</summary>
    public IReadOnlyList<string> VerifyIndex() => _tree.Verify();

    private int _verifiedVersion = -1;
    private IReadOnlyList<string> _verified = [];

    /// <summary>
    /// <see cref="VerifyIndex"/>, recomputed only when the tree changed since the last call:
    /// every change goes through the tree's API, which counts it. The incremental auditor's path.
    /// </summary>
    public IReadOnlyList<string> VerifyIndexCached()
    {
        if (_verifiedVersion != _tree.Version)
        {
            UndoLog.Touch(this);
            _verified = _tree.Verify();
            _verifiedVersion = _tree.Version;
        }
        return _verified;
    }

    private void AbsorbForward(MapEntry keep, MapEntry gone)
    {
        long keepPages = Pages(keep.Size);
        if (keep.Amap is not null)
        {
            if (gone.Amap is not null)
            {
                // A fresh brk part's amap: its anons move over, the amap is dropped.
                foreach (var (slot, anon) in gone.Amap.AnonsIn(gone.AmapOffset, Pages(gone.Size))) // keep.Amap is another amap, or this one at the same slots
                {
                    keep.Amap[keep.AmapOffset + keepPages + (slot - gone.AmapOffset)] = anon;
                }
                gone.Amap.RemoveUser(gone);
            }
        }
        else if (gone.Amap is not null)
        {
            gone.Amap.ShiftUp(keepPages);
            keep.Amap = gone.Amap;
            keep.AmapOffset = gone.AmapOffset;
            keep.Amap.RemoveUser(gone);
            keep.Amap.AddUser(keep);
        }
        if (gone.Object is not null)
        {
            gone.Object.RefCount--;
        }
        keep.End = gone.End;
        _tree.BoundsChanged(keep);
    }

    private void AbsorbBackward(MapEntry keep, MapEntry gone)
    {
        long gonePages = Pages(gone.Size);
        if (keep.Amap is not null)
        {
            if (keep.AmapOffset >= gonePages)
            {
                keep.AmapOffset -= gonePages;
            }
            else
            {
                keep.Amap.ShiftUp(gonePages - keep.AmapOffset);
                keep.AmapOffset = 0;
            }
            gone.Amap?.RemoveUser(gone);
        }
        else if (gone.Amap is not null)
        {
            keep.Amap = gone.Amap;
            keep.AmapOffset = gone.AmapOffset;
            keep.Amap.RemoveUser(gone);
            keep.Amap.AddUser(keep);
        }
        if (gone.Object is not null)
        {
            gone.Object.RefCount--;
        }
        keep.Start = gone.Start;
        keep.Offset = gone.Offset;
        _tree.BoundsChanged(keep);
    }

    private long Pages(ulong bytes) => (long)(bytes / (ulong)PageSize);
}
