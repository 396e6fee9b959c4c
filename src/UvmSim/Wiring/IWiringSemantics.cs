using UvmSim.Fault;
using UvmSim.Map;

namespace UvmSim.Wiring;

/// <summary>
/// Switch <c>wiring</c>: how entries record wirings (<c>uvm_map_pageable</c>,
/// <c>uvm_map_pageable_all</c>). Counter semantics (§4.1) keep one count for every
/// caller; split semantics (§4.2) keep the POSIX state in a bit.
/// </summary>
public interface IWiringSemantics
{
    /// <summary>Wires <c>[start, end)</c> (<c>uvm_map_pageable(..., FALSE, ...)</c>).</summary>
    Errno Wire(VmSpace space, ulong start, ulong end, WireFlags flags);

    /// <summary>Unwires <c>[start, end)</c> (<c>uvm_map_pageable(..., TRUE, ...)</c>).</summary>
    Errno Unwire(VmSpace space, ulong start, ulong end, WireFlags flags);

    /// <summary>
    /// <c>mlockall</c>/<c>munlockall</c> (<c>uvm_map_pageable_all</c>) with
    /// <paramref name="mclFlags"/> (1 current, 2 future; 0 unlocks everything).
    /// <paramref name="limitsOk"/> runs the §5.3 limit tests for <c>MCL_CURRENT</c>.
    /// </summary>
    Errno WireAll<TLimits>(VmSpace space, int mclFlags, TLimits limitsOk)
        where TLimits : ILimitTest;

    /// <summary>
    /// Whether a wired entry holds wirings only on the pages it has translations for, so a
    /// locked entry may hold absent pages (<c>flag</c>, SPEC §17.9), rather than on every page.
    /// </summary>
    bool FollowsTranslations { get; }

    /// <summary>Whether a new locked entry is locked whatever its protection (Linux), not only when accessible.</summary>
    bool WiresProtNone { get; }

    /// <summary>Whether fork copies a wired private entry's pages now (<c>amap_cow_now</c>) rather than sharing them copy-on-write.</summary>
    bool CopiesWiredAtFork { get; }

    /// <summary>
    /// Locks a just-created entry (<c>MAP_WIRED</c>, <c>WireFuture</c>). NetBSD wires it and an
    /// error undoes the mapping; under <c>flag</c> it is locked, populated, and the errors ignored.
    /// </summary>
    Errno WireNewEntry(VmSpace space, ulong start, ulong end, bool onFault);

    /// <summary>Called before an entry's translations are removed while it stays mapped (<c>mprotect(PROT_NONE)</c>).</summary>
    void BeforeTranslationsRemoved(VmSpace space, MapEntry entry);

    /// <summary>Called after <c>mprotect</c> changed an entry's protection from <paramref name="old"/>.</summary>
    void Reprotected(VmSpace space, MapEntry entry, Protection old);

    /// <summary>
    /// Whether <paramref name="entry"/> is POSIX-locked, as these semantics record it: what
    /// exact memlock accounting counts (§5.3). Split keeps a bit; counter cannot tell a lock
    /// from any other wiring, so every wired entry counts.
    /// </summary>
    bool IsPosixLocked(MapEntry entry);
}
