using UvmSim.Snapshots;
using UvmSim.SysV;

namespace UvmSim.Kernel;

// Snapshots: a process is copied once (the process table and transient handles both name
// it), with its address space, attachments (naming the copied segments), heap and limits.
public sealed partial class Process
{
    private Process(Process source, CloneMap map)
    {
        map.Add(source, this);
        Pid = source.Pid;
        Uid = source.Uid;
        Gid = source.Gid;
        MemlockSoft = source.MemlockSoft;
        MemlockHard = source.MemlockHard;
        Caps = source.Caps;
        ImageLocked = source.ImageLocked;
        Space = source.Space.Copy(map);
        if (source._attachments is { } attachments)
        {
            _attachments = new List<Attachment>(attachments.Count);
            foreach (Attachment a in attachments)
            {
                _attachments.Add(map.Of(a, static (a, m) => a with { Segment = Segment.CopyOf(a.Segment, m) })); // fork shares the records
            }
        }
        HeapStart = source.HeapStart;
        HeapEnd = source.HeapEnd;
        Alive = source.Alive;
        PosixLocked = source.PosixLocked.Copy();
    }

    /// <summary>The copy of <paramref name="p"/> in <paramref name="map"/>'s snapshot.</summary>
    internal static Process CopyOf(Process p, CloneMap map) => map.TryMade(p, out Process? done) ? done : new Process(p, map);
}
