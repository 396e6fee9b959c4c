using UvmSim.Map;
using UvmSim.Snapshots;

namespace UvmSim.Fault;

// Snapshots: an address space is its map and its pmap, both copied.
public sealed partial class VmSpace
{
    /// <summary>The copy of this space in <paramref name="map"/>'s snapshot.</summary>
    internal VmSpace Copy(CloneMap map) => new(Map.Copy(map), Pmap.CopyOf(Pmap, map));
}
