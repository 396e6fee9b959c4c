using UvmSim.Physical;

namespace UvmSim.Tests.Physical;

/// <summary>SPEC v2.2 pinned choice, §3.1: the free frames form one LIFO list, ascending at boot.</summary>
public class FreeListOrderTests
{
    [Fact]
    public void Boot_hands_out_frames_in_ascending_order_and_a_freed_frame_is_the_next_taken()
    {
        var pool = new FramePool(8, 2, diagnostics: true);
        Assert.Equal([0, 1, 2], new[] { pool.Allocate(0, 0), pool.Allocate(0, 1), pool.Allocate(0, 2) });
        Assert.True(pool.Release(1, holds: 0));
        Assert.True(pool.Release(0, holds: 0));
        Assert.Equal(0, pool.Allocate(0, 3)); // the last freed goes on top
        Assert.Equal(1, pool.Allocate(0, 4));
        Assert.Equal(3, pool.Allocate(0, 5)); // then the boot order resumes
    }
}
