using UvmSim.Undo;
using UvmSim.Objects;

namespace UvmSim.Map;

/// <summary>
/// One mapping in an address space (<c>struct vm_map_entry</c>): a page-aligned range
/// <c>[Start, End)</c> backed by an object and, for private mappings, an amap of anons.
/// </summary>
/// <remarks>
/// Wiring state lives in two places (SPEC §1): <see cref="WiredCount"/> holds balanced
/// wirings (SysV, kernel) and, under counter semantics, everything; <see cref="Mlocked"/>
/// holds the POSIX lock under split semantics. <see cref="IsWired"/> is the only test.
/// </remarks>
public sealed partial class MapEntry : IAmapUser
{
    /// <summary>Creates an entry covering <c>[start, end)</c> with default attributes.</summary>
    public MapEntry(ulong start, ulong end)
    {
        UndoLog.Fresh(this);
        Start = start;
        End = end;
    }

    /// <summary>First address (page-aligned). Change only through the owning map.</summary>
    public ulong Start { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>One past the last address (page-aligned). Change only through the owning map.</summary>
    public ulong End { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Backing object, or null for a private anonymous mapping.</summary>
    public UvmObject? Object { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Byte offset into <see cref="Object"/> of <see cref="Start"/>.</summary>
    public ulong Offset { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>The private copy-on-write layer, created lazily (<c>amap_copy</c>).</summary>
    public Amap? Amap { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Page index into <see cref="Amap"/> of <see cref="Start"/>.</summary>
    public long AmapOffset { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>The amap must be copied before the first write (<c>UVM_ET_NEEDSCOPY</c>).</summary>
    public bool NeedsCopy { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>A private mapping (<c>UVM_ET_COPYONWRITE</c>).</summary>
    public bool CopyOnWrite { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Current protection.</summary>
    public Protection Protection { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Maximum protection <c>mprotect</c> may grant.</summary>
    public Protection MaxProtection { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>What <c>fork</c> does with the entry.</summary>
    public Inheritance Inheritance { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Paging advice.</summary>
    public Advice Advice { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Balanced wirings (<c>wired_count</c>); under counter semantics also POSIX locks.</summary>
    public int WiredCount { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>The POSIX lock bit of split semantics (SPEC §4.2).</summary>
    public bool Mlocked { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>
    /// Linux's <c>VM_LOCKONFAULT</c> under <c>wiring=flag</c> (SPEC §17.2): set only together with
    /// <see cref="Mlocked"/>; population skips the entry, pages are locked as they fault in.
    /// </summary>
    public bool OnFault { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>
    /// The entry holds a segment-scoped SysV lock record (SPEC §8.4): one balanced wiring
    /// owned by the segment, kept by both halves of a clip.
    /// </summary>
    public bool SegmentRecord { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Never merge with neighbours (set on SysV attachments).</summary>
    public bool NoMerge { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>The only test of whether the entry is wired: a count or the POSIX bit.</summary>
    public bool IsWired => WiredCount != 0 || Mlocked;

    /// <summary>Length in bytes.</summary>
    public ulong Size => End - Start;

    /// <summary>True when <paramref name="va"/> lies inside the entry.</summary>
    public bool Contains(ulong va) => va >= Start && va < End;

    /// <summary>
    /// A new entry over <c>[start, end)</c> with this one's backing and attributes. The
    /// caller adjusts offsets and references. With <paramref name="withWiring"/> false the
    /// wiring state is left out: <c>fork</c> never inherits it (SPEC §3.5).
    /// </summary>
    internal MapEntry Clone(ulong start, ulong end, bool withWiring) => new(start, end)
    {
        Object = Object,
        Offset = Offset,
        Amap = Amap,
        AmapOffset = AmapOffset,
        NeedsCopy = NeedsCopy,
        CopyOnWrite = CopyOnWrite,
        Protection = Protection,
        MaxProtection = MaxProtection,
        Inheritance = Inheritance,
        Advice = Advice,
        NoMerge = NoMerge,
        WiredCount = withWiring ? WiredCount : 0,
        Mlocked = withWiring && Mlocked,
        OnFault = withWiring && OnFault,
        SegmentRecord = withWiring && SegmentRecord,
    };

    /// <inheritdoc/>
    public override string ToString() =>
        $"[0x{Start:x}, 0x{End:x}) {Protection} wired={WiredCount}{(Mlocked ? "+M" : "")}";
}
