using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;
using static UvmSim.Tests.Cli.EmitCPrograms;

namespace UvmSim.Tests.Cli;

/// <summary>
/// Emitted programs answer as the model does where the kernels agree with it: a touch fault's
/// errno. Each test emits through the CLI, builds with
/// gcc and runs (<see cref="EmitCPrograms"/>), for both targets (the netbsd one built as a plain
/// program); it returns early when gcc is not on PATH or this is not Linux. Each also runs the
/// model, so a change on either side shows.
/// </summary>
public class EmitCFidelityTests
{
    private const string Touches = """
        proc A
        A: r = mmap 1p r private|anon
        A: touch r 1 write
        A: n = mmap 1p none private|anon
        A: touch n
        A: a = mmap 2p rw private|anon
        A: munmap a+1p 1p
        A: touch a 2p
        A: touch r
        """;

    [Theory]
    [InlineData("linux")]
    [InlineData("netbsd")]
    public void Touch_reports_a_protection_fault_as_EACCES_and_an_unmapped_page_as_EFAULT(string target)
    {
        if (!OperatingSystem.IsLinux() || Build(Touches, target, []) is not { } run)
        {
            return;
        }
        Assert.Equal("EACCES", run.Actual(3));  // write to a read-only page: SEGV_ACCERR
        Assert.Equal("EACCES", run.Actual(5));  // PROT_NONE
        Assert.Equal("EFAULT", run.Actual(8));  // the second page is unmapped: SEGV_MAPERR
        Assert.Equal("ok = 0x0", run.Actual(9));
        AssertModel(Touches, (3, "EACCES"), (5, "EACCES"), (8, "EFAULT"), (9, "ok"));
    }

    private static void AssertModel(string text, params (int Line, string Actual)[] expected)
    {
        ParseResult parsed = ScenarioParser.Parse("fidelity.scn", System.Text.Encoding.UTF8.GetBytes(text));
        Assert.True(parsed.Success);
        RunResult model = new ScenarioRunner(parsed.Scenario, Policy.FromPreset(PresetNames.Dual)!).Run();
        foreach (var (line, actual) in expected)
        {
            Assert.Equal(actual, model.Lines.Single(l => l.Line == line).Actual);
        }
    }
}
