using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;
using UvmSim.Tests.Scenarios;

namespace UvmSim.Tests.Policies;

/// <summary>
/// SPEC §6: a switch means the same whatever the others are, so every combination is a
/// defined kernel. Every combination (the product of each switch's value count) runs every example to the end (outcomes differ;
/// nothing may throw), and the labels name the overrides in table order.
/// </summary>
public class SwitchCombinationTests
{
    private static IEnumerable<Policy> AllCombinations()
    {
        IEnumerable<Policy> policies = [Policy.Default];
        foreach (string name in Policy.SwitchNames)
        {
            string n = name;
            policies = policies.SelectMany(p => Policy.ValuesOf(n)!.Select(v => p.With(n, v, out _)!)).ToList();
        }
        return policies;
    }

    [Fact]
    public void Every_combination_of_switches_runs_every_example()
    {
        var scenarios = Directory.GetFiles(ExamplesTestsPaths.Examples, "*.scn")
            .Select(f => ScenarioParser.Parse(Path.GetFileName(f), File.ReadAllBytes(f)).Scenario!)
            .ToList();
        var policies = AllCombinations().ToList();
        int combinations = Policy.SwitchNames.Aggregate(1, (n, name) => n * Policy.ValuesOf(name)!.Count);
        Assert.Equal(combinations, policies.Count);
        Assert.Equal(combinations, policies.Select(p => p.Label).Distinct().Count());
        foreach (Policy p in policies)
        {
            foreach (Scenario s in scenarios)
            {
                RunResult r = new ScenarioRunner(s, p).Run();
                Assert.Equal(s.Statements.OfType<CallStatement>().Count() + s.Statements.OfType<CheckStatement>().Count(), r.Lines.Count);
            }
        }
    }

    [Fact]
    public void A_label_names_the_overrides_in_table_order()
    {
        Policy p = Policy.FromPreset(PresetNames.NetBsd8)!.With("unwire-by", "pages", out _)!.With("wiring", "split", out _)!;
        Assert.Equal("netbsd-8+wiring=split,unwire-by=pages", p.Label);
        Assert.Null(p.With("wiring", "bogus", out string? error));
        Assert.Contains("counter, split", error);
    }
}
