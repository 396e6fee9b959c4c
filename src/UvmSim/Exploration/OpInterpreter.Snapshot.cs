using UvmSim.Kernel;
using UvmSim.Snapshots;

namespace UvmSim.Exploration;

// Snapshots: an interpreter over a copy of its kernel, naming the copied processes, with
// the same names, counters and (when recording) lines, so the next op draws the same
// arguments and writes the same scenario text as on the original.
public sealed partial class OpInterpreter
{
    private OpInterpreter(OpInterpreter source, CloneMap map)
    {
        _kernel = source._kernel.Copy(map);
        foreach (var (p, name) in source._procs)
        {
            _procs.Add((map.Made(p), name));
        }
        foreach (var (p, va, len, name) in source._maps)
        {
            _maps.Add((map.Made(p), va, len, name));
        }
        _segments = source._segments is null ? null : [.. source._segments];
        _handles = source._handles is null ? null : [.. source._handles];
        _maxProcs = source._maxProcs;
        _nextProc = source._nextProc;
        _nextName = source._nextName;
        Record = source.Record;
        Header = Record ? [.. source.Header] : s_unrecorded;
        Lines = Record ? [.. source.Lines] : s_unrecorded;
    }

    /// <summary>
    /// An exact, independent copy of this interpreter and its kernel (<see cref="Kernel.Kernel.Copy"/>):
    /// the explorer computes a state's successors from it instead of replaying the state's calls.
    /// </summary>
    public OpInterpreter Copy(CloneMap? map = null) => new(this, map ?? new CloneMap());
}
