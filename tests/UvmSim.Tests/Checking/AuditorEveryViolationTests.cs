using UvmSim.Checking;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Checking;

/// <summary>
/// §10: the auditor lists every violation, not the first per frame; the incremental audit the
/// explorer uses reports exactly what the full one does.
/// </summary>
public class AuditorEveryViolationTests
{
    // thorpej-2019: the failed SHM_UNLOCK leaves the object wired with no attachment; three
    // attachments then the second SHM_UNLOCK leave the frame wired once for three holders
    // and with no lock or transient record behind that wiring.
    private const string Reproducer = """
        proc A
        A: s = shmget private 1p create|0600
        A: p = shmat s
        A: shmctl s SHM_LOCK
        A: munmap p 1p
        A: shmctl s SHM_UNLOCK => netbsd-8,thorpej-2019: EIO | 0
        A: shmat s
        A: shmat s
        A: shmat s
        A: shmctl s SHM_UNLOCK

        """;

    private static ScenarioRunner Runner(string text, Policy policy)
    {
        ParseResult parsed = ScenarioParser.Parse("t.scn", text);
        Assert.True(parsed.Success, parsed.Error?.Render());
        return new ScenarioRunner(parsed.Scenario!, policy);
    }

    [Fact]
    public void An_underwired_frame_wired_with_no_record_is_a_leak_too()
    {
        var runner = Runner(Reproducer, Policy.FromPreset(PresetNames.Thorpej2019)!);
        RunResult result = runner.Run();
        Assert.True(result.Passed);
        Assert.Equal([ViolationKind.Leak, ViolationKind.Underwired], result.Audit.Select(v => v.Kind));
        Assert.Contains("no lock or transient record", result.Audit[0].ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PresetCases))]
    public void The_incremental_audit_matches_the_full_one_after_every_line_of_the_reproducer(string preset)
    {
        string[] lines = Reproducer.Split('\n');
        for (int n = 1; n <= lines.Length; n++)
        {
            var runner = Runner(string.Join('\n', lines.Take(n)) + "\n", Policy.FromPreset(preset)!);
            runner.Run();
            Assert.Equal(Render(Auditor.Audit(runner.Kernel)), Render(Auditor.AuditIncremental(runner.Kernel)));
        }
    }

    public static TheoryData<string> PresetCases() => [.. PresetNames.All];

    public static TheoryData<string, string> FileCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in Directory.GetFiles(RepoPaths.Examples, "*.scn").Concat(Directory.GetFiles(RepoPaths.Conformance, "*.scn")).Order(StringComparer.Ordinal))
        {
            foreach (string preset in PresetNames.All)
            {
                data.Add(file, preset);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FileCases))]
    public void The_incremental_audit_matches_the_full_one_at_the_end_of_every_scenario(string file, string preset)
    {
        ParseResult parsed = ScenarioParser.Parse(Path.GetFileName(file), File.ReadAllBytes(file));
        Assert.True(parsed.Success, parsed.Error?.Render());
        var runner = new ScenarioRunner(parsed.Scenario!, Policy.FromPreset(preset)!);
        RunResult result = runner.Run();
        Assert.Equal(Render(result.Audit), Render(Auditor.AuditIncremental(runner.Kernel)));
    }

    private static List<string> Render(IEnumerable<Violation> violations) => [.. violations.Select(v => v.ToString())];
}
