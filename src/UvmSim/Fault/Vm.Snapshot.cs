using UvmSim.Snapshots;

namespace UvmSim.Fault;

// Snapshots: the machine-wide state (frames, owners, swap, transient holds) copied exactly.
// The pv table is created empty here and filled by FinishCopy once every pmap it names has
// been copied with its address space. The scratch lists are not state.
public sealed partial class Vm
{
    private Vm(Vm source, CloneMap map)
    {
        Config = source.Config;
        Policy = source.Policy;
        PageSize = source.PageSize;
        PageShift = source.PageShift;
        Frames = source.Frames.Copy();
        UnwireBy = source.UnwireBy; // stateless
        Owners = source.Owners.Copy(map);
        map.Add(source.Pv, Pv);
        SwapUsed = source.SwapUsed;
        _holds = source._holds is null ? null : DictionaryCopy.Of(source._holds);
    }

    /// <summary>A copy of the machine; <see cref="FinishCopy"/> completes it once the address spaces are copied.</summary>
    internal Vm Copy(CloneMap map) => new(this, map);

    /// <summary>Fills the copied pv table from <paramref name="source"/>'s, naming the copied pmaps.</summary>
    internal void FinishCopy(Vm source, CloneMap map) => Pv.CopyFrom(source.Pv, map);
}
