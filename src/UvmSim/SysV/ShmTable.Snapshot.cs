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
        _seq = source._seq?.AsSpan().ToArray();
        if (source._ever is not null)
        {
            _ever = new List<Segment>(source._ever.Count);
            foreach (Segment segment in source._ever)
            {
                Segment copy = Segment.CopyOf(segment, map);
                if (segment.EntryCounter is not null)
                {
                    copy.EntryCounter = CountEntries; // Linux's nattch counts this table's processes' entries
                }
                _ever.Add(copy);
            }
        }
        ShmMax = source.ShmMax;
        ShmAll = source.ShmAll;
        ShmMin = source.ShmMin;
        ShmMni = source.ShmMni;
        ShmSeg = source.ShmSeg;
        UsePhys = source.UsePhys;
    }

    /// <summary>A copy of the table for <paramref name="kernel"/>, a copy of this table's kernel.</summary>
    internal ShmTable Copy(IShmHost kernel, CloneMap map) => new(this, kernel, map);
}
