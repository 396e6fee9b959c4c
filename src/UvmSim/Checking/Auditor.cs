using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.SysV;

namespace UvmSim.Checking;

/// <summary>
/// Recomputes everything from sources of truth and lists every violation, never stopping at
/// the first (SPEC §10). It trusts no counter the kernel keeps: holders are counted from the
/// maps, the segments' lock marks and the transient records, and compared with the frames.
/// </summary>
/// <remarks>
/// An instance keeps its buffers between audits, so the explorer's audit after every call
/// allocates little while the state is clean. The incremental audit differs from the full
/// one only in which frames it visits: those with holders or contracts plus the frame pool's
/// index of non-zero counts. Every other frame has count 0 and no holder, so it cannot be
/// wrong unless its count was written behind the pool's back, which only the full scan sees;
/// likewise the map index is re-verified only when the tree changed.
/// </remarks>
public sealed class Auditor
{
    private const int MaxListed = 16;
    private int[] _expected = [];
    private bool[] _covered = [];
    private bool[] _visited = [];
    private bool[] _listed = [];
    private readonly List<int> _touched = [];
    private readonly List<Violation> _found = [];
    private readonly List<Violation> _unsorted = [];
    private readonly Dictionary<(Form, long, long, long, string?), Violation> _said = [];
    private (int Kind, int Frame, int At)[] _order = new (int, int, int)[16];
    private Dictionary<int, int[]>? _byKind;

    /// <summary>All violations in the kernel's current state, in §10.1 kind order.</summary>
    public static List<Violation> Audit(Kernel.Kernel k) => [.. new Auditor().Check(k, full: true)];

    /// <summary>The same findings as <see cref="Audit"/>, visiting only frames that can be wrong.</summary>
    public static List<Violation> AuditIncremental(Kernel.Kernel k) => [.. new Auditor().Check(k, full: false)];

    /// <summary>
    /// The findings of <see cref="AuditIncremental"/> (the same as <see cref="Audit"/>'s) plus the rule-2 holders of every frame that has any,
    /// split by kind as the same walk counts them (for <c>run --trace</c> and the report; never
    /// on a hot path). =&gt; <c>Holders[frame][kind]</c>, indexed by <see cref="HolderKind"/>;
    /// the kinds sum to the holders the frame's wire count is compared with.
    /// </summary>
    public static (List<Violation> Violations, Dictionary<int, int[]> Holders) AuditWithHolders(Kernel.Kernel k)
    {
        var a = new Auditor { _byKind = [] };
        // The incremental audit reports exactly what the full one would (SPEC §10) and skips
        // the scan of every frame, which a trace would pay twice per call.
        return ([.. a.Check(k, full: false)], a._byKind);
    }

    /// <summary>
    /// Audits with this instance's buffers; the list returned is reused by the next call.
    /// =&gt; empty when the state is clean.
    /// </summary>
    public IReadOnlyList<Violation> Check(Kernel.Kernel k, bool full)
    {
        FramePool frames = k.Vm.Frames;
        Reset(frames.Count);
        ulong page = (ulong)k.PageSize;

        bool flag = k.Wiring.FollowsTranslations;
        foreach (Process p in k.LiveProcesses)
        {
            // One walk of the entries checks their bounds (CheckEntry) and their pages; the
            // violations of each kind come out in the order of separate walks (Check sorts by kind).
            VmMap map = p.Space.Map;
            ulong prevEnd = map.Min;
            for (MapEntry? e = map.First; e is not null; e = e.Next)
            {
                CheckEntry(p.Pid, map, e, ref prevEnd);
                if (e.IsWired && flag)
                {
                    Translations(k, p, e);
                }
                else if (e.IsWired)
                {
                    Pages(k, p, e, e.Start, e.End, ViolationKind.Nonresident, "in a wired entry has no page", requireWired: false,
                        e.Mlocked ? HolderKind.PosixEntry : HolderKind.BalancedEntry);
                }
            }
            CheckIndex(p.Pid, map, full);
            if (flag)
            {
                continue; // §17.9: a POSIX lock is the translations of Mlocked entries, checked above
            }
            foreach (var (s, end) in p.PosixLocked.Ranges)
            {
                Pages(k, p, null, s, end, ViolationKind.LostLock, "is POSIX-locked but not resident or not wired", requireWired: true, HolderKind.PosixEntry);
            }
        }

        foreach (Segment s in k.Shm.Segments)
        {
            CheckSegment(k, s);
        }

        foreach (TransientHandle h in k.Handles.Values)
        {
            if (h.AuditHolds)
            {
                foreach (int f in h.Frames)
                {
                    Expect(f, HolderKind.TransientRecord);
                    Cover(f);
                }
            }
        }

        long nonZero = 0;
        if (full)
        {
            // Every frame made; those past it are free and were never used (FramePool.Made),
            // so only a holder naming one can make one wrong, and those are checked too.
            int made = frames.Made;
            for (int f = 0; f < made; f++)
            {
                nonZero += CheckFrame(frames, f);
            }
            foreach (int f in _touched)
            {
                if (f >= made)
                {
                    nonZero += CheckFrame(frames, f);
                }
            }
        }
        else
        {
            foreach (int f in frames.NonZero())
            {
                Touch(f);
                _visited[f] = true;
                nonZero += CheckFrame(frames, f);
            }
            foreach (int f in _touched)
            {
                if (!_visited[f])
                {
                    _visited[f] = true;
                    nonZero += CheckFrame(frames, f);
                }
            }
        }
        if (nonZero != k.Vm.Stats.Wired)
        {
            _found.Add(new(ViolationKind.Counter, $"wired is {k.Vm.Stats.Wired} but {nonZero} frames have a non-zero count"));
        }
        if (_found.Count > 1)
        {
            SortByKind();
        }
        return _found;
    }

    /// <summary>
    /// Puts the findings in report order, stably: by kind; within a frame kind, by frame, as
    /// the full scan meets them. Sorts keys in this instance's buffers, so an audit of a state
    /// that stays broken allocates only its messages.
    /// </summary>
    private void SortByKind()
    {
        int n = _found.Count;
        if (_order.Length < n)
        {
            _order = new (int, int, int)[Math.Max(n, _order.Length * 2)];
        }
        Span<(int Kind, int Frame, int At)> order = _order.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            Violation v = _found[i];
            order[i] = ((int)v.Kind, v.Kind is ViolationKind.Leak or ViolationKind.Underwired or ViolationKind.FreeWired ? FrameOf(v) : 0, i);
        }
        order.Sort(static (a, b) => a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : a.Frame != b.Frame ? a.Frame.CompareTo(b.Frame) : a.At.CompareTo(b.At));
        _unsorted.Clear();
        _unsorted.AddRange(_found);
        for (int i = 0; i < n; i++)
        {
            _found[i] = _unsorted[order[i].At];
        }
    }

    /// <summary>
    /// Visits the pages of <c>[start, end)</c> in address order (from <paramref name="cursor"/>,
    /// the entry holding <paramref name="start"/> when the caller has it, else a lookup), jumping over stretches with no
    /// page (so a huge sparse range costs what it holds). A page that is missing — or, with
    /// <paramref name="requireWired"/>, not wired — is a violation of <paramref name="kind"/>;
    /// the first few are listed, the rest counted in one line. Present pages of a wired entry
    /// are holders (rule 2) of kind <paramref name="holder"/>; present wired pages of a POSIX lock are covered (rule 6).
    /// </summary>
    private void Pages(Kernel.Kernel k, Process p, MapEntry? cursor, ulong start, ulong end, ViolationKind kind, string what, bool requireWired, HolderKind holder)
    {
        FramePool frames = k.Vm.Frames;
        ulong page = (ulong)k.PageSize;
        long bad = 0, listed = 0;
        // Short ranges are walked page by page; long ones jump over what is not there.
        bool sparse = (end - start) / page > 64;
        ulong va = start;
        while (va < end)
        {
            ulong next = sparse ? k.Faults.NextPage(p.Space, va, end) : va;
            if (next > va)
            {
                Bad(p, kind, what, page, va, (long)((next - va) / page), ref bad, ref listed);
                if (next >= end)
                {
                    break;
                }
            }
            if (cursor is null || !cursor.Contains(next))
            {
                cursor = p.Space.Map.Lookup(next);
            }
            int f = cursor is not null ? k.Faults.PageAt(cursor, next) : -1;
            if (f < 0 || (requireWired && frames[f].WireCount == 0))
            {
                Bad(p, kind, what, page, next, 1, ref bad, ref listed);
            }
            else if (requireWired)
            {
                Cover(f);
            }
            else
            {
                Expect(f, holder);
            }
            va = next + page;
        }
        if (bad > listed)
        {
            _found.Add(new(kind, $"pid {p.Pid} [0x{start:x}, 0x{end:x}): {bad - listed} more pages {what}"));
        }
    }

    /// <summary>
    /// §17.9 rules 2 and 6 under <c>wiring=flag</c>: a wired entry holds one wiring on the frame
    /// of each translation it has, and each such translation must be wired; absent pages are
    /// allowed (Linux locks pages that are not resident).
    /// </summary>
    private void Translations(Kernel.Kernel k, Process p, MapEntry e)
    {
        Fault.Pmap pmap = p.Space.Pmap;
        for (ulong va = pmap.NextMapped(e.Start, e.End); va < e.End; va = pmap.NextMapped(va + (ulong)k.PageSize, e.End))
        {
            if (!pmap.TryGet(va, out Fault.Pte pte))
            {
                continue;
            }
            if (!pte.Wired || k.Vm.Frames[pte.Frame].WireCount == 0)
            {
                _found.Add(new(ViolationKind.LostLock, $"pid {p.Pid} va 0x{va:x} is mapped in a locked entry but not wired"));
            }
            Expect(pte.Frame, e.Mlocked ? HolderKind.PosixEntry : HolderKind.BalancedEntry);
            Cover(pte.Frame);
        }
    }

    /// <summary>Counts <paramref name="count"/> bad pages from <paramref name="va"/>, listing the first few.</summary>
    private void Bad(Process p, ViolationKind kind, string what, ulong page, ulong va, long count, ref long bad, ref long listed)
    {
        for (long i = 0; i < count && listed < MaxListed; i++, listed++)
        {
            _found.Add(Said(Form.Page, (int)kind, p.Pid, (long)(va + (ulong)i * page), what));
        }
        bad += count;
    }

    /// <summary>The findings that a state which stays broken meets call after call, by what they say.</summary>
    private enum Form
    {
        /// <summary>A page of a range that should be there or wired (A: the kind, B: pid, C: va, What: the rest).</summary>
        Page,
        /// <summary>A segment's locked mark against its object's wiring (A: id, B: locked, C: wired).</summary>
        SegmentMark,
        /// <summary>A page of a locked segment not wired (A: id, B: page, C: frame or -1).</summary>
        SegmentPage,
        /// <summary>A free frame with a count (A: frame, B: count).</summary>
        FreeWired,
        /// <summary>More wirings than holders (A: frame, B: count, C: holders).</summary>
        Excess,
        /// <summary>Fewer wirings than holders (A: frame, B: count, C: holders).</summary>
        Short,
        /// <summary>Wired with no lock or transient record (A: frame).</summary>
        Unheld,
    }

    /// <summary>
    /// The finding of <paramref name="form"/> with these values: formatted once, then taken
    /// from this auditor's memory (findings are immutable), so auditing a state that stays
    /// broken — a fuzz run that goes on past violations, a legacy preset's explorer calls —
    /// does not format the same findings again after every call. The memory is forgotten
    /// when it reaches 4,096 findings.
    /// </summary>
    private Violation Said(Form form, long a, long b = 0, long c = 0, string? what = null)
    {
        var key = (form, a, b, c, what);
        if (_said.TryGetValue(key, out Violation? v))
        {
            return v;
        }
        if (_said.Count >= 4096)
        {
            _said.Clear();
        }
        v = form switch
        {
            Form.Page => new((ViolationKind)a, $"pid {b} va 0x{(ulong)c:x} {what}"),
            Form.SegmentMark => new(ViolationKind.Segment, $"segment {a} is marked {(b != 0 ? "locked" : "unlocked")} but its object is {(c != 0 ? "wired" : "not wired")}"),
            Form.SegmentPage => new(ViolationKind.LostLock, $"segment {a} page {b} is SVID-locked but {(c < 0 ? "not resident" : $"frame {c} is not wired")}"),
            Form.FreeWired => new(ViolationKind.FreeWired, $"free frame {a} has wire count {b}"),
            Form.Excess => new(ViolationKind.Leak, $"frame {a} has {b} wirings but {c} holders"),
            Form.Short => new(ViolationKind.Underwired, $"frame {a} has {b} wirings but {c} holders"),
            Form.Unheld => new(ViolationKind.Leak, $"frame {a} is wired with no lock or transient record"),
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, "unknown form of finding"),
        };
        _said[key] = v;
        return v;
    }

    private static int FrameOf(Violation v)
    {
        string d = v.Detail;
        int i = d.IndexOf("frame ", StringComparison.Ordinal);
        if (i < 0)
        {
            return 0;
        }
        int n = 0;
        for (i += 6; i < d.Length && char.IsAsciiDigit(d[i]); i++)
        {
            n = n * 10 + (d[i] - '0');
        }
        return n;
    }

    private void Reset(int frames)
    {
        if (_expected.Length != frames)
        {
            _expected = new int[frames];
            _covered = new bool[frames];
            _visited = new bool[frames];
            _listed = new bool[frames];
            _touched.Clear();
        }
        foreach (int f in _touched)
        {
            _expected[f] = 0;
            _covered[f] = false;
            _visited[f] = false;
            _listed[f] = false;
        }
        _touched.Clear();
        _found.Clear();
    }

    private void Touch(int f)
    {
        if (!_listed[f])
        {
            _listed[f] = true;
            _touched.Add(f);
        }
    }

    private void Expect(int f, HolderKind kind)
    {
        Touch(f);
        _expected[f]++;
        if (_byKind is not null)
        {
            if (!_byKind.TryGetValue(f, out int[]? kinds))
            {
                _byKind[f] = kinds = new int[Enum.GetValues<HolderKind>().Length];
            }
            kinds[(int)kind]++;
        }
    }

    private void Cover(int f)
    {
        Touch(f);
        _covered[f] = true;
    }

    /// <summary>
    /// Checks what the <c>sysv</c> lock in force promises for <paramref name="s"/>
    /// (<see cref="ISysvLock.WiresObject"/>, <see cref="ISysvLock.HoldsRecord"/>): the lock
    /// states its own rule, so a new lock kind needs no case here.
    /// </summary>
    private void CheckSegment(Kernel.Kernel k, Segment s)
    {
        ISysvLock sysvLock = k.SysvLock;
        if (sysvLock.WiresObject && s.Locked != s.ObjectWired)
        {
            _found.Add(Said(Form.SegmentMark, s.Id, s.Locked ? 1 : 0, s.ObjectWired ? 1 : 0));
        }
        foreach (Process p in k.LiveProcesses)
        {
            foreach (Attachment a in p.Attachments)
            {
                if (a.Segment != s)
                {
                    continue;
                }
                for (MapEntry? e = p.Space.Map.LookupAtOrAfter(a.Va); e is not null && e.Start < a.Va + a.Size; e = e.Next)
                {
                    if (sysvLock.HoldsRecord(e, s) is { } holds && e.SegmentRecord != holds)
                    {
                        _found.Add(new(ViolationKind.Segment, $"segment {s.Id}: pid {p.Pid} entry 0x{e.Start:x} {(holds ? "misses its record" : "holds a stale record")}"));
                    }
                }
            }
        }
        if (!s.Locked || !sysvLock.WiresObject)
        {
            return;
        }
        FramePool frames = k.Vm.Frames;
        for (long i = 0; i < s.Object.SizePages; i++)
        {
            int f = s.Object.FrameAt(i);
            if (f < 0 && k.SysvLock.WiresResidentOnly)
            {
                continue; // §17.9 rule 4 under shmem: only resident pages are held
            }
            if (f < 0 || frames[f].WireCount == 0)
            {
                _found.Add(Said(Form.SegmentPage, s.Id, i, f));
            }
            if (f >= 0)
            {
                Expect(f, HolderKind.SegmentRecord);
                Cover(f);
            }
        }
    }

    /// <summary>Rules 2, 3 and 6 for one frame; returns 1 when its count is non-zero.</summary>
    private int CheckFrame(FramePool frames, int f)
    {
        ref Frame fr = ref frames[f];
        int want = _expected[f];
        if (fr.State == FrameState.Free && fr.WireCount != 0)
        {
            _found.Add(Said(Form.FreeWired, f, fr.WireCount));
        }
        if (fr.WireCount > want)
        {
            _found.Add(Said(Form.Excess, f, fr.WireCount, want));
            return 1;
        }
        if (fr.WireCount < want)
        {
            _found.Add(Said(Form.Short, f, fr.WireCount, want));
        }
        // Rule 6 holds whatever rule 3 found: an underwired frame can be a leak too (§10).
        if (fr.WireCount != 0 && !_covered[f])
        {
            _found.Add(Said(Form.Unheld, f));
        }
        return fr.WireCount != 0 ? 1 : 0;
    }

    /// <summary>An entry's bounds: non-empty, aligned, inside the map, after the one before it.</summary>
    private void CheckEntry(int pid, VmMap map, MapEntry e, ref ulong prevEnd)
    {
        ulong page = (ulong)map.PageSize;
        if (e.Start >= e.End || e.Start % page != 0 || e.End % page != 0 || e.Start < map.Min || e.End > map.Max)
        {
            _found.Add(new(ViolationKind.Map, $"pid {pid} entry [0x{e.Start:x}, 0x{e.End:x}) is empty, unaligned or outside the map"));
        }
        if (e.Start < prevEnd)
        {
            _found.Add(new(ViolationKind.Map, $"pid {pid} entry 0x{e.Start:x} overlaps or precedes the one before it"));
        }
        prevEnd = Math.Max(prevEnd, e.End);
    }

    /// <summary>The map's index (its entry tree) against its list; re-verified only when the tree changed unless <paramref name="full"/>.</summary>
    private void CheckIndex(int pid, VmMap map, bool full)
    {
        IReadOnlyList<string> problems = full ? map.VerifyIndex() : map.VerifyIndexCached();
        for (int i = 0; i < problems.Count; i++) // indexed: no boxed enumerator per call
        {
            _found.Add(new(ViolationKind.Map, $"pid {pid}: {problems[i]}"));
        }
    }
}
