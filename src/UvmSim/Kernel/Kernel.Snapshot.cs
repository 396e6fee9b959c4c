using UvmSim.Objects;
using UvmSim.Snapshots;
using UvmSim.SysV;

namespace UvmSim.Kernel;

// Snapshots (docs/performance.md, "Snapshots"): an exact, independent copy of the kernel,
// from which a successor state is computed instead of replaying the calls that led here.
// Every layer copies its own state beside its type (X.Snapshot.cs); this puts them together
// in an order where everything a copy names already exists: the machine (frames, owners,
// and through them every object and anon), the processes (maps, entries, amaps, pmaps),
// the SysV table and the transient handles, then the pv lists and the amaps' users.
// The switches' strategies hold no state of their own and are built anew for the copy
// (the constructor both share).
public sealed partial class Kernel
{
    private Kernel(Kernel source, CloneMap map)
        : this(source.Vm.Copy(map))
    {
        map.Add(source, this);
        _processes = DictionaryCopy.Of(source._processes, Process.CopyOf, map);
        _forking = source._forking is { } forking ? Process.CopyOf(forking, map) : null;
        _files = source._files is null ? null : DictionaryCopy.Of(source._files, UvmObject.CopyOf, map);
        Shm = source.Shm.Copy(this, map);
        if (SysvLock is SysV.ShmemSysvLock shmem)
        {
            shmem.CopyFrom((SysV.ShmemSysvLock)source.SysvLock);
        }
        _handles = source._handles is null ? null : DictionaryCopy.Of(source._handles, TransientHandle.CopyOf, map);
        _nextPid = source._nextPid;
        _nextHandle = source._nextHandle;
        PanicMessage = source.PanicMessage;
        Vm.FinishCopy(source.Vm, map);
        map.Finish();
    }

    /// <summary>
    /// An exact, independent copy of this kernel: the same state, and the same future for
    /// the same calls (frame numbers, stamps, pids, segment ids, walk orders), as the
    /// kernel it was copied from. <paramref name="map"/> is scratch a caller may reuse.
    /// </summary>
    public Kernel Copy(CloneMap? map = null)
    {
        map ??= new CloneMap();
        map.Clear();
        var copy = new Kernel(this, map);
        return copy;
    }

}
