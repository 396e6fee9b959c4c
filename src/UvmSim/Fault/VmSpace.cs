using UvmSim.Map;

namespace UvmSim.Fault;

/// <summary>
/// An address space (<c>struct vmspace</c>): the map of entries and the pmap of
/// translations that faults fill in.
/// </summary>
public sealed partial class VmSpace
{
    /// <summary>Creates an empty address space.</summary>
    public VmSpace(VmMap map, Pmap pmap)
    {
        Map = map;
        Pmap = pmap;
    }

    /// <summary>The entries.</summary>
    public VmMap Map { get; }

    /// <summary>The translations.</summary>
    public Pmap Pmap { get; }
}
