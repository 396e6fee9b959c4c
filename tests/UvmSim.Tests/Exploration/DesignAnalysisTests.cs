using UvmSim.Exploration.Design;
using UvmSim.Policies;

namespace UvmSim.Tests.Exploration;

/// <summary>The analysis as a pure function of a table: safe sets given by a rule come back as that rule.</summary>
public class DesignAnalysisTests
{
    private static readonly Policy Base = Policy.FromPreset(PresetNames.NetBsd8)!;

    /// <summary>A table over <paramref name="vary"/> where a combination is safe exactly when <paramref name="safe"/> says so.</summary>
    private static List<DesignRow> Table(IReadOnlyList<string> vary, Func<Policy, bool> safe, Func<Policy, string>? finding = null) =>
        [.. Lattice.Combinations(Base, vary).Select(p => safe(p)
            ? new DesignRow(p.Label, Switches(p), true, null, null)
            : new DesignRow(p.Label, Switches(p), false, "violation", finding?.Invoke(p) ?? "leak: frame 1 has 2 wirings, 1 holder"))];

    private static Dictionary<string, string> Switches(Policy p) => p.Switches.ToDictionary(x => x.Key, x => x.Value);

    [Fact]
    public void The_lattice_is_enumerated_from_the_policy_metadata()
    {
        IReadOnlyList<string> all = Lattice.ParseVary("all", out _)!;
        Assert.Equal(Policy.SwitchNames, all);
        long expected = Policy.SwitchNames.Aggregate(1L, (n, s) => n * Policy.ValuesOf(s)!.Count);
        IReadOnlyList<Policy> combinations = Lattice.Combinations(Base, all);
        Assert.Equal(expected, combinations.Count);
        Assert.Equal(expected, Lattice.Count(all));
        Assert.Equal(combinations.Count, combinations.Select(p => p.Label).Distinct().Count());
        Assert.Equal("netbsd-8", combinations[0].Label);
        Assert.Contains(combinations, p => p.Switches.SequenceEqual(Policy.FromPreset(PresetNames.Dual)!.Switches));
        Assert.Contains("netbsd-8+wiring=split,sysv=segment", combinations.Select(p => p.Label));
    }

    [Fact]
    public void Unknown_switches_in_vary_are_an_error()
    {
        Assert.Null(Lattice.ParseVary("wiring,nosuch", out string? error));
        Assert.Contains("nosuch", error, StringComparison.Ordinal);
        Assert.Equal(["wiring", "sysv"], Lattice.ParseVary("sysv,wiring,sysv", out _));
    }

    [Fact]
    public void A_conjunction_comes_back_as_needs_and_the_rest_as_irrelevant()
    {
        string[] vary = ["wiring", "sysv", "zero-length", "length-wrap"];
        var rows = Table(vary, p => p.Wiring == WiringSwitch.Split && p.Sysv != SysvSwitch.Legacy && p.ZeroLength == ZeroLengthSwitch.Noop);
        DesignAnalysis a = DesignAnalysis.Of(Base, vary, 4, rows);
        Assert.Equal(["wiring=split", "sysv∈{object, segment}", "zero-length=noop"], a.Needs.Select(c => c.ToString()));
        Assert.Empty(a.AnyOf);
        Assert.Equal(["length-wrap"], a.Irrelevant);
        Assert.Equal(4, a.Safe.Count);
        Assert.Equal(
            "under this universe to depth 4, safety needs wiring=split ∧ sysv∈{object, segment} ∧ zero-length=noop, and that is enough; length-wrap is irrelevant at this depth. 4 of 24 combinations are safe.",
            a.Verdict);
        Assert.Equal(ValueRole.Necessary, Role(a, "wiring", "split"));
        Assert.Equal(ValueRole.NeverSafe, Role(a, "wiring", "counter"));
        Assert.Equal(ValueRole.SufficientWithOthers, Role(a, "sysv", "object"));
        Assert.Equal(ValueRole.NeverSafe, Role(a, "sysv", "legacy"));
        Assert.Equal(ValueRole.Irrelevant, Role(a, "length-wrap", "wrap"));
        // Minimal: length-wrap can go back to wrap, so only the wrap combinations are minimal.
        Assert.Equal(["netbsd-8+wiring=split,sysv=object,zero-length=noop", "netbsd-8+wiring=split,sysv=segment,zero-length=noop"], a.MinimalSafe);
    }

    [Fact]
    public void A_disjunction_comes_back_as_alternatives_that_cover_exactly_the_safe_set()
    {
        string[] vary = ["wiring", "sysv", "unwire-by"];
        static bool Safe(Policy p) => p.UnwireBy == UnwireBySwitch.Pages && p.Sysv != SysvSwitch.Legacy && (p.Wiring == WiringSwitch.Split || p.Sysv == SysvSwitch.Object);
        var rows = Table(vary, Safe);
        DesignAnalysis a = DesignAnalysis.Of(Base, vary, 6, rows);
        Assert.Equal(["sysv∈{object, segment}", "unwire-by=pages"], a.Needs.Select(c => c.ToString()));
        Assert.Equal(2, a.AnyOf.Count);
        Assert.Equal("under this universe to depth 6, safety needs sysv∈{object, segment} ∧ unwire-by=pages ∧ (sysv=object ∨ wiring=split). 3 of 12 combinations are safe.", a.Verdict);
        // The formula describes exactly the safe set.
        foreach (Policy p in Lattice.Combinations(Base, vary))
        {
            var sw = Switches(p);
            bool meets = a.Needs.All(c => c.Values.Contains(sw[c.Switch])) && a.AnyOf.Any(alt => alt.All(c => c.Values.Contains(sw[c.Switch])));
            Assert.Equal(Safe(p), meets);
        }
        Assert.Equal(ValueRole.SufficientWithOthers, Role(a, "wiring", "counter"));
        Assert.Equal(ValueRole.SufficientWithOthers, Role(a, "wiring", "split"));
        // split+object is not minimal: wiring can go back to counter and stay safe.
        Assert.Equal(["netbsd-8+sysv=object,unwire-by=pages", "netbsd-8+wiring=split,sysv=segment,unwire-by=pages"], a.MinimalSafe);
    }

    [Fact]
    public void Neighbours_share_a_finding_when_moving_one_switch_keeps_its_family()
    {
        string[] vary = ["wiring", "zero-length"];
        var rows = Table(vary, _ => false, p => p.ZeroLength == ZeroLengthSwitch.Unchecked
            ? "nonresident: pid 1 va 0x2000 in a wired entry has no page"
            : "underwired: frame 3 has 0 wirings, 1 holder; segment: seg 65536 marked locked");
        DesignAnalysis a = DesignAnalysis.Of(Base, vary, 6, rows);
        SharedFinding legacy = a.Shared.Single(s => s.Label == "netbsd-8");
        Assert.Equal("violation nonresident", legacy.Finding);
        Assert.Equal(["netbsd-8+wiring=split"], legacy.SameAs);
        Assert.Equal("violation underwired, segment", a.Shared.Single(s => s.Label == "netbsd-8+zero-length=noop").Finding);
        Assert.Contains("no combination is safe", a.Verdict, StringComparison.Ordinal);
        Assert.Equal(["wiring", "zero-length"], a.Irrelevant);
    }

    private static ValueRole Role(DesignAnalysis a, string sw, string value) =>
        a.Values.Single(v => v.Switch == sw && v.Value == value).Role;
}
