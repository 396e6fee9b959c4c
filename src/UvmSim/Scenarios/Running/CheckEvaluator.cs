using UnreachableException = System.Diagnostics.UnreachableException;
using UvmSim.Checking;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Policies;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Scenarios.Running;

/// <summary>
/// Evaluates a <c>check</c> line (SPEC §12.5) against the kernel as it is now — after a
/// panic, the state it died in. Checking an address in no entry, or a freed segment (except
/// <c>exists</c>), is a run-time error that fails the line.
/// </summary>
internal sealed class CheckEvaluator(
    Kernel.Kernel kernel,
    IReadOnlyDictionary<string, Process?> procs,
    IReadOnlyDictionary<string, ulong> values,
    IReadOnlySet<string> unbound)
{
    private sealed class CheckError(string message) : Exception(message);

    private abstract record Actual;
    private sealed record Num(long Value) : Actual;
    private sealed record Word(CheckWord Value) : Actual;
    private sealed record Nums(IReadOnlyList<long> Values) : Actual;
    private sealed record Words(IReadOnlyList<CheckWord> Values) : Actual;

    public (string Actual, LineStatus Status, string Expected, string? Error) Evaluate(CheckStatement c, Policy policy)
    {
        if (c.Check is AuditFindsCheck finds)
        {
            if (finds.For(policy) is not { } text)
            {
                return ("-", LineStatus.Skipped, "-", null);
            }
            var lines = Auditor.Audit(kernel).Select(v => v.ToString()).ToList();
            bool hit = lines.Any(l => l.Contains(text, StringComparison.Ordinal));
            return (hit ? "found" : $"not found in {lines.Count} violation(s)", hit ? LineStatus.Pass : LineStatus.Fail, $"finds \"{text}\"", null);
        }
        var cmp = (ComparisonCheck)c.Check;
        CheckValue? expected = cmp.Expected.For(policy);
        if (expected is null)
        {
            return ("-", LineStatus.Skipped, "-", null);
        }
        string expectedText = $"{cmp.Op.Symbol()} {RenderExpected(expected)}";
        Process? p = null;
        if (c.Proc is not null && (!procs.TryGetValue(c.Proc, out p) || p is null) || Unbound(cmp))
        {
            return ("unbound", expected is UnboundValue ? LineStatus.Pass : LineStatus.Fail, expectedText, null);
        }
        if (p is { Alive: false })
        {
            return ("exited", LineStatus.Fail, expectedText, $"process {c.Proc} has exited");
        }
        Actual actual;
        try
        {
            actual = Read(cmp, p);
        }
        catch (CheckError e)
        {
            return ("error", LineStatus.Fail, expectedText, e.Message);
        }
        bool pass = expected switch
        {
            NumberValue n => Compare(actual, cmp.Op, (long)Eval(n.Value)),
            WordValue w => CompareWord(actual, cmp.Op, w.Word),
            UnboundValue => false,
            _ => throw new UnreachableException($"check value {expected.GetType().Name}"),
        };
        return (RenderActual(actual), pass ? LineStatus.Pass : LineStatus.Fail, expectedText, null);
    }

    private bool Unbound(ComparisonCheck c)
    {
        IEnumerable<Expr?> exprs = c switch
        {
            PwCheck pw => [pw.Address, pw.Length],
            EcCheck ec => [ec.Address],
            MlockedCheck m => [m.Address, m.Length],
            OnFaultCheck o => [o.Address, o.Length],
            ResidentCheck r => [r.Address, r.Length],
            SegmentCheck s => [s.Id],
            WiredCheck or FreeCheck or EntriesCheck or LockedCheck or WireFutureCheck or AuditCheck => [],
            _ => throw new UnreachableException($"check {c.GetType().Name}"),
        };
        return exprs.Any(e => e is not null && e.Names.Any(n => unbound.Contains(n) || !values.ContainsKey(n)));
    }

    private ulong Eval(Expr e) => e.Evaluate(n => values.TryGetValue(n, out ulong v) ? v : 0, (ulong)kernel.PageSize);

    private Actual Read(ComparisonCheck c, Process? p) => c switch
    {
        WiredCheck => new Num(kernel.Vm.Stats.Wired),
        FreeCheck => new Num(kernel.Vm.Stats.Free),
        PwCheck pw => new Nums(Pages(p!, pw.Address, pw.Length).Select(va => (long)WireCountAt(p!, va)).ToList()),
        ResidentCheck r => new Words(Pages(p!, r.Address, r.Length).Select(va => PageAt(p!, va) >= 0 ? CheckWord.Yes : CheckWord.No).ToList()),
        EcCheck ec => new Num(EntryAt(p!, Eval(ec.Address)).WiredCount),
        MlockedCheck { Length: null } m => new Word(EntryAt(p!, Eval(m.Address)).Mlocked ? CheckWord.Yes : CheckWord.No),
        MlockedCheck m => new Words(Pages(p!, m.Address, m.Length).Select(va => EntryAt(p!, va).Mlocked ? CheckWord.Yes : CheckWord.No).ToList()),
        OnFaultCheck o => new Words(Pages(p!, o.Address, o.Length).Select(va => EntryAt(p!, va).OnFault ? CheckWord.Yes : CheckWord.No).ToList()),
        EntriesCheck => new Num(p!.Space.Map.EntryCount),
        LockedCheck => new Num((long)kernel.Locked(p!)),
        WireFutureCheck => new Word(p!.Space.Map.WireFuture ? CheckWord.Yes : CheckWord.No),
        SegmentCheck s => ReadSegment(s),
        AuditCheck => new Word(Auditor.Audit(kernel).Count == 0 ? CheckWord.Clean : CheckWord.Dirty),
        _ => throw new CheckError("unknown check"),
    };

    private Actual ReadSegment(SegmentCheck s)
    {
        ulong id = Eval(s.Id);
        SysV.Segment seg = kernel.Shm.FindEver(id) ?? throw new CheckError($"no segment has id {id}");
        if (s.Property == SegmentProperty.Exists)
        {
            return new Word(seg.Freed ? CheckWord.No : CheckWord.Yes);
        }
        if (seg.Freed)
        {
            throw new CheckError($"segment {id} has been freed");
        }
        return s.Property switch
        {
            SegmentProperty.Locked => new Word(seg.Locked ? CheckWord.Yes : CheckWord.No),
            SegmentProperty.Dest => new Word(seg.Removed ? CheckWord.Yes : CheckWord.No),
            SegmentProperty.Nattch => new Num(seg.Nattch),
            _ => throw new CheckError($"unknown segment property {s.Property}"),
        };
    }

    private IEnumerable<ulong> Pages(Process p, Expr addr, Expr? len)
    {
        ulong page = (ulong)kernel.PageSize;
        ulong start = Eval(addr) & ~(page - 1);
        ulong end = len is null ? start + page : Eval(addr) + Eval(len);
        var list = new List<ulong>();
        for (ulong va = start; va < end && list.Count < 1 << 20; va += page)
        {
            EntryAt(p, va);
            list.Add(va);
        }
        return list;
    }

    private MapEntry EntryAt(Process p, ulong va) =>
        p.Space.Map.Lookup(va) ?? throw new CheckError($"address 0x{va:x} is in no entry of {p.Pid}");

    private int PageAt(Process p, ulong va) => kernel.Faults.PageAt(EntryAt(p, va), va);

    private int WireCountAt(Process p, ulong va) => PageAt(p, va) is var f and >= 0 ? kernel.Vm.Frames[f].WireCount : 0;

    private static bool Compare(Actual a, Comparison op, long expected) => a switch
    {
        Num n => op.Holds(n.Value, expected),
        Nums ns => ns.Values.Count > 0 && ns.Values.All(v => op.Holds(v, expected)),
        Word or Words => false,
        _ => throw new UnreachableException($"actual {a.GetType().Name}"),
    };

    private static bool CompareWord(Actual a, Comparison op, CheckWord expected)
    {
        bool Eq(CheckWord w) => op == Comparison.NotEqual ? w != expected : w == expected;
        return a switch
        {
            Word w => Eq(w.Value),
            Words ws => ws.Values.Count > 0 && ws.Values.All(Eq),
            Num or Nums => false,
            _ => throw new UnreachableException($"actual {a.GetType().Name}"),
        };
    }

    private static string RenderActual(Actual a) => a switch
    {
        Num n => n.Value.ToString(),
        Word w => w.Value.ToString().ToLowerInvariant(),
        Nums ns => ns.Values.Distinct().Count() == 1 ? ns.Values[0].ToString() : string.Join(",", ns.Values),
        Words ws => ws.Values.Distinct().Count() == 1 ? ws.Values[0].ToString().ToLowerInvariant() : string.Join(",", ws.Values.Select(w => w.ToString().ToLowerInvariant())),
        _ => throw new UnreachableException($"actual {a.GetType().Name}"),
    };

    private string RenderExpected(CheckValue v) => v switch
    {
        NumberValue n => n.Value.Names.Any() ? $"{n.Value} ({(long)Eval(n.Value)})" : ((long)Eval(n.Value)).ToString(),
        WordValue w => w.Word.ToString().ToLowerInvariant(),
        UnboundValue => "unbound",
        _ => throw new UnreachableException($"check value {v.GetType().Name}"),
    };
}
