using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;
using static UvmSim.Tests.Cli.EmitCPrograms;

namespace UvmSim.Tests.Cli;

/// <summary>
/// Emitted programs answer as the model does where the kernels agree with it: a touch fault's
/// errno, and IPC_SET without read permission. Each test emits through the CLI, builds with
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

    /// <summary>c97 and c65's IPC_SET lines: the owner without read permission, and a non-owner.</summary>
    private const string IpcSet = """
        proc B uid=1000
        proc C uid=2000
        B: s = shmget private 1p create|0200
        B: shmctl s IPC_STAT                    => EACCES
        B: shmctl s IPC_SET mode=0600
        B: shmctl s IPC_STAT
        C: shmctl s IPC_SET mode=0666           => EPERM
        B: shmctl s IPC_SET uid=1000 gid=1000 mode=0200
        C: shmctl s IPC_SET uid=2000 gid=2000 mode=0666 => EPERM
        B: shmctl s IPC_STAT                    => EACCES
        """;

    [Theory]
    [InlineData("linux")]
    [InlineData("netbsd")]
    public void Ipc_set_needs_ownership_not_read_permission(string target)
    {
        // The uid= processes take their uids only when the program runs as root.
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess || Build(IpcSet, target, []) is not { } run)
        {
            return;
        }
        Assert.Equal("EACCES", run.Actual(4));
        Assert.Equal("ok = 0x0", run.Actual(5));   // mode only: uid and gid read without read permission
        Assert.Equal("ok = 0x0", run.Actual(6));
        Assert.Equal("EPERM", run.Actual(7));      // not the owner: EPERM, not the read's EACCES
        Assert.Equal("ok = 0x0", run.Actual(8));   // every field given: nothing read
        Assert.Equal("EPERM", run.Actual(9));
        Assert.Equal("EACCES", run.Actual(10));
        AssertModel(IpcSet, (4, "EACCES"), (5, "ok"), (6, "ok"), (7, "EPERM"), (8, "ok"), (9, "EPERM"), (10, "EACCES"));
    }

    [Fact]
    public void Ipc_set_reads_the_segment_first_only_when_a_field_is_left_out()
    {
        string c = EmitCPrograms.Emit(IpcSet, "linux");
        string Case(int line)
        {
            int start = c.IndexOf($"\tcase {line}: {{", StringComparison.Ordinal);
            return c[start..c.IndexOf("\t\tbreak;\n\t}", start, StringComparison.Ordinal)];
        }
        Assert.Contains("uvmsim_shm_current(", Case(5), StringComparison.Ordinal);
        Assert.DoesNotContain("uvmsim_shm_current(", Case(8), StringComparison.Ordinal);
        Assert.DoesNotContain("IPC_STAT", Case(8), StringComparison.Ordinal);
    }

    [Fact]
    public void The_line_after_an_exit_sees_what_the_exit_released()
    {
        // The worker answers `exit` before it is gone: a check right after it raced its
        // detach. Twenty processes attach and exit, each followed by nattch.
        var text = new System.Text.StringBuilder("proc A\nA: seg = shmget private 1p create|0600\n");
        for (int i = 0; i < 20; i++)
        {
            text.Append($"proc P{i}\nP{i}: shmat seg\nP{i}: exit\ncheck segment seg nattch == 0\n");
        }
        if (!OperatingSystem.IsLinux() || Build(text.ToString(), "linux", []) is not { } run)
        {
            return;
        }
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("0", run.Actual(6 + 4 * i));
        }
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
