using System.Text.Json;
using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

public class RunCommandTests
{
    private static readonly string Passing = CliHarness.Data("passing.scn");
    private static readonly string Failing = CliHarness.Data("failing.scn");

    [Fact]
    public void Passing_scenario_exits_0_with_a_PASS_line_per_preset()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("run", Passing));
        foreach (string preset in UvmSim.Policies.PresetNames.All)
        {
            Assert.Contains($"PASS {Passing} {preset}\n", cli.Out.Output, StringComparison.Ordinal);
        }
        Assert.Contains("4 runs: 4 passed, 0 failed", cli.Out.Output, StringComparison.Ordinal);
        Assert.Empty(cli.Error.Output);
    }

    [Fact]
    public void Failing_scenario_exits_1_and_names_the_failing_line()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.ExpectationFailed, cli.Run("run", Failing, "--policy", "dual"));
        Assert.Contains($"FAIL {Failing} dual\n", cli.Out.Output, StringComparison.Ordinal);
        Assert.Contains($"{Failing}:4: dual: expected == 2, got 1\n", cli.Out.Output, StringComparison.Ordinal);
        Assert.Contains("1 run: 0 passed, 1 failed", cli.Out.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_file_exits_2_with_position_and_caret_and_other_files_still_run()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"uvmsim-bad-{Guid.NewGuid():N}.scn");
        File.WriteAllText(bad, "proc A\nA: a = mmap 4p rw private|anon\nA: frobnicate a\n");
        try
        {
            var cli = new CliHarness();
            Assert.Equal(ExitCodes.UsageError, cli.Run("run", bad, Failing, "-p", "dual"));
            string[] err = cli.Error.Output.Split('\n');
            Assert.StartsWith($"{bad}:3:4: error: ", err[0], StringComparison.Ordinal);
            Assert.Equal("A: frobnicate a", err[1]);
            Assert.Equal("   ^", err[2]);
            Assert.Contains($"FAIL {Failing} dual", cli.Out.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Missing_file_exits_2()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("run", "/nonexistent/nope.scn"));
        Assert.Contains("/nonexistent/nope.scn: error: cannot read file", cli.Error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_preset_exits_2_without_running()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("run", Passing, "--policy", "netbsd-10"));
        Assert.Contains("unknown policy 'netbsd-10'", cli.Error.Output, StringComparison.Ordinal);
        Assert.Empty(cli.Out.Output);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("matrix")]
    public void Unknown_option_after_files_exits_2_without_running(string command)
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run(command, Passing, "--bogus"));
        Assert.Equal($"uvmsim: unknown option '--bogus'\nTry 'uvmsim {command} --help'.\n", cli.Error.Output);
        Assert.Empty(cli.Out.Output);
    }

    [Fact]
    public void Unknown_switch_value_exits_2()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("run", Passing, "--set", "wiring=both"));
        Assert.Single(cli.Error.Output.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Trace_prints_every_line_and_its_changes()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("run", Passing, "-p", "dual", "--trace"));
        Assert.Contains("3: A: mlock a 4p", cli.Out.Output, StringComparison.Ordinal);
        Assert.Contains("wired 0 -> 4", cli.Out.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_has_the_documented_shape()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.ExpectationFailed, cli.Run("run", Failing, Passing, "-p", "dual", "--set", "wiring=counter", "--format", "json"));
        using var doc = JsonDocument.Parse(cli.Out.Output);
        JsonElement root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(1, root.GetProperty("exitCode").GetInt32());
        JsonElement run = root.GetProperty("runs")[0];
        Assert.Equal(Failing, run.GetProperty("file").GetString());
        Assert.Equal("dual+wiring=counter", run.GetProperty("policy").GetString());
        Assert.Equal("dual", run.GetProperty("preset").GetString());
        Assert.Equal("counter", run.GetProperty("switches").GetProperty("wiring").GetString());
        Assert.True(run.GetProperty("diagnostics").GetBoolean());
        Assert.False(run.GetProperty("passed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("panic").ValueKind);
        JsonElement line = run.GetProperty("lines").EnumerateArray().First(l => l.GetProperty("status").GetString() == "fail");
        Assert.Equal(4, line.GetProperty("line").GetInt32());
        Assert.Equal("A", line.GetProperty("proc").GetString());
        Assert.Equal("1", line.GetProperty("actual").GetString());
        Assert.Equal("== 2", line.GetProperty("expected").GetString());
        Assert.Contains("check pw", line.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, run.GetProperty("audit").ValueKind);
        Assert.True(root.GetProperty("runs")[1].GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void No_diagnostics_turns_diagnostics_off()
    {
        var cli = new CliHarness();
        cli.Run("run", Passing, "-p", "dual", "--no-diagnostics", "--format", "json");
        using var doc = JsonDocument.Parse(cli.Out.Output);
        Assert.False(doc.RootElement.GetProperty("runs")[0].GetProperty("diagnostics").GetBoolean());
    }

    [Fact]
    public void An_exception_in_a_command_is_an_internal_error_not_a_trace()
    {
        var cli = new CliHarness();
        int status = CliApp.Guard(cli.Terminal, () => throw new InvalidOperationException("boom\nsecond line"));
        Assert.Equal(ExitCodes.InternalError, status);
        Assert.Equal(70, status);
        Assert.Equal("uvmsim: internal error: InvalidOperationException: boom\\nsecond line\n", cli.Error.Output);
    }
}
