using UvmSim.Checking;

namespace UvmSim.Scenarios.Running;

/// <summary>
/// A frame's rule-2 holders by kind (SPEC §10; <see cref="HolderKind"/>): who keeps the page
/// wired. Their sum is what the auditor compares the frame's wire count with.
/// </summary>
public readonly record struct Holders(int Posix, int Balanced, int Segment, int Transient)
{
    /// <summary>All holders of the frame.</summary>
    public int Total => Posix + Balanced + Segment + Transient;
}

/// <summary>A frame whose wire count or holders a call changed.</summary>
public sealed record FrameStep(int Frame, int Before, int After, Holders HoldersBefore, Holders HoldersAfter);

/// <summary>A map entry's wiring state (SPEC §1, §4.2, §8.4).</summary>
public readonly record struct EntryWiring(bool Mlocked, int WiredCount, bool SegmentRecord);

/// <summary>
/// A map entry whose wiring a call changed, named by process and range; <c>null</c> on a side
/// means the entry did not exist (a clip ends one range and starts two).
/// </summary>
public sealed record EntryStep(int Pid, ulong Start, ulong End, EntryWiring? Before, EntryWiring? After);

/// <summary>A segment's lock mark, attach count and removal mark (SPEC §8).</summary>
public readonly record struct SegmentState(bool Locked, int Nattch, bool Removed);

/// <summary>A segment a call created, changed or freed; <c>null</c> on a side means it did not exist.</summary>
public sealed record SegmentStep(int Id, SegmentState? Before, SegmentState? After);

/// <summary>
/// What one traced call changed, as data (<c>run --trace --format json</c>, the HTML report):
/// the counters, every frame whose count or holders moved, every entry whose wiring moved, every
/// segment that changed, and the audit of the state the call left (SPEC §10).
/// </summary>
public sealed record TraceStep(
    long WiredBefore,
    long WiredAfter,
    int FreeBefore,
    int FreeAfter,
    IReadOnlyList<FrameStep> Frames,
    IReadOnlyList<EntryStep> Entries,
    IReadOnlyList<SegmentStep> Segments,
    IReadOnlyList<Violation> Violations,
    IReadOnlyList<string> Changes);
