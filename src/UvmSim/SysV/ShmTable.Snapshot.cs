using UvmSim.Snapshots;

namespace UvmSim.SysV;

// Snapshots: the table's slots, sequence numbers and every id ever given, with their
// layout (segments are walked in slot-table order), and the tunables.
public sealed partial class ShmTable
{
    private ShmTable(ShmTable source, IShmHost kernel, CloneMap map)
    {
        _kernel = kernel;
        _slots = source._slots is null ? null : DictionaryCopy.Of(source._slots, Segment.CopyOf, map);
        _seq = source._seq is null ? null : DictionaryCopy.Of(source._seq);
        _ever = source._ever is null ? null : DictionaryCopy.Of(source._ever, Segment.CopyOf, map);
        foreach (var (id, segment) in source._ever ?? s_noEver)
        {
            if (segment.EntryCounter is not null)
            {
                _ever![id].EntryCounter = CountEntries; // Linux's nattch counts this table's processes' entries
            }
        }
        ShmMax = source.ShmMax;
        ShmAll = source.ShmAll;
        ShmMin = source.ShmMin;
        ShmMni = source.ShmMni;
        ShmSeg = source.ShmSeg;
        UsePhys = source.UsePhys;
    }

    private static readonly Dictionary<ulong, Segment> s_noEver = [];

    /// <summary>A copy of the table for <paramref name="kernel"/>, a copy of this table's kernel.</summary>
    internal ShmTable Copy(IShmHost kernel, CloneMap map) => new(this, kernel, map);
}
