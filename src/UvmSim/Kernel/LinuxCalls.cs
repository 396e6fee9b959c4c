using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Wiring;

namespace UvmSim.Kernel;

// syscalls=linux (SPEC §17.7): the Linux order of argument checks and errnos for the
// memory calls (mm/mlock.c, mm/mmap.c, mm/mprotect.c, mm/madvise.c). Each call validates in
// Linux's order and then delegates to the same wiring, accounting and placement types as the
// NetBSD layer; what a failure leaves changed is the wiring switch's business.
public sealed partial class Kernel
{
    /// <summary><c>mlock2</c>'s <c>MLOCK_ONFAULT</c>.</summary>
    public const ulong MlockOnFault = 1;

    /// <summary>Linux's <c>can_do_mlock</c>: a soft limit of 0 bytes forbids locking without <c>ipc_lock</c>.</summary>
    private bool CanDoMlock(Process p) => p.MemlockSoft != 0 || Privilege.IgnoresMemlockLimit(p);

    /// <summary>The soft limit in whole pages (L of SPEC §17.4).</summary>
    private ulong LimitPages(Process p) => p.MemlockSoft / (ulong)PageSize;

    /// <summary>Whether <paramref name="pages"/> more locked pages on top of <paramref name="locked"/> bytes stay within L.</summary>
    private bool WithinLimit(Process p, ulong pages, ulong locked) =>
        Privilege.IgnoresMemlockLimit(p) || (pages + locked / (ulong)PageSize >= pages && pages + locked / (ulong)PageSize <= LimitPages(p));

    /// <summary>Linux's normalisation: start rounded down, length grown by the offset and rounded up, wrapping (<c>PAGE_ALIGN</c>).</summary>
    private (ulong Start, ulong Size) LinuxRange(ulong addr, ulong len)
    {
        ulong start = addr & ~PageMask;
        ulong size = (len + (addr & PageMask) + PageMask) & ~PageMask;
        return (start, size);
    }

    /// <summary><c>do_mlock</c> (A.2): EPERM, the limit, then the walk and population.</summary>
    private SysResult LinuxMlock(Process p, ulong addr, ulong len, bool onFault)
    {
        if (!CanDoMlock(p))
        {
            return Errno.EPERM;
        }
        if (RejectsWrap(addr, len))
        {
            return Errno.EINVAL;
        }
        (ulong start, ulong size) = LinuxRange(addr, len);
        ulong end = start + size;
        if (!Privilege.IgnoresMemlockLimit(p))
        {
            // locked = len/P + locked_vm; over the limit, subtract what is locked already.
            ulong pages = size / (ulong)PageSize;
            var (request, locked) = Accounting.ForRange(p, start, end < start ? ulong.MaxValue & ~PageMask : end);
            if (!WithinLimit(p, pages, locked) && !WithinLimit(p, request / (ulong)PageSize, locked))
            {
                return Errno.ENOMEM;
            }
        }
        if (end < start)
        {
            return Errno.EINVAL;
        }
        Errno err = Wiring.Wire(p.Space, start, end, WireFlags.Posix | (onFault ? WireFlags.OnFault : 0));
        if (err == Errno.None && end > start)
        {
            p.PosixLocked.Add(start, end);
        }
        return err == Errno.EFAULT ? Errno.ENOMEM : err;
    }

    /// <summary><c>munlock</c>: no EPERM and no limit; the walk only.</summary>
    private SysResult LinuxMunlock(Process p, ulong addr, ulong len)
    {
        if (RejectsWrap(addr, len))
        {
            return Errno.EINVAL;
        }
        (ulong start, ulong size) = LinuxRange(addr, len);
        ulong end = start + size;
        if (end < start)
        {
            return Errno.EINVAL;
        }
        Errno err = Wiring.Unwire(p.Space, start, end, WireFlags.Posix);
        if (err == Errno.None)
        {
            p.PosixLocked.Remove(start, end);
        }
        return err == Errno.None ? SysResult.Success() : Errno.ENOMEM;
    }

    /// <summary><c>mlockall</c> (A.3): flags, EPERM, the <c>total_vm</c> test, then <c>apply_mlockall_flags</c>.</summary>
    private SysResult LinuxMlockall(Process p, ulong flags)
    {
        const ulong known = (ulong)(MclFlags.Current | MclFlags.Future | MclFlags.OnFault);
        if (flags == 0 || (flags & ~known) != 0 || flags == (ulong)MclFlags.OnFault)
        {
            return Errno.EINVAL;
        }
        if (!CanDoMlock(p))
        {
            return Errno.EPERM;
        }
        bool current = (flags & (ulong)MclFlags.Current) != 0;
        Errno err = Wiring.WireAll(p.Space, (int)flags, new LinuxAllLimits(this, p));
        if (err != Errno.None)
        {
            return err;
        }
        p.ImageLocked = current;
        if (current)
        {
            foreach (MapEntry e in p.Space.Map.Entries)
            {
                if (e.Protection != Protection.None)
                {
                    p.PosixLocked.Add(e.Start, e.End);
                }
            }
        }
        return SysResult.Success();
    }

    /// <summary>Whether a new locked entry of <paramref name="size"/> bytes passes <c>mlock_future_ok</c>.</summary>
    internal bool FutureOk(Process p, ulong size) => WithinLimit(p, size / (ulong)PageSize, Accounting.Locked(p));

    /// <summary><c>mmap</c> in Linux's order (SPEC §17.7's table); nothing changes on failure (C5).</summary>
    private SysResult LinuxMmap(Process p, ulong len, Protection prot, MapFlags flags, ulong addr, string? file, ulong offset)
    {
        bool shared = (flags & MapFlags.Shared) != 0, priv = (flags & MapFlags.Private) != 0;
        bool anon = (flags & MapFlags.Anon) != 0, fixedAddr = (flags & MapFlags.Fixed) != 0;
        VmMap map = p.Space.Map;
        if ((offset & PageMask) != 0)
        {
            return Errno.EINVAL;
        }
        FileObject? fobj = null;
        if (!anon && (file is null || !Files.TryGetValue(file, out fobj)))
        {
            return Errno.EBADF;
        }
        if (len == 0)
        {
            return Errno.EINVAL;
        }
        ulong size = RoundUp(len, out bool wrapped);
        if (wrapped || size == 0)
        {
            return Errno.ENOMEM;
        }
        if (offset + size < offset)
        {
            return Errno.EOVERFLOW;
        }
        ulong start;
        if (fixedAddr)
        {
            if ((addr & PageMask) != 0)
            {
                return Errno.EINVAL;
            }
            if (addr + size < addr || addr + size > map.Max)
            {
                return Errno.ENOMEM;
            }
            if (addr < map.Min)
            {
                return Errno.EPERM;
            }
            start = addr;
        }
        else if (Placement.Find(map, size, addr) is { } found)
        {
            start = found;
        }
        else
        {
            return Errno.ENOMEM;
        }
        bool wiredFlag = (flags & MapFlags.Wired) != 0;
        bool wire = (wiredFlag || map.WireFuture) && (prot != Protection.None || Wiring.WiresProtNone);
        if (wiredFlag && !CanDoMlock(p))
        {
            return Errno.EPERM;
        }
        if (wire && !FutureOk(p, size))
        {
            return Errno.EAGAIN; // not overlap-aware: a fixed mapping's replaced locks still count (C5)
        }
        if (!anon)
        {
            shared = shared || false;
            if (!shared && !priv)
            {
                return Errno.EINVAL;
            }
            if (shared && fobj!.ReadOnly && (prot & Protection.Write) != 0)
            {
                return Errno.EACCES;
            }
        }
        else if (shared == priv)
        {
            return Errno.EINVAL;
        }
        Protection max = shared && fobj is { ReadOnly: true } ? Protection.Read | Protection.Execute : Protection.All;
        if (fixedAddr)
        {
            Unmap(p, start, start + size);
        }
        InsertMapping(p, start, size, prot, max, shared, fobj, offset);
        if (wire)
        {
            Wiring.WireNewEntry(p.Space, start, start + size, !wiredFlag && map.FutureOnFault);
        }
        return SysResult.Success(start);
    }

    /// <summary><c>munmap</c> (<c>do_vmi_munmap</c>): unaligned, empty, or beyond the top is EINVAL; holes are fine.</summary>
    private SysResult LinuxMunmap(Process p, ulong addr, ulong len)
    {
        ulong size = (len + PageMask) & ~PageMask;
        if ((addr & PageMask) != 0 || size == 0 || addr + size < addr || addr + size > p.Space.Map.Max)
        {
            return Errno.EINVAL;
        }
        Unmap(p, Math.Max(addr, p.Space.Map.Min), addr + size);
        return SysResult.Success();
    }

    /// <summary>
    /// The range prologue <c>mprotect</c> and <c>madvise</c> share: an unaligned start is EINVAL,
    /// a zero length succeeds at once, and a rounded end at or below the start is
    /// <paramref name="wrap"/>. =&gt; false with <paramref name="early"/> the call's answer.
    /// </summary>
    private bool AdviceRange(ulong addr, ulong len, Errno wrap, out ulong end, out SysResult early)
    {
        end = addr + ((len + PageMask) & ~PageMask);
        early = (addr & PageMask) != 0 ? Errno.EINVAL : len == 0 ? SysResult.Success() : end <= addr ? wrap : SysResult.Success();
        return (addr & PageMask) == 0 && len != 0 && end > addr;
    }

    /// <summary><c>mprotect</c> (<c>do_mprotect_pkey</c>): entries before a failure keep their change (E2, A17).</summary>
    private SysResult LinuxMprotect(Process p, ulong addr, ulong len, Protection prot)
    {
        if (!AdviceRange(addr, len, Errno.ENOMEM, out ulong end, out SysResult early))
        {
            return early;
        }
        VmMap map = p.Space.Map;
        if (map.Lookup(addr) is null)
        {
            return Errno.ENOMEM;
        }
        ulong reached = addr;
        FlagChangeMerge merge = FlagChangeMerge.For(Policy.Syscalls);
        for (MapEntry? e = map.LookupAtOrAfter(addr); e is not null && e.Start < end; e = e.Next)
        {
            if (e.Start > reached)
            {
                return Errno.ENOMEM;
            }
            if ((prot & ~e.MaxProtection) != 0)
            {
                return Errno.EACCES; // checked before mprotect_fixup splits anything
            }
            if (e.Protection == prot)
            {
                reached = e.End; // mprotect_fixup: unchanged flags leave the VMA whole
                continue;
            }
            MapEntry c = map.ClipStart(e, addr);
            bool whole = ReferenceEquals(c, e) && c.End <= end;
            map.ClipEnd(c, end);
            SetProtection(p, c, prot);
            e = merge.AfterChange(map, c, whole);
            reached = e.End;
        }
        return reached < end ? Errno.ENOMEM : SysResult.Success();
    }

    /// <summary>
    /// <c>minherit</c> as <c>madvise</c> (SPEC §17.7): each mapped part changes, a refused
    /// inheritance stops with EINVAL, and holes give ENOMEM at the end (A21).
    /// </summary>
    private SysResult LinuxMinherit(Process p, ulong addr, ulong len, Inheritance inheritance)
    {
        if (!AdviceRange(addr, len, Errno.EINVAL, out ulong end, out SysResult early))
        {
            return early;
        }
        VmMap map = p.Space.Map;
        ulong reached = addr;
        bool hole = false;
        for (MapEntry? e = map.ClipAt(addr); e is not null && e.Start < end; e = e.Next)
        {
            hole |= e.Start > reached;
            bool refused = inheritance switch
            {
                Inheritance.Zero => !e.CopyOnWrite || e.Object is not null,
                Inheritance.Share => e.CopyOnWrite,
                Inheritance.Copy => !e.CopyOnWrite,
                Inheritance.None => false,
                _ => throw new NotSupportedException($"inheritance {inheritance}"),
            };
            if (refused)
            {
                return Errno.EINVAL;
            }
            map.ClipEnd(e, end);
            e.Inheritance = inheritance;
            reached = e.End;
        }
        return hole || reached < end ? Errno.ENOMEM : SysResult.Success();
    }

    /// <summary>
    /// <c>brk</c> (<c>check_brk_limits</c>, <c>do_brk_flags</c>): a page of gap below the next
    /// entry; under <c>WireFuture</c> the new part is locked and populated.
    /// </summary>
    private SysResult LinuxBrk(Process p, ulong len)
    {
        ulong size = RoundUp(len, out bool wrapped);
        if (wrapped)
        {
            return Errno.ENOMEM;
        }
        VmMap map = p.Space.Map;
        ulong start = p.HeapStart is null ? (HeapBase(map, size) ?? ulong.MaxValue) : p.HeapEnd;
        if (start == ulong.MaxValue)
        {
            return Errno.ENOMEM;
        }
        if (size == 0)
        {
            return NetbsdBrk(p, len);
        }
        ulong end = start + size;
        if (end < start || end > map.Max || !map.IsFree(start, Math.Min(end + (ulong)PageSize, map.Max)))
        {
            return Errno.ENOMEM;
        }
        if (map.WireFuture && !FutureOk(p, size))
        {
            return Errno.ENOMEM;
        }
        SysResult r = NetbsdBrk(p, len);
        if (r.Ok && map.WireFuture)
        {
            Wiring.WireNewEntry(p.Space, start, end, map.FutureOnFault);
        }
        return r;
    }

    /// <summary>Linux's <c>mlockall</c> limit test (everything the process would hold locked), as a struct: no closure per call.</summary>
    private readonly struct LinuxAllLimits(Kernel kernel, Process p) : Wiring.ILimitTest
    {
        public bool Ok() => kernel.WithinLimit(p, kernel.Accounting.ForAll(p) / (ulong)kernel.PageSize, 0);
    }
}
