using UvmSim.Map;
using UvmSim.Objects;

namespace UvmSim.SysV;

/// <summary>
/// NetBSD's sysv_shm 1.141 (SPEC §8.3, <c>netbsd-9</c>): the lock wires the object only;
/// no map entry is touched, so nothing a process does to its map can unbalance it.
/// </summary>
public sealed class ObjectSysvLock(IShmHost kernel) : ISysvLock
{
    /// <inheritdoc/>
    public Errno Lock(IShmProcess caller, Segment segment)
    {
        if (segment.Locked)
        {
            return Errno.None;
        }
        if (ObjectWiring.Wire(kernel.Vm, segment) != Errno.None)
        {
            return Errno.EIO;
        }
        segment.Locked = true;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Unlock(IShmProcess caller, Segment segment)
    {
        if (segment.Locked)
        {
            ObjectWiring.Unwire(kernel.Vm, segment);
            segment.Locked = false;
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Attached(IShmProcess p, Attachment attachment) => Errno.None;

    /// <inheritdoc/>
    public void Forked(IShmProcess child) { }

    /// <inheritdoc/>
    public UvmObject? DetachFilter(Segment segment) => null;

    /// <inheritdoc/>
    public void Destroying(Segment segment) { }

    /// <inheritdoc/>
    public bool CountsEntries => false;

    /// <inheritdoc/>
    public bool WiresResidentOnly => false;

    /// <inheritdoc/>
    public bool WiresObject => true;

    /// <inheritdoc/>
    /// <remarks>Never: it wires the object only; no entry ever holds a record (§8.3).</remarks>
    public bool? HoldsRecord(MapEntry entry, Segment segment) => false;
}
