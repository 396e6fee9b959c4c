using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Scenarios;

/// <summary>A run reads switch conditions from its actual switches, overrides included.</summary>
public class SwitchConditionRunTests
{
    private const string Text = """
        proc A
        A: a = mmap 1p rw private|anon
        A: mlock a 1p
        A: check mlocked a == wiring=split: yes | no
        A: check ec a == wiring=counter: 1 | 0
        A: munlock a 1p
        A: munlock a 1p => munlock-unlocked=ok: 0 | ENOMEM

        """;

    private static RunResult Run(Policy policy) =>
        new ScenarioRunner(ScenarioParser.Parse("t.scn", Text).Scenario!, policy).Run();

    public static TheoryData<string, string, string> Overrides() => new()
    {
        { PresetNames.Dual, "wiring", "counter" },
        { PresetNames.NetBsd8, "wiring", "split" },
        { PresetNames.Dual, "munlock-unlocked", "enomem" },
        { PresetNames.NetBsd9, "munlock-unlocked", "ok" },
    };

    [Theory]
    [MemberData(nameof(Overrides))]
    public void An_override_picks_the_alternative_of_its_value(string preset, string name, string value)
    {
        Policy policy = Policy.FromPreset(preset)!.With(name, value, out _)!;
        RunResult r = Run(policy);
        Assert.True(r.Passed, string.Join("\n", r.Lines.Where(l => l.Status == LineStatus.Fail).Select(l => $"{l.Line}: {l.Expected} got {l.Actual}")));
    }

    [Fact]
    public void The_same_lines_keyed_by_preset_fail_under_an_override()
    {
        string byPreset = Text.Replace("wiring=split:", "thorpej-2019,dual:", StringComparison.Ordinal);
        Policy policy = Policy.Default.With("wiring", "counter", out _)!;
        RunResult r = new ScenarioRunner(ScenarioParser.Parse("t.scn", byPreset).Scenario!, policy).Run();
        Assert.False(r.Passed);
    }
}
