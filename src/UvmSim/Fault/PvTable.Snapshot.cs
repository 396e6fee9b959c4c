using UvmSim.Snapshots;

namespace UvmSim.Fault;

// Snapshots: the reverse mappings name the copied pmaps, list by list in the same order.
// The pool of spare lists is not state: it only saves allocations.
public sealed partial class PvTable
{
    internal void CopyFrom(PvTable source, CloneMap map)
    {
        _byFrame = new List<(Pmap Pmap, ulong Vpn)>?[source._byFrame.Length];
        for (int f = 0; f < _byFrame.Length; f++)
        {
            if (source._byFrame[f] is { } list)
            {
                var copy = new List<(Pmap Pmap, ulong Vpn)>(list.Count);
                foreach (var (pmap, vpn) in list)
                {
                    copy.Add((map.Made(pmap), vpn));
                }
                _byFrame[f] = copy;
            }
        }
    }
}
