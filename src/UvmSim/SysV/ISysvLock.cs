using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Policies;

namespace UvmSim.SysV;

/// <summary>
/// Switch <c>sysv</c>: what <c>SHM_LOCK</c>/<c>SHM_UNLOCK</c> wire, and what attaching and
/// forking do while a segment is locked (SPEC §8.2–§8.4).
/// </summary>
public interface ISysvLock
{
    /// <summary><c>shmctl(SHM_LOCK)</c> by a privileged caller.</summary>
    Errno Lock(IShmProcess caller, Segment segment);

    /// <summary><c>shmctl(SHM_UNLOCK)</c> by a privileged caller.</summary>
    Errno Unlock(IShmProcess caller, Segment segment);

    /// <summary>Wiring for a new attachment; an error undoes the <c>shmat</c>.</summary>
    Errno Attached(IShmProcess p, Attachment attachment);

    /// <summary>Wiring for a child's copied attachments.</summary>
    void Forked(IShmProcess child);

    /// <summary>Which entries <c>shmdt</c> unmaps: those of the returned object, or whatever is mapped there now for null.</summary>
    UvmObject? DetachFilter(Segment segment);

    /// <summary>
    /// Linux's segment model (SPEC §17.3): nattch counts attachment entries, there is no
    /// attachment list (so no stale attachment), and a segment marked for removal keeps
    /// answering by id until its last entry goes.
    /// </summary>
    bool CountsEntries { get; }

    /// <summary>The segment is about to be freed (<c>shm_destroy</c>).</summary>
    void Destroying(Segment segment);

    /// <summary>Whether a page the segment holds is wired only while resident (Linux) rather than all pages at once.</summary>
    bool WiresResidentOnly { get; }

    // ---- the promise the auditor checks (SPEC §10), so it needs no case per lock kind ----

    /// <summary>
    /// Whether a locked segment's object is wired: every page resident, each wired once for
    /// the lock (a holder and a lock record, §10 rules 2 and 6), and the segment's lock mark
    /// equal to its object's wired mark. A lock that only marks the segment says false.
    /// </summary>
    bool WiresObject { get; }

    /// <summary>
    /// Whether <paramref name="entry"/>, inside an attachment of <paramref name="segment"/>,
    /// must hold the segment's record (<see cref="MapEntry.SegmentRecord"/>), or null where
    /// this lock promises nothing about it.
    /// </summary>
    bool? HoldsRecord(MapEntry entry, Segment segment);
}

/// <summary>Chooses the lock variant for a switch value.</summary>
public static class SysvLocks
{
    /// <summary>The variant for <paramref name="value"/>.</summary>
    public static ISysvLock For(SysvSwitch value, IShmHost kernel) => value switch
    {
        SysvSwitch.Legacy => new LegacySysvLock(kernel),
        SysvSwitch.Object => new ObjectSysvLock(kernel),
        SysvSwitch.Segment => new SegmentSysvLock(kernel),
        SysvSwitch.Shmem => new ShmemSysvLock(kernel),
        _ => throw new NotSupportedException($"sysv={value} has no lock variant"),
    };
}
