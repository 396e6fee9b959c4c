namespace UvmSim.Wiring;

/// <summary>How a <c>SetPageable</c> call counts (SPEC §4).</summary>
[Flags]
public enum WireFlags
{
    /// <summary>A balanced wiring (SysV, kernel): one unwire per wire.</summary>
    None = 0,
    /// <summary>A POSIX lock: a state, not a count (mlock family, MAP_WIRED, WireFuture).</summary>
    Posix = 1,
    /// <summary>A §8.4 segment record: skips the <c>PROT_NONE</c> check.</summary>
    Record = 2,
    /// <summary>With <see cref="Posix"/>: <c>MLOCK_ONFAULT</c>, lock without populating (SPEC §17.2).</summary>
    OnFault = 4,
}
