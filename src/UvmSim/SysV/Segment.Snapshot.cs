using UvmSim.Objects;
using UvmSim.Snapshots;

namespace UvmSim.SysV;

// Snapshots: a segment is copied once (the table, the table of every id and the
// attachments name it), with the copy of its object.
public sealed partial class Segment
{
    /// <summary>The copy of <paramref name="s"/> in <paramref name="map"/>'s snapshot.</summary>
    internal static Segment CopyOf(Segment s, CloneMap map) => map.Of(s, static (s, m) =>
        new Segment(s.Id, s.Slot, s.Key, s.RequestedSize, s.Size, UvmObject.CopyOf(s.Object, m), s.CreatorUid, s.CreatorGid, s.Mode)
        {
            Uid = s.Uid,
            Gid = s.Gid,
            _nattch = s._nattch, // not Nattch: under Linux that counts entries (EntryCounter), set by the table
            Locked = s.Locked,
            Removed = s.Removed,
            Freed = s.Freed,
            ObjectWired = s.ObjectWired,
            ChargedUid = s.ChargedUid,
        });
}
