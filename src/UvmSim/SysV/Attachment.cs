namespace UvmSim.SysV;

/// <summary>
/// One <c>shmat</c> of a segment by a process (an element of <c>shmmap_state</c>). It stays
/// listed when its range is unmapped or replaced (a *stale* attachment, SPEC §8.1).
/// </summary>
public sealed record Attachment(Segment Segment, ulong Va, ulong Size);
