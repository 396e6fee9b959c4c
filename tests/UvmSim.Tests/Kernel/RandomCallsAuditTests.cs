using CsCheck;
using UvmSim.Checking;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.SysV;
using static UvmSim.Tests.Kernel.KernelTestHelpers;

namespace UvmSim.Tests.Kernel;

/// <summary>SPEC §10: under <c>dual</c> the auditor finds nothing after any call.</summary>
public class RandomCallsAuditTests
{
    private const ulong Base = 0x1000;
    private const int Window = 24;

    private static readonly Gen<(int Op, int Who, int Page, int Len, int Arg)[]> GenCalls =
        Gen.Select(Gen.Int[0, 19], Gen.Int[0, 3], Gen.Int[0, Window - 1], Gen.Int[0, 4], Gen.Int[0, 7]).Array[1, 60];

    private static SysResult Call(UvmSim.Kernel.Kernel k, List<Process> procs, List<ulong> segs, (int Op, int Who, int Page, int Len, int Arg) c)
    {
        var p = procs[c.Who % procs.Count];
        ulong addr = Base + (ulong)c.Page * P;
        ulong len = (ulong)c.Len * P;
        var prot = (c.Arg % 4) switch
        {
            0 => Protection.None,
            1 => Protection.Read,
            2 => Protection.ReadWrite,
            _ => Protection.All,
        };
        switch (c.Op)
        {
            case 0:
                return k.Mmap(p, Math.Max(len, P), prot, MapFlags.Private | MapFlags.Anon | MapFlags.Fixed | (c.Arg >= 6 ? MapFlags.Wired : 0), addr);
            case 1:
                return k.Mmap(p, Math.Max(len, P), prot, MapFlags.Shared | MapFlags.Anon | (c.Arg >= 6 ? MapFlags.Wired : 0));
            case 2:
                return k.Munmap(p, addr, len);
            case 3:
                return k.Mprotect(p, addr, len, prot);
            case 4:
                return k.Minherit(p, addr, len, (Inheritance)(c.Arg % 4));
            case 5:
            case 6:
                return k.Touch(p, addr, Math.Max(len, 1), write: c.Op == 6);
            case 7:
                return k.Mlock(p, addr, len);
            case 8:
                return k.Munlock(p, addr, len);
            case 9:
                return k.Mlockall(p, (ulong)(c.Arg % 4));
            case 10:
                return k.Munlockall(p);
            case 11:
                if (procs.Count >= 4)
                {
                    return SysResult.Success();
                }
                var r = k.Fork(p, out var child);
                if (r.Ok)
                {
                    procs.Add(child!);
                }
                return r;
            case 12:
                if (procs.Count <= 1 || p == procs[0])
                {
                    return SysResult.Success();
                }
                procs.Remove(p);
                return k.Exit(p);
            case 13:
                return k.PageDaemon(c.Arg == 0 ? null : (ulong)c.Arg);
            case 14:
            {
                var g = k.Shm.Shmget(p, c.Arg % 2 == 0 ? null : 7, Math.Max(len, P), 0x1b6 | ShmTable.IpcCreat);
                if (g.Ok && !segs.Contains(g.Value))
                {
                    segs.Add(g.Value);
                }
                return g;
            }
            case 15:
                return segs.Count == 0 ? SysResult.Success() : k.Shm.Shmat(p, segs[c.Arg % segs.Count], c.Len == 0 ? 0 : addr, 0);
            case 16:
                return p.Attachments.Count == 0 ? k.Shm.Shmdt(p, addr) : k.Shm.Shmdt(p, p.Attachments[c.Arg % p.Attachments.Count].Va);
            case 17:
                return segs.Count == 0 ? SysResult.Success()
                    : k.Shm.Shmctl(p, segs[c.Page % segs.Count], (c.Arg % 3) switch { 0 => ShmCommand.ShmLock, 1 => ShmCommand.ShmUnlock, _ => ShmCommand.IpcRmid });
            case 18:
                return k.Vslock(p, addr, Math.Max(len, 1), write: c.Arg % 2 == 0);
            default:
                return k.Handles.Count == 0 ? SysResult.Success() : k.Vsunlock(k.Handles.Keys.ElementAt(c.Arg % k.Handles.Count));
        }
    }

    [Fact]
    public void Under_dual_no_sequence_of_calls_leaves_damage_for_the_auditor() =>
        GenCalls.Sample(calls =>
        {
            var k = NewKernel(pages: 96);
            var procs = new List<Process> { k.CreateProcess(0, 0)! };
            var segs = new List<ulong>();
            int step = 0;
            foreach (var c in calls)
            {
                step++;
                k.Run(() => Call(k, procs, segs, c));
                var found = Auditor.Audit(k);
                Assert.True(found.Count == 0, $"after step {step} {c}: {string.Join("; ", found)}");
            }
        }, iter: 5000);
}
