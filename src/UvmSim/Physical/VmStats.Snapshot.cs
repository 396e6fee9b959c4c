namespace UvmSim.Physical;

// Snapshots: the global counters copied as they are (a drifted wired count included).
public sealed partial class VmStats
{
    /// <summary>An independent copy of the counters.</summary>
    internal VmStats Copy() => new() { Pages = Pages, Free = Free, Wired = Wired, WiredMax = WiredMax };
}
