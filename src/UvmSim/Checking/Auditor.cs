using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.Policies;
using UvmSim.SysV;

namespace UvmSim.Checking;

/// <summary>
/// Recomputes everything from sources of truth and lists every violation, never stopping at
/// the first (SPEC §10). It trusts no counter the kernel keeps: holders are counted from the
/// maps, the segments' lock marks and the transient records, and compared with the frames.
/// </summary>
public static class Auditor
{
    /// <summary>All violations in the kernel's current state, in §10.1 kind order.</summary>
    public static List<Violation> Audit(Kernel.Kernel k) => Audit(k, full: true);

    /// <summary>
    /// The same findings as <see cref="Audit(Kernel.Kernel)"/> without scanning every frame:
    /// only frames with holders or in the frame pool's index of non-zero counts can be
    /// wrong. What the explorer runs after every call.
    /// </summary>
    public static List<Violation> AuditIncremental(Kernel.Kernel k) => Audit(k, full: false);

    private static List<Violation> Audit(Kernel.Kernel k, bool full)
    {
        var found = new List<Violation>();
        var expected = new Dictionary<int, int>();
        var covered = new HashSet<int>();
        FramePool frames = k.Vm.Frames;

        foreach (var p in k.Processes.Values)
        {
            CheckMap(p.Pid, p.Space.Map, found);
            for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
            {
                if (!e.IsWired)
                {
                    continue;
                }
                for (ulong va = e.Start; va < e.End; va += (ulong)k.PageSize)
                {
                    int f = k.Faults.PageAt(e, va);
                    if (f < 0)
                    {
                        found.Add(new(ViolationKind.Nonresident, $"pid {p.Pid} va 0x{va:x} in a wired entry has no page"));
                        continue;
                    }
                    expected[f] = expected.GetValueOrDefault(f) + 1;
                }
            }
            foreach (var (s, end) in p.PosixLocked.Ranges)
            {
                for (ulong va = s; va < end; va += (ulong)k.PageSize)
                {
                    int f = p.Space.Map.Lookup(va) is { } e ? k.Faults.PageAt(e, va) : -1;
                    if (f < 0 || frames[f].WireCount == 0)
                    {
                        found.Add(new(ViolationKind.LostLock, $"pid {p.Pid} va 0x{va:x} is POSIX-locked but {(f < 0 ? "not resident" : $"frame {f} is not wired")}"));
                    }
                    else
                    {
                        covered.Add(f);
                    }
                }
            }
        }

        foreach (Segment s in k.Shm.Segments)
        {
            if (s.Locked != s.ObjectWired)
            {
                found.Add(new(ViolationKind.Segment, $"segment {s.Id} is marked {(s.Locked ? "locked" : "unlocked")} but its object is {(s.ObjectWired ? "wired" : "not wired")}"));
            }
            if (k.SysvLock is SegmentSysvLock scoped)
            {
                foreach (var (p, e) in scoped.AttachmentEntries(s))
                {
                    if (e.SegmentRecord != s.Locked)
                    {
                        found.Add(new(ViolationKind.Segment, $"segment {s.Id}: pid {p.Pid} entry 0x{e.Start:x} {(s.Locked ? "misses its record" : "holds a stale record")}"));
                    }
                }
            }
            if (!s.Locked)
            {
                continue;
            }
            for (long i = 0; i < s.Object.SizePages; i++)
            {
                int f = s.Object.FrameAt(i);
                if (f < 0 || frames[f].WireCount == 0)
                {
                    found.Add(new(ViolationKind.LostLock, $"segment {s.Id} page {i} is SVID-locked but {(f < 0 ? "not resident" : $"frame {f} is not wired")}"));
                }
                if (f >= 0)
                {
                    expected[f] = expected.GetValueOrDefault(f) + 1;
                    covered.Add(f);
                }
            }
        }

        foreach (var h in k.Handles.Values)
        {
            if (!h.AuditHolds)
            {
                continue;
            }
            foreach (int f in h.Frames)
            {
                expected[f] = expected.GetValueOrDefault(f) + 1;
                covered.Add(f);
            }
        }

        long nonZero = 0;
        IEnumerable<int> candidates = full
            ? Enumerable.Range(0, frames.Count)
            : frames.NonZero.Union(expected.Keys).Order();
        foreach (int f in candidates)
        {
            ref Frame fr = ref frames[f];
            int want = expected.GetValueOrDefault(f);
            if (fr.WireCount != 0)
            {
                nonZero++;
            }
            if (fr.State == FrameState.Free && fr.WireCount != 0)
            {
                found.Add(new(ViolationKind.FreeWired, $"free frame {f} has wire count {fr.WireCount}"));
            }
            if (fr.WireCount > want)
            {
                found.Add(new(ViolationKind.Leak, $"frame {f} has {fr.WireCount} wirings but {want} holders"));
            }
            else if (fr.WireCount < want)
            {
                found.Add(new(ViolationKind.Underwired, $"frame {f} has {fr.WireCount} wirings but {want} holders"));
            }
            else if (fr.WireCount != 0 && !covered.Contains(f) && want == 0)
            {
                found.Add(new(ViolationKind.Leak, $"frame {f} is wired with no lock or transient record"));
            }
        }
        if (nonZero != k.Vm.Stats.Wired)
        {
            found.Add(new(ViolationKind.Counter, $"wired is {k.Vm.Stats.Wired} but {nonZero} frames have a non-zero count"));
        }
        if (found.Count == 0)
        {
            return found;
        }
        return found.OrderBy(v => v.Kind).ToList();
    }

    private static void CheckMap(int pid, VmMap map, List<Violation> found)
    {
        ulong prevEnd = map.Min;
        ulong page = (ulong)map.PageSize;
        foreach (MapEntry e in map.Entries)
        {
            if (e.Start >= e.End || e.Start % page != 0 || e.End % page != 0 || e.Start < map.Min || e.End > map.Max)
            {
                found.Add(new(ViolationKind.Map, $"pid {pid} entry [0x{e.Start:x}, 0x{e.End:x}) is empty, unaligned or outside the map"));
            }
            if (e.Start < prevEnd)
            {
                found.Add(new(ViolationKind.Map, $"pid {pid} entry 0x{e.Start:x} overlaps or precedes the one before it"));
            }
            prevEnd = Math.Max(prevEnd, e.End);
        }
        foreach (string problem in map.VerifyIndex())
        {
            found.Add(new(ViolationKind.Map, $"pid {pid}: {problem}"));
        }
    }
}
