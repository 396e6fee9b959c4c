using UvmSim.Snapshots;

namespace UvmSim.Map;

// Snapshots: the map's bounds and flags with a copy of its entry tree. The cached result of
// the last index check is kept with the version it was taken at (it is an immutable list).
public sealed partial class VmMap
{
    private VmMap(VmMap source, CloneMap map)
    {
        PageSize = source.PageSize;
        Min = source.Min;
        Max = source.Max;
        PlacementMin = source.PlacementMin;
        WireFuture = source.WireFuture;
        FutureOnFault = source.FutureOnFault;
        _tree = source._tree.Copy(map);
        _verifiedVersion = source._verifiedVersion;
        _verified = source._verified;
    }

    /// <summary>A copy of the map whose entries are recorded in <paramref name="map"/>.</summary>
    internal VmMap Copy(CloneMap map) => new(this, map);
}
