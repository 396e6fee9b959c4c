using UvmSim.Map;
using UvmSim.Policies;

namespace UvmSim.Kernel;

// Kernel transient wiring: uvm_vslock / uvm_vsunlock (SPEC §7).
public sealed partial class Kernel
{
    private ulong _nextHandle = 1;

    /// <summary>
    /// Wires a user range for the kernel (physio, sysctl, <c>mincore</c>) without touching
    /// any entry's count or bit. On error nothing stays wired.
    /// =&gt; a handle for <see cref="Vsunlock"/>.
    /// </summary>
    public SysResult Vslock(Process p, ulong addr, ulong len, bool write)
    {
        if (!Normalize(p, addr, len, out ulong start, out ulong end))
        {
            return Errno.EFAULT;
        }
        bool held = Policy.Transient == TransientSwitch.Held;
        var frames = new List<int>();
        Protection access = write ? Protection.Write : Protection.Read;
        Errno err = held
            ? Faults.FaultWire(p.Space, start, end, access, useMax: false, frames)
            : FaultWireRecording(p, start, end, access, frames);
        if (err != Errno.None)
        {
            return err;
        }
        if (held)
        {
            foreach (int f in frames)
            {
                Vm.AddHold(f);
            }
        }
        var handle = new TransientHandle(_nextHandle++, p, start, end, frames);
        Handles[handle.Id] = handle;
        return SysResult.Success(handle.Id);
    }

    private Errno FaultWireRecording(Process p, ulong start, ulong end, Protection access, List<int> frames)
    {
        Errno err = Faults.FaultWire(p.Space, start, end, access, useMax: false);
        if (err == Errno.None)
        {
            for (ulong va = start; va < end; va += (ulong)PageSize)
            {
                if (p.Space.Map.Lookup(va) is { } e && Faults.PageAt(e, va) is var f and >= 0)
                {
                    frames.Add(f);
                }
            }
        }
        return err;
    }

    /// <summary>
    /// Releases a handle. By address (NetBSD) it fault-unwires the range as it is mapped now —
    /// panicking if its start was unmapped — and may run twice; held, it unwires exactly the
    /// frames it wired, freeing orphans that reach 0, and a second call is <c>EINVAL</c>.
    /// </summary>
    public SysResult Vsunlock(ulong handleId)
    {
        if (!Handles.TryGetValue(handleId, out TransientHandle? h) || !h.Process.Alive)
        {
            return Errno.EINVAL;
        }
        if (Policy.Transient == TransientSwitch.Address)
        {
            Faults.FaultUnwire(h.Process.Space, h.Start, h.End);
            h.AuditHolds = false;
            return SysResult.Success();
        }
        if (h.Released)
        {
            return Errno.EINVAL;
        }
        ReleaseHeld(h);
        return SysResult.Success();
    }

    private void ReleaseHeld(TransientHandle h)
    {
        foreach (int f in h.Frames)
        {
            Vm.DropHold(f);
            bool zero = Vm.Frames.Unwire(f);
            if (zero && Vm.Frames[f].State == Physical.FrameState.Orphaned)
            {
                Vm.Frames.ReleaseOrphan(f);
            }
        }
        Faults.ClearWiredBits(h.Process.Space, h.Start, h.End);
        h.Released = true;
        h.AuditHolds = false;
    }

    private void ReleaseHandlesOnExit(Process p)
    {
        foreach (TransientHandle h in Handles.Values)
        {
            if (h.Process != p)
            {
                continue;
            }
            if (Policy.Transient == TransientSwitch.Held && !h.Released)
            {
                ReleaseHeld(h);
            }
            h.AuditHolds = false;
        }
    }

    private void DropAuditHolds(Process p)
    {
        if (Policy.Transient != TransientSwitch.Address)
        {
            return;
        }
        foreach (TransientHandle h in Handles.Values)
        {
            if (h.Process == p)
            {
                h.AuditHolds = false;
            }
        }
    }
}
