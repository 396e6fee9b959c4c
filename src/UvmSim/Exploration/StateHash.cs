using System.Numerics;
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
    private const int ScanLimit = 32;
    private readonly object?[] _objects = new object?[ScanLimit + 1];
    private readonly Dictionary<object, int> _many = new(ReferenceEqualityComparer.Instance);
    private int _objectCount;
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
        if (_objectCount > ScanLimit)
        {
            _many.Clear();
        }
        Array.Clear(_objects, 0, Math.Min(_objectCount, _objects.Length));
        _objectCount = 0;
        _h = Offset;
        Mix((ulong)k.Vm.Stats.Wired);
        Mix((ulong)k.Vm.Stats.Free);
        _procs.Clear();
        _procs.AddRange(k.LiveProcesses);
        if (!InPidOrder(_procs))
        {
            _procs.Sort(static (a, b) => a.Pid.CompareTo(b.Pid));
        }
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

    /// <summary>Whether <paramref name="procs"/> are sorted already (the usual order of the kernel's table).</summary>
    private static bool InPidOrder(List<Process> procs)
    {
        for (int i = 1; i < procs.Count; i++)
        {
            if (procs[i - 1].Pid > procs[i].Pid)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The number of <paramref name="o"/> in order of first appearance. A state usually holds a
    /// few objects, amaps and segments, so a scan of the ones met so far beats hashing them (a
    /// reference hash is generated and stored in each fresh object's header); past
    /// <see cref="ScanLimit"/> of them a dictionary takes over.
    /// </summary>
    private int Canonical(object o)
    {
        if (_objectCount > ScanLimit)
        {
            if (!_many.TryGetValue(o, out int id))
            {
                _many[o] = id = ++_objectCount;
            }
            return id;
        }
        object?[] seen = _objects;
        for (int i = 0; i < _objectCount; i++)
        {
            if (ReferenceEquals(seen[i], o))
            {
                return i + 1;
            }
        }
        seen[_objectCount] = o;
        if (++_objectCount > ScanLimit)
        {
            for (int i = 0; i < _objectCount; i++)
            {
                _many[seen[i]!] = i + 1;
            }
        }
        return _objectCount;
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
        _h = BitOperations.RotateLeft(_h ^ (v * 0x9E3779B97F4A7C15UL), 31) * Prime;
}
