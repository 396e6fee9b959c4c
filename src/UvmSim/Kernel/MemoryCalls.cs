using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Policies;
using UvmSim.Wiring;

namespace UvmSim.Kernel;

/// <summary><c>mmap</c> flag bits with NetBSD's values.</summary>
[Flags]
public enum MapFlags : ulong
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary><c>MAP_SHARED</c>.</summary>
    Shared = 0x1,
    /// <summary><c>MAP_PRIVATE</c>.</summary>
    Private = 0x2,
    /// <summary><c>MAP_FIXED</c>.</summary>
    Fixed = 0x10,
    /// <summary><c>MAP_WIRED</c>.</summary>
    Wired = 0x800,
    /// <summary><c>MAP_ANON</c>.</summary>
    Anon = 0x1000,
}

// mmap, munmap, mprotect, minherit, brk, touch (uvm_mmap.c).
public sealed partial class Kernel
{
    /// <summary>An empty list to walk where a call gathered no entries; never written.</summary>
    private static readonly List<MapEntry> s_noEntries = [];

    /// <summary>
    /// Maps memory (<c>sys_mmap</c>, SPEC §5.2): anonymous or a file, private or shared, at
    /// a hint or a fixed address; wired at creation with <c>MAP_WIRED</c> or under
    /// <c>WireFuture</c> unless <c>PROT_NONE</c>.
    /// </summary>
    public SysResult Mmap(Process p, ulong len, Protection prot, MapFlags flags, ulong addr = 0, string? file = null, ulong offset = 0) => Policy.Syscalls switch
    {
        SyscallsSwitch.Netbsd => NetbsdMmap(p, len, prot, flags, addr, file, offset),
        SyscallsSwitch.Linux => LinuxMmap(p, len, prot, flags, addr, file, offset),
        _ => throw new NotSupportedException($"syscalls={Policy.Syscalls}"),
    };

    private SysResult NetbsdMmap(Process p, ulong len, Protection prot, MapFlags flags, ulong addr, string? file, ulong offset)
    {
        bool shared = (flags & MapFlags.Shared) != 0;
        bool anon = (flags & MapFlags.Anon) != 0;
        bool fixedAddr = (flags & MapFlags.Fixed) != 0;
        VmMap map = p.Space.Map;
        if ((shared && (flags & MapFlags.Private) != 0) || anon == (file is not null) || len == 0 || (offset & PageMask) != 0)
        {
            return Errno.EINVAL;
        }
        if (fixedAddr && ((addr & PageMask) != 0 || addr < map.Min))
        {
            return Errno.EINVAL;
        }
        FileObject? fobj = null;
        if (file is not null && !Files.TryGetValue(file, out fobj))
        {
            return Errno.EINVAL;
        }
        ulong size = RoundUp(len, out bool wrapped);
        if (wrapped || size == 0)
        {
            return Errno.ENOMEM;
        }
        if (fixedAddr && addr + size > map.Max && addr + size >= addr)
        {
            return Errno.EFBIG;
        }
        if (fixedAddr && addr + size < addr)
        {
            return Errno.EOVERFLOW;
        }
        Protection max = shared && fobj is { ReadOnly: true } ? Protection.Read | Protection.Execute : Protection.All;
        if ((prot & ~max) != 0)
        {
            return Errno.EACCES;
        }
        bool wire = ((flags & MapFlags.Wired) != 0 || map.WireFuture) && (prot != Protection.None || Wiring.WiresProtNone);
        ulong start;
        if (fixedAddr)
        {
            start = addr;
            if (wire && Accounting.TestsBeforeReplacing && LimitError(p, start, start + size) != Errno.None)
            {
                return Errno.ENOMEM;
            }
            Unmap(p, start, start + size);
        }
        else
        {
            if (Placement.Find(map, size, addr) is not { } found)
            {
                return Errno.ENOMEM;
            }
            start = found;
        }
        if (wire && (!fixedAddr || !Accounting.TestsBeforeReplacing)
            && LimitError(p, start, start + size) != Errno.None)
        {
            return Errno.ENOMEM; // relock-counts=yes: a fixed mapping leaves a hole (§15)
        }
        InsertMapping(p, start, size, prot, max, shared, fobj, offset);
        if (wire)
        {
            Errno err = Wiring.WireNewEntry(p.Space, start, start + size, (flags & MapFlags.Wired) == 0 && map.FutureOnFault);
            if (err != Errno.None)
            {
                Unmap(p, start, start + size); // a fault error leaves the replaced range unmapped (§15)
                return err;
            }
            p.PosixLocked.Add(start, start + size);
        }
        return SysResult.Success(start);
    }

    /// <summary>Inserts a new mapping's entry, merging with neighbours where allowed.</summary>
    private void InsertMapping(Process p, ulong start, ulong size, Protection prot, Protection max, bool shared, FileObject? fobj, ulong offset)
    {
        var entry = new MapEntry(start, start + size)
        {
            Protection = prot,
            MaxProtection = max,
            Inheritance = shared ? Inheritance.Share : Inheritance.Copy,
            CopyOnWrite = !shared,
            NeedsCopy = !shared,
        };
        if (fobj is not null)
        {
            entry.Object = fobj;
            entry.Offset = offset;
            fobj.RefCount++;
        }
        else if (shared)
        {
            entry.Object = Vm.NewObject(new AnonObject(Vm.PagesOf(size)));
        }
        p.Space.Map.InsertMerging(entry);
    }

    /// <summary>Sets one (clipped) entry's protection, dropping or lowering translations as x86 does.</summary>
    private void SetProtection(Process p, MapEntry e, Protection prot)
    {
        Protection old = e.Protection;
        e.Protection = prot;
        if (prot == Protection.None)
        {
            Wiring.BeforeTranslationsRemoved(p.Space, e);
            p.Space.Pmap.Remove(e.Start, e.End);
        }
        else if ((old & ~prot) != 0)
        {
            p.Space.Pmap.Protect(e.Start, e.End, prot);
        }
        Wiring.Reprotected(p.Space, e, old);
    }

    /// <summary>Unmaps (<c>sys_munmap</c>): clips at both ends, ignores holes, really-unwires.</summary>
    public SysResult Munmap(Process p, ulong addr, ulong len) => Policy.Syscalls switch
    {
        SyscallsSwitch.Netbsd => NetbsdMunmap(p, addr, len),
        SyscallsSwitch.Linux => LinuxMunmap(p, addr, len),
        _ => throw new NotSupportedException($"syscalls={Policy.Syscalls}"),
    };

    private SysResult NetbsdMunmap(Process p, ulong addr, ulong len)
    {
        bool ok = Normalize(p, addr, len, out ulong start, out ulong end);
        if (start == end && !RejectsWrap(addr, len))
        {
            return SysResult.Success(); // NetBSD tests the zero length first
        }
        if (!ok)
        {
            return Errno.EINVAL;
        }
        Unmap(p, start, end);
        return SysResult.Success();
    }

    /// <summary>
    /// Removes every entry in <c>[start, end)</c> (<c>uvm_unmap</c>): really-unwire, drop
    /// translations, release amaps and objects. <paramref name="only"/> restricts it to the
    /// entries of one object (a segment's, for <c>sysv=segment</c>'s <c>shmdt</c>): an object, not
    /// a predicate, so the call allocates no closure (issue 17).
    /// </summary>
    internal void Unmap(Process p, ulong start, ulong end, UvmObject? only = null)
    {
        VmMap map = p.Space.Map;
        ((Pageable)Wiring).ReallyUnwire(p.Space, start, end, only);
        if (only is null)
        {
            p.PosixLocked.Remove(start, end);
        }
        MapEntry? e = map.LookupAtOrAfter(start);
        if (e is not null && e.Start < start && (only is null || e.Object == only))
        {
            e = map.ClipStart(e, start);
        }
        while (e is not null && e.Start < end)
        {
            MapEntry? next = e.Next;
            if (only is null || e.Object == only)
            {
                map.ClipEnd(e, end);
                next = e.Next;
                if (only is not null)
                {
                    p.PosixLocked.Remove(e.Start, e.End);
                }
                map.Remove(e);
                p.Space.Pmap.Remove(e.Start, e.End);
                Vm.ReleaseEntry(e);
            }
            e = next;
        }
        Shm.Reap();
    }

    /// <summary>
    /// Changes protection (<c>sys_mprotect</c>). Keeps the clip at <paramref name="addr"/> even
    /// on failure; <c>PROT_NONE</c> removes translations as x86 does; under <c>WireFuture</c>
    /// an entry becoming accessible is wired (POSIX, no limit check).
    /// </summary>
    public SysResult Mprotect(Process p, ulong addr, ulong len, Protection prot) => Policy.Syscalls switch
    {
        SyscallsSwitch.Netbsd => NetbsdMprotect(p, addr, len, prot),
        SyscallsSwitch.Linux => LinuxMprotect(p, addr, len, prot),
        _ => throw new NotSupportedException($"syscalls={Policy.Syscalls}"),
    };

    private SysResult NetbsdMprotect(Process p, ulong addr, ulong len, Protection prot)
    {
        if (!Normalize(p, addr, len, out ulong start, out ulong end))
        {
            return Errno.EINVAL;
        }
        VmMap map = p.Space.Map;
        MapEntry? first = map.ClipAt(start); // kept on failure, also for len 0 (§15)
        for (MapEntry? e = first; e is not null && e.Start < end; e = e.Next)
        {
            if ((prot & ~e.MaxProtection) != 0)
            {
                return Errno.EACCES;
            }
        }
        List<MapEntry>? toWire = null; // made for the first entry to wire: most calls wire none (issue 17)
        for (MapEntry? e = first; e is not null && e.Start < end; e = e.Next)
        {
            map.ClipEnd(e, end);
            Protection old = e.Protection;
            SetProtection(p, e, prot);
            // NetBSD wires an entry made accessible under WireFuture; where new entries are
            // locked whatever their protection (flag), WireFuture plays no part here (D1).
            if (map.WireFuture && old == Protection.None && prot != Protection.None && !e.IsWired && !Wiring.WiresProtNone)
            {
                (toWire ??= []).Add(e);
            }
        }
        bool failed = false;
        foreach (MapEntry e in toWire ?? s_noEntries)
        {
            if (Wiring.Wire(p.Space, e.Start, e.End, WireFlags.Posix) != Errno.None)
            {
                failed = true;
            }
            else
            {
                p.PosixLocked.Add(e.Start, e.End);
            }
        }
        return failed ? Errno.ENOMEM : SysResult.Success();
    }

    /// <summary>Sets inheritance (<c>sys_minherit</c>): clips at both ends, skips holes.</summary>
    public SysResult Minherit(Process p, ulong addr, ulong len, Inheritance inheritance) => Policy.Syscalls switch
    {
        SyscallsSwitch.Netbsd => NetbsdMinherit(p, addr, len, inheritance),
        SyscallsSwitch.Linux => LinuxMinherit(p, addr, len, inheritance),
        _ => throw new NotSupportedException($"syscalls={Policy.Syscalls}"),
    };

    private SysResult NetbsdMinherit(Process p, ulong addr, ulong len, Inheritance inheritance)
    {
        if (!Normalize(p, addr, len, out ulong start, out ulong end))
        {
            return Errno.EINVAL;
        }
        VmMap map = p.Space.Map;
        for (MapEntry? e = map.ClipAt(start); e is not null && e.Start < end; e = e.Next)
        {
            map.ClipEnd(e, end);
            e.Inheritance = inheritance;
        }
        return SysResult.Success();
    }

    /// <summary>
    /// Grows the heap (<c>sys_obreak</c>): a private anonymous rw region with its amap and
    /// without <c>NeedsCopy</c>; never wired, even under <c>WireFuture</c>.
    /// =&gt; the start of the new part.
    /// </summary>
    public SysResult Brk(Process p, ulong len) => Policy.Syscalls switch
    {
        SyscallsSwitch.Netbsd => NetbsdBrk(p, len),
        SyscallsSwitch.Linux => LinuxBrk(p, len),
        _ => throw new NotSupportedException($"syscalls={Policy.Syscalls}"),
    };

    /// <summary>
    /// Where a heap starts at its first <c>brk</c>: the machine's heap start when one is set
    /// (<see cref="Physical.MachineConfig.HeapStart"/>: the heap does not move, so an occupied
    /// start fails later as a taken range), else the first fit (SPEC §3.5).
    /// </summary>
    internal ulong? HeapBase(VmMap map, ulong size) => Vm.Config.HeapStart ?? map.FindSpace(Math.Max(size, 1), map.Min);

    private SysResult NetbsdBrk(Process p, ulong len)
    {
        ulong size = RoundUp(len, out bool wrapped);
        if (wrapped)
        {
            return Errno.ENOMEM;
        }
        VmMap map = p.Space.Map;
        ulong start;
        if (p.HeapStart is null)
        {
            if (HeapBase(map, size) is not { } found)
            {
                return Errno.ENOMEM;
            }
            start = found;
            p.HeapStart = start;
            p.HeapEnd = start;
        }
        else
        {
            start = p.HeapEnd;
        }
        if (size == 0)
        {
            return SysResult.Success(start);
        }
        if (start + size < start || !map.IsFree(start, start + size))
        {
            return Errno.ENOMEM;
        }
        var heap = new MapEntry(start, start + size)
        {
            Protection = Protection.ReadWrite,
            MaxProtection = Protection.All,
            Inheritance = Inheritance.Copy,
            CopyOnWrite = true,
            Amap = new Amap(Vm.PageShift),
        };
        heap.Amap.AddUser(heap);
        map.InsertMerging(heap);
        p.HeapEnd = start + size;
        return SysResult.Success(start);
    }

    /// <summary>A user access to each page of the range (a page fault per page, §3.4).</summary>
    public SysResult Touch(Process p, ulong addr, ulong len, bool write)
    {
        if (!Normalize(p, addr, len, out ulong start, out ulong end))
        {
            return Errno.EFAULT;
        }
        Protection access = write ? Protection.Write : Protection.Read;
        for (ulong va = start; va < end; va += (ulong)PageSize)
        {
            Errno err = Faults.Fault(p.Space, va, access);
            if (err != Errno.None)
            {
                return err;
            }
        }
        return SysResult.Success();
    }
}
