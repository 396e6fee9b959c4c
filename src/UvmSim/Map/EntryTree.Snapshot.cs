using UvmSim.Snapshots;

namespace UvmSim.Map;

// Snapshots: the same tree over copied entries: same shape, heights, gaps, list links and
// version, so lookups, rebalancing and the cached index check go as on the original.
internal sealed partial class EntryTree
{
    /// <summary>A copy of the tree and its entries, each entry recorded in <paramref name="map"/>.</summary>
    internal EntryTree Copy(CloneMap map)
    {
        var copy = new EntryTree { _version = _version, Count = Count };
        for (MapEntry? e = First; e is not null; e = e.Next)
        {
            e.CopyUnlinked(map).TreeOwner = copy;
        }
        for (MapEntry? e = First; e is not null; e = e.Next)
        {
            MapEntry c = map.Made(e);
            c.Prev = Link(e.Prev, map);
            c.Next = Link(e.Next, map);
            c.TreeLeft = Link(e.TreeLeft, map);
            c.TreeRight = Link(e.TreeRight, map);
            c.TreeParent = Link(e.TreeParent, map);
        }
        copy._root = Link(_root, map);
        copy.First = Link(First, map);
        copy.Last = Link(Last, map);
        return copy;
    }

    private static MapEntry? Link(MapEntry? e, CloneMap map) => e is null ? null : map.Made(e);
}
