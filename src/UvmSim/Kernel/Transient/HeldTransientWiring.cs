using UvmSim.Fault;
using UvmSim.Physical;

namespace UvmSim.Kernel.Transient;

/// <summary>
/// The held-frame transient wiring of <c>dual</c> (<c>transient=held</c>): a handle owns the
/// frames it wired. <c>vsunlock</c> unwires exactly those, even if the range was unmapped or
/// remapped meanwhile, freeing orphaned frames that reach 0 (§3.1); a released handle is
/// <c>EINVAL</c>. <c>exec</c> keeps handles; <c>exit</c> releases them.
/// </summary>
public sealed class HeldTransientWiring(Vm vm, FaultHandler faults) : ITransientWiring
{
    /// <inheritdoc/>
    public Errno Wire(VmSpace space, ulong start, ulong end, Map.Protection access, List<int> frames)
    {
        Errno err = faults.FaultWire(space, start, end, access, useMax: false, frames);
        if (err == Errno.None)
        {
            foreach (int f in frames)
            {
                vm.AddHold(f);
            }
        }
        return err;
    }

    /// <inheritdoc/>
    public Errno Unwire(TransientHandle handle)
    {
        if (handle.Released)
        {
            return Errno.EINVAL;
        }
        Release(handle);
        return Errno.None;
    }

    /// <inheritdoc/>
    public void Exited(Process p, ProcessHandles handles)
    {
        foreach (TransientHandle h in handles)
        {
            if (!h.Released)
            {
                Release(h);
            }
        }
    }

    /// <inheritdoc/>
    public void Execed(Process p, ProcessHandles handles)
    {
    }

    private void Release(TransientHandle h)
    {
        foreach (int f in h.Frames)
        {
            vm.DropHold(f);
            if (vm.Frames.Unwire(f) && vm.Frames[f].State == FrameState.Orphaned)
            {
                vm.Frames.ReleaseOrphan(f);
            }
        }
        faults.ClearWiredBits(h.Process.Space, h.Start, h.End);
        h.Released = true;
        h.AuditHolds = false;
    }
}
