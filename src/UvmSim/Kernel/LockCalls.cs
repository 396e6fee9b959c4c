using UvmSim.Map;
using UvmSim.Policies;
using UvmSim.Wiring;

namespace UvmSim.Kernel;

/// <summary><c>mlockall</c> flag bits.</summary>
[Flags]
public enum MclFlags : ulong
{
    /// <summary>No flags (an error for mlockall).</summary>
    None = 0,
    /// <summary><c>MCL_CURRENT</c>: lock what is mapped now.</summary>
    Current = 1,
    /// <summary><c>MCL_FUTURE</c>: lock what is mapped later.</summary>
    Future = 2,
}

// The POSIX wiring calls and their limits (SPEC §5.3).
public sealed partial class Kernel
{
    /// <summary>Locks a range (<c>sys_mlock</c>): a POSIX state, not a count.</summary>
    public SysResult Mlock(Process p, ulong addr, ulong len)
    {
        if (!Normalize(p, addr, len, out ulong start, out ulong end))
        {
            return Errno.ENOMEM;
        }
        Errno limit = LimitError(p, start, end, replacing: false, mlock: true);
        if (limit != Errno.None)
        {
            return limit;
        }
        Errno err = Wiring.Wire(p.Space, start, end, WireFlags.Posix);
        if (err == Errno.EFAULT)
        {
            return Errno.ENOMEM;
        }
        if (err == Errno.None)
        {
            p.PosixLocked.Add(start, end);
        }
        return err;
    }

    /// <summary>Unlocks a range (<c>sys_munlock</c>); any error is <c>ENOMEM</c>.</summary>
    public SysResult Munlock(Process p, ulong addr, ulong len)
    {
        if (!Normalize(p, addr, len, out ulong start, out ulong end))
        {
            return Errno.ENOMEM;
        }
        if (Wiring.Unwire(p.Space, start, end, WireFlags.Posix) != Errno.None)
        {
            return Errno.ENOMEM;
        }
        p.PosixLocked.Remove(start, end);
        return SysResult.Success();
    }

    /// <summary>Locks the address space (<c>sys_mlockall</c>).</summary>
    public SysResult Mlockall(Process p, ulong flags)
    {
        if (flags == 0 || (flags & ~(ulong)(MclFlags.Current | MclFlags.Future)) != 0)
        {
            return Errno.EINVAL;
        }
        Errno err = Wiring.WireAll(p.Space, (int)flags, () => AllLimitsOk(p));
        if (err == Errno.None && (flags & (ulong)MclFlags.Current) != 0)
        {
            foreach (MapEntry e in p.Space.Map.Entries)
            {
                if (e.Protection != Protection.None)
                {
                    p.PosixLocked.Add(e.Start, e.End);
                }
            }
        }
        return err;
    }

    /// <summary>Unlocks everything and clears <c>WireFuture</c> (<c>sys_munlockall</c>); never fails.</summary>
    public SysResult Munlockall(Process p)
    {
        Wiring.WireAll(p.Space, 0, static () => true);
        p.PosixLocked.Clear();
        return SysResult.Success();
    }

    /// <summary>Bytes the process holds locked, as <c>relock-counts</c> counts them (<c>check locked</c>).</summary>
    public ulong Locked(Process p)
    {
        if (Policy.RelockCounts == RelockCountsSwitch.Yes)
        {
            return (ulong)p.Space.Pmap.WiredCount * (ulong)PageSize;
        }
        ulong bytes = 0;
        foreach (MapEntry e in p.Space.Map.Entries)
        {
            if (IsPosixLocked(e))
            {
                bytes += e.Size;
            }
        }
        return bytes;
    }

    private bool IsPosixLocked(MapEntry e) => Policy.Wiring == WiringSwitch.Split ? e.Mlocked : e.WiredCount != 0;

    /// <summary>
    /// Limit tests (2) and (3) of §5.3 for a range: wiredmax gives EAGAIN for mlock, ENOMEM
    /// for mmap; so does the memlock limit. <paramref name="replacing"/>: a fixed mapping's
    /// old entries are about to go (exact accounting subtracts their locks).
    /// </summary>
    internal Errno LimitError(Process p, ulong start, ulong end, bool replacing, bool mlock = false)
    {
        Errno fail = mlock ? Errno.EAGAIN : Errno.ENOMEM;
        ulong request;
        ulong locked = Locked(p);
        bool exact = Policy.RelockCounts == RelockCountsSwitch.No;
        if (!exact)
        {
            request = end - start;
        }
        else
        {
            ulong lockedInRange = 0;
            for (MapEntry? e = p.Space.Map.LookupAtOrAfter(start); e is not null && e.Start < end; e = e.Next)
            {
                if (IsPosixLocked(e))
                {
                    lockedInRange += Math.Min(e.End, end) - Math.Max(e.Start, start);
                }
            }
            if (replacing)
            {
                locked -= lockedInRange;
                request = end - start;
            }
            else
            {
                request = end - start - lockedInRange;
            }
        }
        return LimitsOk(p, request, locked, exact, limitZeroDisables: !mlock) ? Errno.None : fail;
    }

    private bool AllLimitsOk(Process p)
    {
        bool exact = Policy.RelockCounts == RelockCountsSwitch.No;
        ulong request = 0;
        foreach (MapEntry e in p.Space.Map.Entries)
        {
            if (e.Protection != Protection.None && !(exact ? IsPosixLocked(e) : e.IsWired))
            {
                request += e.Size;
            }
        }
        return LimitsOk(p, request, Locked(p), exact, limitZeroDisables: true);
    }

    private bool LimitsOk(Process p, ulong request, ulong locked, bool exact, bool limitZeroDisables)
    {
        if (exact && request == 0)
        {
            return true;
        }
        if ((long)((request + PageMask) / (ulong)PageSize) + Vm.Stats.Wired > Vm.Stats.WiredMax)
        {
            return false;
        }
        ulong limit = p.MemlockSoft;
        if (limit == 0 && limitZeroDisables && !exact)
        {
            return true;
        }
        return request + locked <= limit && request + locked >= request;
    }
}
