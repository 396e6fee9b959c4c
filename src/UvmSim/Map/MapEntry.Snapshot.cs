using UvmSim.Objects;
using UvmSim.Snapshots;

namespace UvmSim.Map;

// Snapshots: an entry's attributes, backing and wiring, with the backing objects and amaps
// the snapshot's shared copies. The tree links are set by EntryTree.Copy once every entry of
// the map exists.
public sealed partial class MapEntry
{
    /// <summary>A copy of this entry without tree links, recorded in <paramref name="map"/>.</summary>
    internal MapEntry CopyUnlinked(CloneMap map)
    {
        MapEntry copy = Clone(Start, End, withWiring: true);
        copy.Object = Object is null ? null : UvmObject.CopyOf(Object, map);
        copy.Amap = Amap is null ? null : Amap.CopyOf(Amap, map);
        copy.TreeHeight = TreeHeight;
        copy.TreeMaxGap = TreeMaxGap;
        map.Add(this, copy);
        return copy;
    }
}
