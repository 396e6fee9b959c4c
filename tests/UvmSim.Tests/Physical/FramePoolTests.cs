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

    [Fact]
    public void Frames_made_as_first_needed_are_handed_out_as_if_all_were_made_at_boot()
    {
        // The order a machine made whole at boot hands frames out in: 0, 1, 2, ... and then
        // the frames freed, last freed first.
        var pool = new FramePool(100, 33, diagnostics: true);
        Assert.Equal(100, pool.Count);
        Assert.True(pool.Made < 100, "a small universe makes few frames at boot");
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(i, pool.Allocate(1, i));
        }
        foreach (int f in new[] { 5, 20, 33 })
        {
            Assert.True(pool.Release(f, holds: 0));
        }
        Assert.Equal([33, 20, 5, 40], [pool.Allocate(1, 0), pool.Allocate(1, 0), pool.Allocate(1, 0), pool.Allocate(1, 0)]);
        Assert.Equal(100 - 41, pool.Stats.Free);
    }

    [Fact]
    public void A_frame_not_made_yet_reads_as_free_and_keeps_what_is_written_to_it()
    {
        var pool = new FramePool(100, 33, diagnostics: true);
        Assert.Equal(FrameState.Free, pool[99].State);
        Assert.Equal(0, pool[99].WireCount);
        Assert.Equal(-1, pool[99].Owner); // the last frame ends the free list
        Assert.Equal(100, pool.Made);
        var fresh = new FramePool(100, 33, diagnostics: true);
        fresh[70].WireCount = 3; // a test planting damage writes through the indexer
        Assert.Equal(3, fresh[70].WireCount);
        Assert.Equal(71, fresh[70].Owner);
    }

    [Fact]
    public void Undoing_across_the_frames_growing_puts_the_frames_made_at_the_mark_back()
    {
        var pool = new FramePool(100, 33, diagnostics: true);
        int made = pool.Made;
        for (int i = 0; i < made; i++)
        {
            pool.Allocate(1, i);
        }
        pool.Wire(3);
        FramePool atMark = pool.Copy();
        var log = new UvmSim.Undo.UndoLog();
        log.Activate();
        try
        {
            int mark = log.Mark();
            int f = pool.Allocate(2, 0); // past the frames made: the array grows
            Assert.Equal(made, f);
            Assert.True(pool.Made > made);
            pool.Wire(f);
            pool.Wire(3);
            Assert.True(pool.Release(1, holds: 0));
            log.Undo(mark);
        }
        finally
        {
            UvmSim.Undo.UndoLog.Deactivate();
        }
        Assert.Equal(made, pool.Made);
        Assert.Empty(UvmSim.Tests.Snapshots.StateComparer.Differences(atMark, pool));
        Assert.Equal(made, pool.Allocate(2, 0)); // and the same future
        Assert.Equal(1, pool[3].WireCount);
    }
}
