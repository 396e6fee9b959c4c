namespace UvmSim.Objects;

/// <summary>
/// A memory object (<c>struct uvm_object</c>): a sparse array of pages by page index.
/// Anonymous objects (<see cref="AnonObject"/>) zero-fill and swap; file objects
/// (<see cref="FileObject"/>) end at their size and drop reclaimed pages.
/// </summary>
public abstract class UvmObject
{
    private readonly Dictionary<long, int> _pages = [];

    /// <summary>Registry id the frames record as their owner.</summary>
    internal int OwnerId { get; set; } = -1;

    /// <summary>References from map entries and SysV segments; at 0 the pages are freed.</summary>
    public int RefCount { get; internal set; } = 1;

    /// <summary>Pages that exist in a frame now.</summary>
    public int ResidentPages => _pages.Count;

    /// <summary>Size in pages beyond which a fault fails (<c>EFAULT</c>), or -1 for unbounded.</summary>
    public abstract long SizePages { get; }

    /// <summary>True for a file object opened read-only: shared mappings get max protection rx.</summary>
    public virtual bool ReadOnly => false;

    /// <summary>The frame holding page <paramref name="index"/>, or -1.</summary>
    public int FrameAt(long index) => _pages.TryGetValue(index, out int f) ? f : -1;

    /// <summary>Resident pages as (index, frame), in no particular order.</summary>
    public IEnumerable<KeyValuePair<long, int>> Pages => _pages;

    internal void SetPage(long index, int frame) => _pages[index] = frame;

    internal void RemovePage(long index) => _pages.Remove(index);
}
