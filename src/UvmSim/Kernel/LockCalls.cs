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
    /// <summary>Linux's <c>MCL_ONFAULT</c>: lock without populating (SPEC §17); EINVAL under <c>syscalls=netbsd</c>.</summary>
    OnFault = 4,
}

// The POSIX wiring calls and their limits (SPEC §5.3).
public sealed partial class Kernel
{
    /// <summary>Locks a range (<c>sys_mlock</c>): a POSIX state, not a count.</summary>
    public SysResult Mlock(Process p, ulong addr, ulong len) => Policy.Syscalls switch
    {
        SyscallsSwitch.Netbsd => NetbsdMlock(p, addr, len),
        SyscallsSwitch.Linux => LinuxMlock(p, addr, len, onFault: false),
        _ => throw new NotSupportedException($"syscalls={Policy.Syscalls}"),
    };

    /// <summary>
    /// Linux's <c>mlock2</c> (SPEC §17): flags beyond <c>MLOCK_ONFAULT</c> are EINVAL first;
    /// <c>ENOSYS</c> under <c>syscalls=netbsd</c>, which has no such call.
    /// </summary>
    public SysResult Mlock2(Process p, ulong addr, ulong len, ulong flags) => Policy.Syscalls switch
    {
        SyscallsSwitch.Netbsd => Errno.ENOSYS,
        SyscallsSwitch.Linux => (flags & ~MlockOnFault) != 0 ? Errno.EINVAL : LinuxMlock(p, addr, len, onFault: flags != 0),
        _ => throw new NotSupportedException($"syscalls={Policy.Syscalls}"),
    };

    private SysResult NetbsdMlock(Process p, ulong addr, ulong len)
    {
        if (!Normalize(p, addr, len, out ulong start, out ulong end))
        {
            return Errno.ENOMEM;
        }
        Errno limit = LimitError(p, start, end, mlock: true);
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
    public SysResult Munlock(Process p, ulong addr, ulong len) => Policy.Syscalls switch
    {
        SyscallsSwitch.Netbsd => NetbsdMunlock(p, addr, len),
        SyscallsSwitch.Linux => LinuxMunlock(p, addr, len),
        _ => throw new NotSupportedException($"syscalls={Policy.Syscalls}"),
    };

    private SysResult NetbsdMunlock(Process p, ulong addr, ulong len)
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
    public SysResult Mlockall(Process p, ulong flags) => Policy.Syscalls switch
    {
        SyscallsSwitch.Netbsd => NetbsdMlockall(p, flags),
        SyscallsSwitch.Linux => LinuxMlockall(p, flags),
        _ => throw new NotSupportedException($"syscalls={Policy.Syscalls}"),
    };

    private SysResult NetbsdMlockall(Process p, ulong flags)
    {
        if (flags == 0 || (flags & ~(ulong)(MclFlags.Current | MclFlags.Future)) != 0)
        {
            return Errno.EINVAL;
        }
        Errno err = Wiring.WireAll(p.Space, (int)flags, new AllLimits(this, p));
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

    /// <summary>NetBSD's <c>mlockall</c> limit tests (<see cref="AllLimitsOk"/>), as a struct: no closure per call.</summary>
    private readonly struct AllLimits(Kernel kernel, Process p) : Wiring.ILimitTest
    {
        public bool Ok() => kernel.AllLimitsOk(p);
    }

    /// <summary>No limit test (<c>munlockall</c> locks nothing).</summary>
    private readonly struct NoLimits : Wiring.ILimitTest
    {
        public bool Ok() => true;
    }

    /// <summary>Unlocks everything and clears <c>WireFuture</c> (<c>sys_munlockall</c>); never fails.</summary>
    public SysResult Munlockall(Process p)
    {
        Wiring.WireAll(p.Space, 0, default(NoLimits));
        p.PosixLocked.Clear();
        p.ImageLocked = false;
        return SysResult.Success();
    }

    /// <summary>Bytes the process holds locked, as <c>relock-counts</c> counts them (<c>check locked</c>).</summary>
    public ulong Locked(Process p) => Accounting.Locked(p);

    /// <summary>
    /// Limit tests (2) and (3) of §5.3 for a range: wiredmax and the memlock limit give
    /// <c>EAGAIN</c> for mlock, <c>ENOMEM</c> for mmap.
    /// </summary>
    internal Errno LimitError(Process p, ulong start, ulong end, bool mlock = false)
    {
        var (request, locked) = Accounting.ForRange(p, start, end);
        return LimitsOk(p, request, locked, zeroLimitDisables: !mlock) ? Errno.None : mlock ? Errno.EAGAIN : Errno.ENOMEM;
    }

    private bool AllLimitsOk(Process p) => LimitsOk(p, Accounting.ForAll(p), Accounting.Locked(p), zeroLimitDisables: true);

    private bool LimitsOk(Process p, ulong request, ulong locked, bool zeroLimitDisables)
    {
        if (request == 0 && Accounting.EmptyRequestPasses)
        {
            return true;
        }
        if (Accounting.TestsWiredMax && (long)((request + PageMask) / (ulong)PageSize) + Vm.Stats.Wired > Vm.Stats.WiredMax)
        {
            return false;
        }
        ulong limit = p.MemlockSoft;
        if (limit == 0 && zeroLimitDisables && Accounting.ZeroLimitDisables)
        {
            return true;
        }
        return request + locked <= limit && request + locked >= request;
    }
}
