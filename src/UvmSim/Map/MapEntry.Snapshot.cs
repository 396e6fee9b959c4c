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
        var copy = new MapEntry(Start, End)
        {
            Object = Object is null ? null : UvmObject.CopyOf(Object, map),
            Offset = Offset,
            Amap = Amap is null ? null : Amap.CopyOf(Amap, map),
            AmapOffset = AmapOffset,
            NeedsCopy = NeedsCopy,
            CopyOnWrite = CopyOnWrite,
            Protection = Protection,
            MaxProtection = MaxProtection,
            Inheritance = Inheritance,
            Advice = Advice,
            WiredCount = WiredCount,
            Mlocked = Mlocked,
            SegmentRecord = SegmentRecord,
            NoMerge = NoMerge,
            TreeHeight = TreeHeight,
            TreeMaxGap = TreeMaxGap,
        };
        map.Add(this, copy);
        return copy;
    }
}
