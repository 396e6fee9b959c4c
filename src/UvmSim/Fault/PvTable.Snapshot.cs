using UvmSim.Snapshots;

namespace UvmSim.Fault;

// Snapshots: the reverse mappings name the copied pmaps, list by list in the same order and
// with the table's layout. The pool of spare lists is not state: it only saves allocations.
public sealed partial class PvTable
{
    /// <summary>
    /// Makes this (new) table a copy of <paramref name="source"/> naming
    /// <paramref name="map"/>'s copies of the pmaps; every pmap must have been copied first.
    /// </summary>
    internal void CopyFrom(PvTable source, CloneMap map) =>
        _byFrame = DictionaryCopy.Of(source._byFrame, static (list, m) =>
        {
            var copy = new List<(Pmap Pmap, ulong Vpn)>(list.Count);
            foreach (var (pmap, vpn) in list)
            {
                copy.Add((m.Made(pmap), vpn));
            }
            return copy;
        }, map);
}
