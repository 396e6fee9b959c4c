using UvmSim.Map;
using UvmSim.Fault;

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
    Errno WireAll(VmSpace space, int mclFlags, Func<bool> limitsOk);

    /// <summary>
    /// Whether <paramref name="entry"/> is POSIX-locked, as these semantics record it: what
    /// exact memlock accounting counts (§5.3). Split keeps a bit; counter cannot tell a lock
    /// from any other wiring, so every wired entry counts.
    /// </summary>
    bool IsPosixLocked(MapEntry entry);
}
