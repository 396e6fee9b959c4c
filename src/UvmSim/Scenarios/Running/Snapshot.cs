using UvmSim.Checking;
using UvmSim.Map;

namespace UvmSim.Scenarios.Running;

/// <summary>
/// What a traced call changed: the global counters, frames' wire counts and holders, entries'
/// wiring, map sizes and segment marks, compared before and after the call (<c>run --trace</c>).
/// </summary>
internal sealed class Snapshot
{
    private long _wired;
    private int _free;
    private ushort[] _counts = [];
    private Dictionary<int, int[]> _holders = [];
    private List<Violation> _audit = [];
    private Dictionary<int, (int Entries, bool Future, ulong Locked)> _procs = [];
    private Dictionary<(int Pid, ulong Start, ulong End), EntryWiring> _entries = [];
    private Dictionary<int, (bool Locked, int Nattch, bool Freed, bool Removed)> _segs = [];

    public static Snapshot Take(Kernel.Kernel k)
    {
        var s = new Snapshot { _wired = k.Vm.Stats.Wired, _free = k.Vm.Stats.Free, _counts = new ushort[k.Vm.Frames.Count] };
        for (int f = 0; f < s._counts.Length; f++)
        {
            s._counts[f] = k.Vm.Frames[f].WireCount;
        }
        s._procs = k.Processes.Values.ToDictionary(p => p.Pid, p => (p.Space.Map.EntryCount, p.Space.Map.WireFuture, k.Locked(p)));
        s._segs = k.Shm.Segments.ToDictionary(x => x.Id, x => (x.Locked, x.Nattch, x.Freed, x.Removed));
        foreach (var p in k.Processes.Values)
        {
            for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
            {
                s._entries[(p.Pid, e.Start, e.End)] = new EntryWiring(e.Mlocked, e.WiredCount, e.SegmentRecord);
            }
        }
        (s._audit, s._holders) = Auditor.AuditWithHolders(k);
        return s;
    }

    private Holders HoldersOf(int f) => _holders.TryGetValue(f, out int[]? h)
        ? new(h[(int)HolderKind.PosixEntry], h[(int)HolderKind.BalancedEntry], h[(int)HolderKind.SegmentRecord], h[(int)HolderKind.TransientRecord])
        : default;

    /// <summary>The changes from this snapshot to the kernel's state now, as text lines and as data.</summary>
    public TraceStep Compare(Kernel.Kernel k)
    {
        var after = Take(k);
        var frames = new List<FrameStep>();
        // A frame changed if its count did or its holders did (only frames with holders have any).
        var changed = new SortedSet<int>(_holders.Keys.Union(after._holders.Keys).Where(f => HoldersOf(f) != after.HoldersOf(f)));
        for (int f = 0; f < _counts.Length; f++)
        {
            if (_counts[f] != after._counts[f])
            {
                changed.Add(f);
            }
        }
        foreach (int f in changed)
        {
            frames.Add(new FrameStep(f, _counts[f], after._counts[f], HoldersOf(f), after.HoldersOf(f)));
        }
        var entries = new List<EntryStep>();
        foreach (var (key, before) in _entries)
        {
            EntryWiring? now = after._entries.TryGetValue(key, out var a) ? a : null;
            if (now != before && (now is not null || before != default))
            {
                entries.Add(new EntryStep(key.Pid, key.Start, key.End, before, now));
            }
        }
        foreach (var (key, now) in after._entries)
        {
            if (!_entries.ContainsKey(key) && now != default)
            {
                entries.Add(new EntryStep(key.Pid, key.Start, key.End, null, now));
            }
        }
        entries.Sort((x, y) => (x.Pid, x.Start, x.End).CompareTo((y.Pid, y.Start, y.End)));
        var segments = new List<SegmentStep>();
        foreach (var id in _segs.Keys.Union(after._segs.Keys).Order())
        {
            SegmentState? was = State(_segs, id), now = State(after._segs, id);
            if (was != now)
            {
                segments.Add(new SegmentStep(id, was, now));
            }
        }
        return new TraceStep(_wired, after._wired, _free, after._free, frames, entries, segments, after._audit, Diff(after));
    }

    private static SegmentState? State(Dictionary<int, (bool Locked, int Nattch, bool Freed, bool Removed)> segs, int id) =>
        segs.TryGetValue(id, out var s) && !s.Freed ? new SegmentState(s.Locked, s.Nattch, s.Removed) : null;

    private List<string> Diff(Snapshot after)
    {
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
