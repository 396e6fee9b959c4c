using UvmSim.Kernel;
using UvmSim.Map;

namespace UvmSim.Exploration;

/// <summary>
/// A canonical 64-bit hash of everything that decides what later calls do and what the
/// auditor reports: processes in creation order, their entries and translations, the wire
/// count of the page at every mapped address, segments, transient handles and the
/// counters. Frames and objects are numbered by first appearance, so two runs that reach
/// the same state through different frames hash alike (the explorer's deduplication).
/// </summary>
public sealed class StateHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;
    private int[] _frameIds = [];
    private int[] _frameStamp = [];
    private int _stamp;
    private int _nextFrame;
    private readonly List<Process> _procs = [];
    private readonly Dictionary<object, int> _objects = new(ReferenceEqualityComparer.Instance);
    private ulong _h;

    /// <summary>Hashes the kernel's state.</summary>
    public ulong Of(Kernel.Kernel k)
    {
        if (_frameIds.Length != k.Vm.Frames.Count)
        {
            _frameIds = new int[k.Vm.Frames.Count];
            _frameStamp = new int[k.Vm.Frames.Count];
        }
        _stamp++;
        _nextFrame = 0;
        _objects.Clear();
        _h = Offset;
        Mix((ulong)k.Vm.Stats.Wired);
        Mix((ulong)k.Vm.Stats.Free);
        _procs.Clear();
        _procs.AddRange(k.LiveProcesses);
        _procs.Sort(static (a, b) => a.Pid.CompareTo(b.Pid));
        foreach (Process p in _procs)
        {
            Mix(p.Uid);
            Mix(p.Space.Map.WireFuture ? 1UL : 0UL);
            Mix(p.MemlockSoft);
            Mix(p.MemlockHard);
            foreach (var (s, e) in p.PosixLocked.Ranges)
            {
                Mix(s);
                Mix(e);
            }
            foreach (var a in p.Attachments)
            {
                Mix((ulong)Canonical(a.Segment));
                Mix(a.Va);
            }
            for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
            {
                Mix(e.Start);
                Mix(e.End);
                Mix((ulong)e.Protection | (ulong)e.MaxProtection << 8 | (ulong)e.Inheritance << 16
                    | (e.Mlocked ? 1UL << 24 : 0) | (e.SegmentRecord ? 1UL << 25 : 0) | (e.CopyOnWrite ? 1UL << 26 : 0)
                    | (e.NeedsCopy ? 1UL << 27 : 0) | (e.NoMerge ? 1UL << 28 : 0));
                Mix((ulong)e.WiredCount);
                Mix(e.Object is null ? 0UL : (ulong)Canonical(e.Object));
                Mix(e.Amap is null ? 0UL : (ulong)Canonical(e.Amap));
                for (ulong va = e.Start; va < e.End; va += (ulong)k.PageSize)
                {
                    int f = k.Faults.PageAt(e, va);
                    MixFrame(k, f);
                    if (p.Space.Pmap.TryGet(va, out var pte))
                    {
                        MixFrame(k, pte.Frame);
                        Mix(pte.Wired ? 2UL : 1UL);
                    }
                    else
                    {
                        Mix(0);
                    }
                }
            }
        }
        foreach (var s in k.Shm.Segments)
        {
            Mix((ulong)Canonical(s));
            Mix(s.Key);
            Mix((s.Locked ? 1UL : 0) | (s.Removed ? 2UL : 0) | (s.ObjectWired ? 4UL : 0) | (ulong)s.Nattch << 8);
            Mix(s.Mode);
            for (long i = 0; i < s.Object.SizePages; i++)
            {
                MixFrame(k, s.Object.FrameAt(i));
            }
        }
        foreach (var h in k.Handles.Values)
        {
            Mix((h.Released ? 1UL : 0) | (h.AuditHolds ? 2UL : 0) | (h.Process.Alive ? 4UL : 0));
            Mix(h.Start);
            Mix(h.End);
            foreach (int f in h.Frames)
            {
                MixFrame(k, f);
            }
        }
        return _h;
    }

    private int Canonical(object o)
    {
        if (!_objects.TryGetValue(o, out int id))
        {
            id = _objects.Count + 1;
            _objects[o] = id;
        }
        return id;
    }

    private void MixFrame(Kernel.Kernel k, int f)
    {
        if (f < 0)
        {
            Mix(ulong.MaxValue);
            return;
        }
        if (_frameStamp[f] != _stamp)
        {
            _frameStamp[f] = _stamp;
            _frameIds[f] = ++_nextFrame;
        }
        Mix((ulong)_frameIds[f]);
        Mix(k.Vm.Frames[f].WireCount);
        Mix((ulong)k.Vm.Frames[f].State);
    }

    private void Mix(ulong v) =>
        _h = System.Numerics.BitOperations.RotateLeft(_h ^ (v * 0x9E3779B97F4A7C15UL), 31) * Prime;
}
