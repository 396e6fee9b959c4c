using UvmSim.Undo;
using UvmSim.Fault;
using UvmSim.Map;
using UvmSim.Objects;

namespace UvmSim.Kernel;

// fork, exec, exit, setrlimit, pagedaemon (SPEC §3.5, §3.6).
public sealed partial class Kernel
{
    private const string AmapFile = "uvm_amap.c";

    /// <summary>
    /// Forks (<c>uvmspace_fork</c>): the child gets credentials, limits, the heap's start and
    /// end, a copy of the attachment list and a new map without <c>WireFuture</c>; wiring is never inherited
    /// except §8.4 records. Wired copy entries are copied now (<c>amap_cow_now</c>).
    /// =&gt; the child, or <c>EAGAIN</c> at <c>maxproc</c>.
    /// </summary>
    public SysResult Fork(Process parent, out Process? child)
    {
        child = null;
        if (_processes.Count >= Vm.Config.MaxProc)
        {
            return Errno.EAGAIN;
        }
        int pid = _nextPid;
        UndoLog.Set(this, ref _nextPid, pid + 1);
        var c = new Process(pid, parent.Uid, parent.Gid, parent.MemlockSoft, parent.MemlockHard, NewSpace(parent.Caps))
        {
            // uvmspace_fork copies vm_daddr and vm_dsize: the child's brk grows the same heap.
            HeapStart = parent.HeapStart,
            HeapEnd = parent.HeapEnd,
            Caps = parent.Caps,
        };
        UndoLog.Set(this, ref _forking, c);
        for (MapEntry? e = parent.Space.Map.First; e is not null; e = e.Next)
        {
            Errno err = CloneEntry(parent, c, e);
            if (err != Errno.None)
            {
                Unmap(c, c.Space.Map.Min, c.Space.Map.Max);
                UndoLog.Set(this, ref _forking, null);
                return err;
            }
        }
        UndoLog.Set(this, ref _forking, null);
        UndoLog.Touch(_processes);
        _processes[c.Pid] = c;
        child = c;
        Shm.Forked(parent, c);
        return SysResult.Success((ulong)c.Pid);
    }

    private Errno CloneEntry(Process parent, Process child, MapEntry e)
    {
        switch (e.Inheritance)
        {
            case Inheritance.None:
                return Errno.None;
            case Inheritance.Zero:
                child.Space.Map.Insert(new MapEntry(e.Start, e.End)
                {
                    Protection = e.Protection,
                    MaxProtection = e.MaxProtection,
                    Inheritance = e.Inheritance,
                    Advice = e.Advice,
                    CopyOnWrite = true,
                    NeedsCopy = true,
                });
                return Errno.None;
            case Inheritance.Share:
                if (e.CopyOnWrite)
                {
                    Faults.EnsureAmap(e); // the parent gets its own amap first (amap_copy)
                }
                child.Space.Map.Insert(Share(e));
                return Errno.None;
            default:
                return e.IsWired && Wiring.CopiesWiredAtFork ? CopyNow(child, e) : CopyOnWriteClone(parent, child, e);
        }
    }

    private MapEntry Share(MapEntry e)
    {
        MapEntry c = Clone(e);
        if (c.Amap is not null)
        {
            c.Amap.AddUser(c);
        }
        if (c.Object is not null)
        {
            c.Object.RefCount++;
        }
        return c;
    }

    private Errno CopyOnWriteClone(Process parent, Process child, MapEntry e)
    {
        MapEntry c = Share(e);
        c.CopyOnWrite = true;
        c.NeedsCopy = true;
        if (e.CopyOnWrite && e.Amap is not null)
        {
            // Both sides now share the amap copy-on-write; write access goes from the parent.
            e.NeedsCopy = true;
            parent.Space.Pmap.Protect(e.Start, e.End, Protection.Read | Protection.Execute);
        }
        child.Space.Map.Insert(c);
        return Errno.None;
    }

    /// <summary>
    /// <c>amap_cow_now</c>: the child of a wired copy entry gets private copies of every page
    /// the parent's amap holds, each of which must be resident and wired (SPEC §9).
    /// </summary>
    private Errno CopyNow(Process child, MapEntry e)
    {
        MapEntry c = Clone(e);
        c.CopyOnWrite = true;
        c.NeedsCopy = false;
        if (c.Object is not null)
        {
            c.Object.RefCount++;
        }
        if (e.Amap is null)
        {
            c.NeedsCopy = true; // a shared mapping made copy: a copy-on-write entry of the object
            c.Amap = null;
            child.Space.Map.Insert(c);
            return Errno.None;
        }
        long pages = Vm.PagesOf(e.Size);
        var amap = new Amap(Vm.PageShift);
        amap.AddUser(c);
        c.Amap = amap;
        c.AmapOffset = 0;
        child.Space.Map.Insert(c);
        foreach (var (slot, anon) in e.Amap.AnonsIn(e.AmapOffset, pages)) // fills the new amap; reclaim moves anons, not slots
        {
            if (!anon.Resident)
            {
                if (Vm.Frames.Diagnostics)
                {
                    throw new KernelPanic(KernelPanic.AssertionMessage("pg != NULL", AmapFile));
                }
                continue;
            }
            if (Vm.Frames[anon.Frame].WireCount == 0 && Vm.Frames.Diagnostics)
            {
                throw new KernelPanic(KernelPanic.AssertionMessage("pg->wire_count > 0", AmapFile));
            }
            Anon? copy = Vm.NewAnon();
            if (copy is null)
            {
                return Errno.ENOMEM;
            }
            amap[slot - e.AmapOffset] = copy;
        }
        return Errno.None;
    }

    private static MapEntry Clone(MapEntry e) => e.Clone(e.Start, e.End, withWiring: false);

    /// <summary>
    /// Replaces the program (<c>execve</c>): SysV detach, <c>WireFuture</c> cleared, every
    /// mapping really-unwired and removed, the heap forgotten; transient handles stay.
    /// </summary>
    public SysResult Exec(Process p)
    {
        Shm.DetachAll(p);
        p.Space.Map.WireFuture = false;
        p.Space.Map.FutureOnFault = false;
        p.ImageLocked = false;
        Unmap(p, p.Space.Map.Min, p.Space.Map.Max);
        p.PosixLocked.Clear();
        p.HeapStart = null;
        p.HeapEnd = 0;
        Transient.Execed(p, HandlesOf(p));
        return SysResult.Success();
    }

    /// <summary>Ends a process: SysV detach, unmap everything, transient handles as §7 says.</summary>
    public SysResult Exit(Process p)
    {
        Shm.DetachAll(p);
        Unmap(p, p.Space.Map.Min, p.Space.Map.Max);
        p.PosixLocked.Clear();
        Transient.Exited(p, HandlesOf(p));
        p.Alive = false;
        UndoLog.Touch(_processes);
        _processes.Remove(p.Pid);
        return SysResult.Success();
    }

    /// <summary>Sets <c>RLIMIT_MEMLOCK</c>: <c>EINVAL</c> soft &gt; hard, <c>EPERM</c> raising hard unprivileged.</summary>
    public SysResult SetMemlockLimit(Process p, ulong soft, ulong hard)
    {
        if (soft > hard)
        {
            return Errno.EINVAL;
        }
        if (hard > p.MemlockHard && !Privilege.RaisesHardLimit(p))
        {
            return Errno.EPERM;
        }
        p.MemlockSoft = soft;
        p.MemlockHard = hard;
        return SysResult.Success();
    }

    /// <summary>Runs the page daemon over at most <paramref name="pages"/> frames (all when null).</summary>
    public SysResult PageDaemon(ulong? pages) =>
        SysResult.Success((ulong)Vm.Reclaim(pages is { } n ? (long)Math.Min(n, long.MaxValue) : long.MaxValue, untilFree: false));
}
