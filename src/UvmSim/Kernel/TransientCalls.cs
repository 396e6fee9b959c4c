using UvmSim.Undo;
using UvmSim.Map;

namespace UvmSim.Kernel;

// Kernel transient wiring: uvm_vslock / uvm_vsunlock (SPEC §7). What a handle remembers is
// the transient switch's business (Kernel/Transient/).
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
        var frames = new List<int>();
        Errno err = Transient.Wire(p.Space, start, end, write ? Protection.Write : Protection.Read, frames);
        if (err != Errno.None)
        {
            return err;
        }
        UndoLog.Touch(this); // before _handles goes from null to a table, and the table changes
        var handle = new TransientHandle(_nextHandle++, p, start, end, frames);
        (_handles ??= [])[handle.Id] = handle;
        return SysResult.Success(handle.Id);
    }

    /// <summary>Releases a handle of a live process; <c>EINVAL</c> for an unknown handle or an exited process.</summary>
    public SysResult Vsunlock(ulong handleId) =>
        Handles.TryGetValue(handleId, out TransientHandle? h) && h.Process.Alive ? Transient.Unwire(h) : Errno.EINVAL;

    private Transient.ProcessHandles HandlesOf(Process p) => new(Handles, p);
}
