using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Scenarios;

/// <summary>Where the repository's examples/ folder is, for tests that read them.</summary>
public static class ExamplesTestsPaths
{
    /// <summary>The examples folder, found by walking up from the test binary.</summary>
    public static string Examples => RepoPaths.Examples;
}

/// <summary>Every §11 scenario in examples/ runs under every preset with all its expectations met.</summary>
public class ExamplesTests
{
    private static string ExamplesDir => ExamplesTestsPaths.Examples;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in Directory.GetFiles(ExamplesDir, "*.scn").Order())
        {
            foreach (string preset in PresetNames.Named)
            {
                data.Add(Path.GetFileName(file), preset);
            }
        }
        return data;
    }

    internal static RunResult Run(string file, string preset)
    {
        string path = Path.Combine(ExamplesDir, file);
        ParseResult parsed = ScenarioParser.Parse(file, File.ReadAllBytes(path));
        Assert.True(parsed.Success, parsed.Error?.Render());
        return new ScenarioRunner(parsed.Scenario!, Policy.FromPreset(preset)!).Run();
    }

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(ExamplesDir, "*.scn").Order())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Under_dual_the_audit_is_clean_after_every_call(string file)
    {
        ParseResult parsed = ScenarioParser.Parse(file, File.ReadAllBytes(Path.Combine(ExamplesDir, file)));
        var audits = new Dictionary<int, List<UvmSim.Checking.Violation>>();
        RunResult result = new ScenarioRunner(parsed.Scenario!, Policy.Default) { StepAudits = audits }.Run();
        Assert.Null(result.Panic);
        Assert.True(audits.Count == 0, string.Join("\n", audits.Select(a => $"line {a.Key}: {string.Join("; ", a.Value)}")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Example_meets_every_expectation(string file, string preset)
    {
        RunResult result = Run(file, preset);
        var failures = result.Lines.Where(l => l.Status == LineStatus.Fail)
            .Select(l => $"{file}:{l.Line}: {preset}: expected {l.Expected}, got {l.Actual} {l.Error}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\naudit: " + string.Join("; ", result.Audit));
    }
}
