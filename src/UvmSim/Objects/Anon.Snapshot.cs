using UvmSim.Snapshots;

namespace UvmSim.Objects;

// Snapshots: an anon is copied once however many amap slots share it (CloneMap).
public sealed partial class Anon
{
    /// <summary>The copy of <paramref name="anon"/> in <paramref name="map"/>'s snapshot.</summary>
    internal static Anon CopyOf(Anon anon, CloneMap map) => map.Of(anon, static (a, _) => new Anon
    {
        Frame = a.Frame,
        OnSwap = a.OnSwap,
        RefCount = a.RefCount,
        OwnerId = a.OwnerId,
    });
}
