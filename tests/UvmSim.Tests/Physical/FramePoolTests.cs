using System.Runtime.CompilerServices;
using UvmSim.Kernel;
using UvmSim.Physical;

namespace UvmSim.Tests.Physical;

public class FramePoolTests
{
    [Fact]
    public void A_frame_costs_at_most_16_bytes() => Assert.True(Unsafe.SizeOf<Frame>() <= 16);

    [Fact]
    public void A_16_GiB_machine_boots_with_every_frame_free()
    {
        var pool = new FramePool(4_194_304, 4_194_304 / 3, diagnostics: true);
        Assert.Equal(4_194_304, pool.Stats.Free);
        Assert.Equal(0, pool.Stats.Wired);
    }

    [Fact]
    public void Unwire_of_an_unwired_frame_panics_with_diagnostics()
    {
        var pool = new FramePool(4, 1, diagnostics: true);
        int f = pool.Allocate(0, 0);
        var panic = Assert.Throws<KernelPanic>(() => pool.Unwire(f));
        Assert.Contains("pg->wire_count != 0", panic.Message);
        Assert.Equal(0, pool[f].WireCount);
    }

    [Fact]
    public void Unwire_of_an_unwired_frame_wraps_silently_without_diagnostics()
    {
        var pool = new FramePool(4, 1, diagnostics: false);
        int f = pool.Allocate(0, 0);
        pool.Unwire(f);
        Assert.Equal(ushort.MaxValue, pool[f].WireCount);
        Assert.Equal(0, pool.Stats.Wired);
    }

    [Fact]
    public void Wired_moves_only_when_a_count_leaves_or_reaches_zero()
    {
        var pool = new FramePool(4, 1, diagnostics: true);
        int f = pool.Allocate(0, 0);
        pool.Wire(f);
        pool.Wire(f);
        Assert.Equal(1, pool.Stats.Wired);
        pool.Unwire(f);
        Assert.Equal(1, pool.Stats.Wired);
        pool.Unwire(f);
        Assert.Equal(0, pool.Stats.Wired);
    }

    [Fact]
    public void Releasing_a_wired_frame_clears_its_count_with_one_wired_decrement()
    {
        var pool = new FramePool(4, 1, diagnostics: true);
        int f = pool.Allocate(0, 0);
        pool.Wire(f);
        pool.Wire(f);
        Assert.True(pool.Release(f, holds: 0));
        Assert.Equal(0, pool.Stats.Wired);
        Assert.Equal(4, pool.Stats.Free);
    }

    [Fact]
    public void Releasing_a_held_frame_orphans_it_with_its_holds()
    {
        var pool = new FramePool(4, 1, diagnostics: true);
        int f = pool.Allocate(0, 0);
        pool.Wire(f);
        pool.Wire(f);
        Assert.False(pool.Release(f, holds: 1));
        Assert.Equal(FrameState.Orphaned, pool[f].State);
        Assert.Equal(1, pool[f].WireCount);
        Assert.True(pool.Unwire(f));
        pool.ReleaseOrphan(f);
        Assert.Equal(4, pool.Stats.Free);
    }
}
