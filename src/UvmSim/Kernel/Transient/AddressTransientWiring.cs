using UvmSim.Fault;

namespace UvmSim.Kernel.Transient;

/// <summary>
/// NetBSD's transient wiring (<c>transient=address</c>): a handle is only (process, start,
/// end). <c>vsunlock</c> fault-unwires whatever is mapped there now — panicking if the start
/// was unmapped meanwhile (S26) — and may run twice. <c>exec</c> and <c>exit</c> release
/// nothing: in NetBSD such wirings never outlive the system call.
/// </summary>
public sealed class AddressTransientWiring(FaultHandler faults) : ITransientWiring
{
    /// <inheritdoc/>
    public Errno Wire(VmSpace space, ulong start, ulong end, Map.Protection access, List<int> frames)
    {
        Errno err = faults.FaultWire(space, start, end, access, useMax: false);
        if (err != Errno.None)
        {
            return err;
        }
        // The kernel keeps no record; the auditor does (§10), of the frames wired now.
        MapEntryCursor cursor = default;
        for (ulong va = start; va < end; va += (ulong)space.Map.PageSize)
        {
            if (cursor.At(space, va) is { } e && faults.PageAt(e, va) is var f and >= 0)
            {
                frames.Add(f);
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Unwire(TransientHandle handle)
    {
        faults.FaultUnwire(handle.Process.Space, handle.Start, handle.End);
        handle.AuditHolds = false;
        return Errno.None;
    }

    /// <inheritdoc/>
    public void Exited(Process p, ProcessHandles handles) => Forget(handles);

    /// <inheritdoc/>
    public void Execed(Process p, ProcessHandles handles) => Forget(handles);

    /// <summary>The auditor stops counting the handle's frames (§10); the wirings stay: leak.</summary>
    private static void Forget(ProcessHandles handles)
    {
        foreach (TransientHandle h in handles)
        {
            h.AuditHolds = false;
        }
    }

    /// <summary>The entry containing an address, looked up only when the walk leaves the last one.</summary>
    private struct MapEntryCursor
    {
        private Map.MapEntry? _entry;

        public Map.MapEntry? At(VmSpace space, ulong va) =>
            _entry is not null && _entry.Contains(va) ? _entry : _entry = space.Map.Lookup(va);
    }
}
