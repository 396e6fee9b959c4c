using UvmSim.Checking;
using UvmSim.Kernel;
using static UvmSim.Tests.Kernel.KernelTestHelpers;

namespace UvmSim.Tests.Kernel;

public class PageDaemonTests
{
    private sealed record Setup(UvmSim.Kernel.Kernel K, Process P, ulong Locked, ulong Unlocked, Dictionary<ulong, (int Frame, ushort Count)> Wired);

    private const ulong LockedPages = 4;
    private const ulong UnlockedPages = 30;

    private static Setup Fill()
    {
        var k = NewKernel(pages: 64);
        var p = k.CreateProcess(0, 0)!;
        ulong locked = MapAnon(k, p, LockedPages);
        Assert.True(k.Touch(p, locked, LockedPages * P, write: true).Ok);
        Assert.True(k.Mlock(p, locked, LockedPages * P).Ok);
        ulong unlocked = MapAnon(k, p, UnlockedPages);
        Assert.True(k.Touch(p, unlocked, UnlockedPages * P, write: true).Ok);
        var wired = new Dictionary<ulong, (int, ushort)>();
        for (ulong i = 0; i < LockedPages; i++)
        {
            int f = FrameAt(k, p, locked + i * P);
            Assert.True(f >= 0);
            Assert.Equal(1, k.Vm.Frames[f].WireCount);
            wired[locked + i * P] = (f, k.Vm.Frames[f].WireCount);
        }
        Assert.Equal((long)LockedPages, k.Vm.Stats.Wired);
        return new(k, p, locked, unlocked, wired);
    }

    private static void AssertWiredUntouched(Setup s)
    {
        foreach (var (va, (frame, count)) in s.Wired)
        {
            Assert.Equal(frame, FrameAt(s.K, s.P, va));
            Assert.Equal(count, s.K.Vm.Frames[frame].WireCount);
        }
        Assert.Equal((long)LockedPages, s.K.Vm.Stats.Wired);
    }

    [Fact]
    public void Page_daemon_takes_every_unwired_page_and_no_wired_one()
    {
        var s = Fill();
        int freeBefore = s.K.Vm.Stats.Free;
        var r = s.K.PageDaemon(null);
        Assert.True(r.Ok);
        Assert.True(r.Value >= UnlockedPages, $"reclaimed {r.Value}");
        Assert.Equal(freeBefore + (int)r.Value, s.K.Vm.Stats.Free);
        AssertWiredUntouched(s);
        for (ulong i = 0; i < UnlockedPages; i++)
        {
            Assert.Equal(-1, FrameAt(s.K, s.P, s.Unlocked + i * P));
        }
        Assert.True(s.K.Vm.SwapUsed >= (long)UnlockedPages);
        Assert.Empty(Auditor.Audit(s.K));
    }

    [Fact]
    public void Swapped_out_pages_come_back_on_touch()
    {
        var s = Fill();
        Assert.True(s.K.PageDaemon(null).Ok);
        Assert.True(s.K.Touch(s.P, s.Unlocked, UnlockedPages * P, write: false).Ok);
        for (ulong i = 0; i < UnlockedPages; i++)
        {
            Assert.True(FrameAt(s.K, s.P, s.Unlocked + i * P) >= 0);
        }
        AssertWiredUntouched(s);
        Assert.Empty(Auditor.Audit(s.K));
    }

    [Fact]
    public void Limited_page_daemon_run_reclaims_at_most_n_frames()
    {
        var s = Fill();
        var r = s.K.PageDaemon(5);
        Assert.Equal(5UL, r.Value);
        AssertWiredUntouched(s);
    }

    [Fact]
    public void Allocation_pressure_beyond_physical_memory_never_takes_wired_pages()
    {
        var s = Fill();
        // More pages than the machine has: the page daemon must run during the faults.
        ulong big = MapAnon(s.K, s.P, 100);
        Assert.True(s.K.Touch(s.P, big, 100 * P, write: true).Ok);
        AssertWiredUntouched(s);
        int nonResident = 0;
        for (ulong i = 0; i < UnlockedPages; i++)
        {
            if (FrameAt(s.K, s.P, s.Unlocked + i * P) < 0)
            {
                nonResident++;
            }
        }
        Assert.Equal((int)UnlockedPages, nonResident);
        // And the earliest pages of the big mapping went too.
        Assert.Equal(-1, FrameAt(s.K, s.P, big));
        Assert.True(FrameAt(s.K, s.P, big + 99 * P) >= 0);
        Assert.True(s.K.Touch(s.P, s.Unlocked, UnlockedPages * P, write: true).Ok);
        AssertWiredUntouched(s);
        Assert.Empty(Auditor.Audit(s.K));
    }

    [Fact]
    public void Daemon_run_does_not_take_pages_wired_by_a_shm_lock()
    {
        var k = NewKernel(pages: 64);
        var p = k.CreateProcess(0, 0)!;
        var id = k.Shm.Shmget(p, null, 2 * P, 0x180);
        Assert.True(id.Ok);
        var at = k.Shm.Shmat(p, id.Value, 0, 0);
        Assert.True(at.Ok);
        Assert.True(k.Shm.Shmctl(p, id.Value, UvmSim.SysV.ShmCommand.ShmLock).Ok);
        int f0 = FrameAt(k, p, at.Value);
        int f1 = FrameAt(k, p, at.Value + P);
        Assert.True(f0 >= 0 && f1 >= 0);
        Assert.True(k.PageDaemon(null).Ok);
        Assert.Equal(f0, FrameAt(k, p, at.Value));
        Assert.Equal(f1, FrameAt(k, p, at.Value + P));
        Assert.True(k.Vm.Frames[f0].WireCount > 0);
        Assert.Empty(Auditor.Audit(k));
    }
}
