using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Wiring;

namespace UvmSim.SysV;

/// <summary>
/// NetBSD's sysv_shm before 1.141 (SPEC §8.2, <c>netbsd-8</c>, <c>thorpej-2019</c>): the
/// object plus a balanced map wiring through the caller's newest attachment. Unlock
/// unwires the object first, so a failed map step leaves it unwired but marked locked and
/// the next unlock underflows (S9, S13, S14).
/// </summary>
public sealed class LegacySysvLock(IShmHost kernel) : ISysvLock
{
    /// <inheritdoc/>
    public Errno Lock(IShmProcess caller, Segment segment)
    {
        if (segment.Locked || Newest(caller, segment) is not { } a)
        {
            return Errno.None;
        }
        if (ObjectWiring.Wire(kernel.Vm, segment) != Errno.None)
        {
            return Errno.EIO;
        }
        Errno err = kernel.Wiring.Wire(caller.Space, a.Va, a.Va + a.Size, WireFlags.None);
        if (err != Errno.None)
        {
            ObjectWiring.Unwire(kernel.Vm, segment);
            return err == Errno.EFAULT ? Errno.ENOMEM : err;
        }
        segment.Locked = true;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Unlock(IShmProcess caller, Segment segment)
    {
        if (!segment.Locked || Newest(caller, segment) is not { } a)
        {
            return Errno.None;
        }
        ObjectWiring.Unwire(kernel.Vm, segment);
        if (kernel.Wiring.Unwire(caller.Space, a.Va, a.Va + a.Size, WireFlags.None) != Errno.None)
        {
            return Errno.EIO; // still marked locked: the next SHM_UNLOCK underflows (§15)
        }
        segment.Locked = false;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Attached(IShmProcess p, Attachment attachment)
    {
        if (!attachment.Segment.Locked && !kernel.Shm.UsePhys)
        {
            return Errno.None;
        }
        Errno err = kernel.Wiring.Wire(p.Space, attachment.Va, attachment.Va + attachment.Size, WireFlags.None);
        return err == Errno.EFAULT ? Errno.ENOMEM : err;
    }

    /// <inheritdoc/>
    public void Forked(IShmProcess child) { }

    /// <inheritdoc/>
    public UvmObject? DetachFilter(Segment segment) => null;

    /// <summary>The caller's newest attachment of <paramref name="s"/> (attachments are listed newest first).</summary>
    private static Attachment? Newest(IShmProcess p, Segment s)
    {
        foreach (Attachment a in p.Attachments)
        {
            if (a.Segment == s)
            {
                return a;
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public void Destroying(Segment segment) { }

    /// <inheritdoc/>
    public bool CountsEntries => false;

    /// <inheritdoc/>
    public bool WiresResidentOnly => false;

    /// <inheritdoc/>
    public bool WiresObject => true;

    /// <inheritdoc/>
    /// <remarks>Never: it wires the object, and the newest attachment through its entry's own wired count, never a segment record (§8.2).</remarks>
    public bool? HoldsRecord(MapEntry entry, Segment segment) => false;
}
