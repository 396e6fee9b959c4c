using UvmSim.Undo;
using UvmSim.Map;

namespace UvmSim.Kernel;

// Kernel transient wiring: uvm_vslock / uvm_vsunlock (SPEC §7). What a handle remembers is
// the transient switch's business (Kernel/Transient/).
public sealed partial class Kernel
{
    private ulong _nextHandle = 1;

    /// <summary>Scratch for <see cref="Vslock"/>'s frames, one per thread (kernels of parallel jobs run at once): no state.</summary>
    [ThreadStatic]
    private static List<int>? t_frames;

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
        // The frames are gathered in a scratch list and the handle keeps an exact copy: a
        // list grown 4, 8, 16 as pages come cost more, and one sized to the range before the
        // wiring fails early cost more still (issue 17).
        List<int> scratch = t_frames ??= [];
        scratch.Clear();
        Errno err = Transient.Wire(p.Space, start, end, write ? Protection.Write : Protection.Read, scratch);
        if (err != Errno.None)
        {
            return err;
        }
        var frames = new List<int>(scratch.Count);
        frames.AddRange(scratch);
        ulong id = _nextHandle;
        UndoLog.Set(this, ref _nextHandle, id + 1);
        var handle = new TransientHandle(id, p, start, end, frames);
        UndoLog.Changing(this, ref _handles)[id] = handle;
        return SysResult.Success(handle.Id);
    }

    /// <summary>Releases a handle of a live process; <c>EINVAL</c> for an unknown handle or an exited process.</summary>
    public SysResult Vsunlock(ulong handleId) =>
        Handles.TryGetValue(handleId, out TransientHandle? h) && h.Process.Alive ? Transient.Unwire(h) : Errno.EINVAL;

    private Transient.ProcessHandles HandlesOf(Process p) => new(Handles, p);
}
