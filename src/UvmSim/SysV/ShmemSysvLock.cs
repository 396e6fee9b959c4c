using UvmSim.Undo;
using UvmSim.Map;
using UvmSim.Objects;

namespace UvmSim.SysV;

/// <summary>
/// Linux's shmem lock (SPEC §17.3, <c>sysv=shmem</c>; <c>shmctl_do_lock</c>, <c>shmem_lock</c>,
/// <c>user_shm_lock</c>): a mark on the segment plus a charge of ceil(size/P) pages to the
/// locker's uid, tested against the locker's soft limit. No entry is touched and nothing is
/// faulted in; the segment holds one wiring on each resident page of its object, and pages
/// created while it is locked are wired as they are created.
/// </summary>
public sealed partial class ShmemSysvLock(IShmHost kernel) : ISysvLock
{
    private Dictionary<uint, ulong> _charged = []; // replaced whole by a snapshot copy (ShmemSysvLock.Snapshot.cs)

    /// <summary>Pages charged to <paramref name="uid"/> by all its locked segments.</summary>
    public ulong ChargedTo(uint uid) => _charged.GetValueOrDefault(uid);

    /// <inheritdoc/>
    public Errno Lock(IShmProcess caller, Segment segment)
    {
        // shmctl_do_lock refuses a caller without CAP_IPC_LOCK whose limit is 0 before
        // shmem_lock looks at the segment, so locking a locked segment is EPERM too (found by
        // kernel --fuzz, docs/linux.md).
        bool exempt = kernel.IgnoresMemlockLimit(caller);
        if (!exempt && caller.MemlockSoft == 0)
        {
            return Errno.EPERM;
        }
        if (segment.Locked)
        {
            return Errno.None; // no charge, no nesting (E5)
        }
        ulong pages = segment.Size / (ulong)kernel.Vm.PageSize;
        ulong limit = caller.MemlockSoft / (ulong)kernel.Vm.PageSize;
        if (!exempt && ChargedTo(caller.Uid) + pages > limit)
        {
            return Errno.ENOMEM;
        }
        UndoLog.Touch(this);
        _charged[caller.Uid] = ChargedTo(caller.Uid) + pages;
        segment.ChargedUid = caller.Uid;
        foreach (var (_, frame) in segment.Object.Pages)
        {
            kernel.Vm.Frames.Wire(frame);
        }
        segment.Object.WiresNewPages = true;
        segment.Locked = true;
        segment.ObjectWired = true;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Unlock(IShmProcess caller, Segment segment)
    {
        if (segment.Locked)
        {
            Release(segment);
        }
        return Errno.None;
    }

    private void Release(Segment segment)
    {
        foreach (var (_, frame) in segment.Object.Pages)
        {
            kernel.Vm.Frames.Unwire(frame);
        }
        segment.Object.WiresNewPages = false;
        if (segment.ChargedUid is { } uid)
        {
            UndoLog.Touch(this);
            _charged[uid] = ChargedTo(uid) - segment.Size / (ulong)kernel.Vm.PageSize;
            segment.ChargedUid = null;
        }
        segment.Locked = false;
        segment.ObjectWired = false;
    }

    /// <inheritdoc/>
    public Errno Attached(IShmProcess p, Attachment attachment) => Errno.None;

    /// <inheritdoc/>
    public void Forked(IShmProcess child) { }

    /// <inheritdoc/>
    public UvmObject? DetachFilter(Segment segment) => null;

    /// <inheritdoc/>
    public void Destroying(Segment segment)
    {
        if (segment.Locked)
        {
            Release(segment); // shm_destroy uncharges
        }
    }

    /// <inheritdoc/>
    public bool CountsEntries => true;

    /// <inheritdoc/>
    public bool WiresResidentOnly => true;

    /// <inheritdoc/>
    /// <remarks>Its resident pages only (<see cref="WiresResidentOnly"/>).</remarks>
    public bool WiresObject => true;

    /// <inheritdoc/>
    /// <remarks>Never: it touches no entry (SPEC §17.3).</remarks>
    public bool? HoldsRecord(MapEntry entry, Segment segment) => null;
}
