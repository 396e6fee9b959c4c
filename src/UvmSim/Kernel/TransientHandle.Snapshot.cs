using UvmSim.Snapshots;

namespace UvmSim.Kernel;

// Snapshots: a handle names the copy of its process (live or exited) and keeps its frames.
public sealed partial class TransientHandle
{
    /// <summary>The copy of <paramref name="h"/> in <paramref name="map"/>'s snapshot.</summary>
    internal static TransientHandle CopyOf(TransientHandle h, CloneMap map) => map.Of(h, static (s, m) =>
        new TransientHandle(s.Id, Process.CopyOf(s.Process, m), s.Start, s.End, [.. s.Frames])
        {
            Released = s.Released,
            AuditHolds = s.AuditHolds,
        });
}
