using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Policies;

/// <summary>
/// Adding a preset is cheap: a policy with exactly dual's switches under a name no scenario
/// mentions meets every expectation of every example and conformance file, line for line as
/// dual does. It holds because expectations follow switches (docs/scenarios.md): dual's
/// behaviour is each line's default or keyed by a switch, never by the name <c>dual</c>.
/// </summary>
public class NewPresetTests
{
    private const string NewName = "dual-twin";

    private static Policy Twin => Policy.Default with { Preset = NewName };

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(RepoPaths.Examples, "*.scn").Concat(Directory.GetFiles(RepoPaths.Conformance, "*.scn"))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }
        return data;
    }

    [Fact]
    public void The_twin_is_no_preset_and_has_dual_s_switches()
    {
        Assert.DoesNotContain(NewName, PresetNames.All);
        Assert.Null(Policy.FromPreset(NewName));
        Assert.Equal(Policy.Default.Switches, Twin.Switches);
        Assert.Equal(NewName, Twin.Label);
    }

    [Fact]
    public void Every_file_is_compared()
    {
        Assert.True(Files().Count() > 100, $"only {Files().Count()} files found");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_preset_with_dual_s_switches_under_a_new_name_runs_every_file_as_dual_does(string file)
    {
        ParseResult parsed = ScenarioParser.Parse(file, File.ReadAllBytes(Path.Combine(RepoPaths.Root, file)));
        Assert.True(parsed.Success, parsed.Error?.Render());
        RunResult dual = new ScenarioRunner(parsed.Scenario!, Policy.Default).Run();
        RunResult twin = new ScenarioRunner(parsed.Scenario!, Twin).Run();

        var failures = twin.Lines.Where(l => l.Status == LineStatus.Fail)
            .Select(l => $"{file}:{l.Line}: `{l.Text}` expected {l.Expected}, got {l.Actual}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(dual.Lines.Select(l => (l.Line, l.Actual, l.Expected, l.Status, l.Value)),
            twin.Lines.Select(l => (l.Line, l.Actual, l.Expected, l.Status, l.Value)));
        Assert.Equal(dual.Audit.Select(v => v.ToString()), twin.Audit.Select(v => v.ToString()));
        Assert.Equal(dual.Panic, twin.Panic);
    }
}
