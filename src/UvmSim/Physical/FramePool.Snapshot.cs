namespace UvmSim.Physical;

// Snapshots (docs/performance.md, "Snapshots"): an exact copy of physical memory, free list,
// lazy index of counted frames and activation clock included, so the copy hands out the same
// frames and stamps as the original would.
public sealed partial class FramePool
{
    private FramePool(FramePool source)
    {
        _frames = source._frames.AsSpan().ToArray(); // a memmove; Array.Clone is several times slower
        _pages = source._pages;
        _counted = new List<int>(source._counted);
        _freeHead = source._freeHead;
        _clock = source._clock;
        Stats = source.Stats.Copy();
        Diagnostics = source.Diagnostics;
    }

    /// <summary>An independent copy of the frames and counters.</summary>
    internal FramePool Copy() => new(this);
}
