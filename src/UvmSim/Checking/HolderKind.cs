namespace UvmSim.Checking;

/// <summary>
/// Where a frame's rule-2 holder comes from (SPEC §10 rule 2), so a trace can say who keeps a
/// page wired and not only how many do. The kinds partition the auditor's holder count.
/// </summary>
public enum HolderKind
{
    /// <summary>An <c>IsWired</c> entry mapping the page through its POSIX bit (<c>Mlocked</c>, split semantics §4.2).</summary>
    PosixEntry,
    /// <summary>An <c>IsWired</c> entry mapping the page through its balanced count alone (<c>WiredCount</c>: counter semantics, legacy SysV map wires, §8.4 records).</summary>
    BalancedEntry,
    /// <summary>The page belongs to a locked segment's object (the segment's lock, <c>ObjWire</c>, §8).</summary>
    SegmentRecord,
    /// <summary>A transient record (<c>vslock</c>, §7) still holds the frame.</summary>
    TransientRecord,
}
