namespace UvmSim.Scenarios.Running;

/// <summary>
/// What a traced call changed: the global counters, frames' wire counts, map sizes and
/// segment marks, compared before and after the call (<c>run --trace</c>).
/// </summary>
internal sealed class Snapshot
{
    private long _wired;
    private int _free;
    private ushort[] _counts = [];
    private Dictionary<int, (int Entries, bool Future, ulong Locked)> _procs = [];
    private Dictionary<int, (bool Locked, int Nattch, bool Freed)> _segs = [];

    public static Snapshot Take(Kernel.Kernel k)
    {
        var s = new Snapshot { _wired = k.Vm.Stats.Wired, _free = k.Vm.Stats.Free, _counts = new ushort[k.Vm.Frames.Count] };
        for (int f = 0; f < s._counts.Length; f++)
        {
            s._counts[f] = k.Vm.Frames[f].WireCount;
        }
        s._procs = k.Processes.Values.ToDictionary(p => p.Pid, p => (p.Space.Map.EntryCount, p.Space.Map.WireFuture, k.Locked(p)));
        s._segs = k.Shm.Segments.ToDictionary(x => x.Id, x => (x.Locked, x.Nattch, x.Freed));
        return s;
    }

    public IReadOnlyList<string> Diff(Kernel.Kernel k)
    {
        var after = Take(k);
        var changes = new List<string>();
        if (after._wired != _wired) changes.Add($"wired {_wired} -> {after._wired}");
        if (after._free != _free) changes.Add($"free {_free} -> {after._free}");
        int shown = 0;
        for (int f = 0; f < _counts.Length; f++)
        {
            if (_counts[f] != after._counts[f] && shown++ < 16)
            {
                changes.Add($"frame {f} pw {_counts[f]} -> {after._counts[f]}");
            }
        }
        if (shown > 16) changes.Add($"... {shown - 16} more frames");
        foreach (var (pid, now) in after._procs)
        {
            if (!_procs.TryGetValue(pid, out var was))
            {
                changes.Add($"pid {pid} created ({now.Entries} entries)");
                continue;
            }
            if (was.Entries != now.Entries) changes.Add($"pid {pid} entries {was.Entries} -> {now.Entries}");
            if (was.Future != now.Future) changes.Add($"pid {pid} wirefuture {(now.Future ? "set" : "cleared")}");
            if (was.Locked != now.Locked) changes.Add($"pid {pid} locked {was.Locked} -> {now.Locked}");
        }
        foreach (var pid in _procs.Keys.Where(p => !after._procs.ContainsKey(p))) changes.Add($"pid {pid} gone");
        foreach (var (id, now) in after._segs)
        {
            if (!_segs.TryGetValue(id, out var was)) { changes.Add($"segment {id} created"); continue; }
            if (was.Locked != now.Locked) changes.Add($"segment {id} {(now.Locked ? "locked" : "unlocked")}");
            if (was.Nattch != now.Nattch) changes.Add($"segment {id} nattch {was.Nattch} -> {now.Nattch}");
        }
        foreach (var id in _segs.Keys.Where(i => !after._segs.ContainsKey(i))) changes.Add($"segment {id} freed");
        return changes;
    }
}
