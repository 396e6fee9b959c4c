namespace UvmSim.Kernel;

// Snapshots: the intervals copied in order.
public sealed partial class RangeSet
{
    /// <summary>An independent copy.</summary>
    internal RangeSet Copy()
    {
        var copy = new RangeSet();
        copy._ranges = _ranges is null ? null : [.. _ranges];
        return copy;
    }
}
