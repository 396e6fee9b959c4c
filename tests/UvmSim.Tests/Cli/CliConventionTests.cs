using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using UvmSim.Cli;
using UvmSim.Cli.Commands;

namespace UvmSim.Tests.Cli;

/// <summary>
/// The conventions of issue 12: help with no arguments, "did you mean", ranges named in help and
/// errors, --jobs auto, completions, JUnit, JSON for shrink and emit-c, progress on stderr, and
/// the failure paths that must not lose a finding (--out, unwritable reproducers, Ctrl-C).
/// </summary>
public sealed class CliConventionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmsim-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void No_arguments_prints_the_help_and_exits_0()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run());
        Assert.Contains("uvmsim [command] [options]", cli.Out.Output, StringComparison.Ordinal);
        Assert.Empty(cli.Error.Output);
    }

    [Theory]
    [InlineData("fuz", "unknown command 'fuz' (did you mean 'fuzz'?)")]
    [InlineData("explor --depth 2", "unknown command 'explor' (did you mean 'explore'?)")]
    [InlineData("run --polcy dual x.scn", "unknown option '--polcy' (did you mean '--policy'?)")]
    [InlineData("explore --depht 3", "unknown option '--depht' (did you mean '--depth'?)")]
    public void A_misspelt_command_or_option_gets_did_you_mean(string line, string message)
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run(line.Split(' ')));
        Assert.Contains("uvmsim: " + message + "\n", cli.Error.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command was not provided", cli.Error.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fuzz --procs 9", "--procs must be 1-8, not 9", "fuzz", "Processes at the start (1-8, default 2).")]
    [InlineData("explore --depth 3 --procs 3", "--procs must be 1 or 2, not 3", "explore", "Processes at the start (1 or 2, default 1).")]
    [InlineData("explore --depth 13", "--depth must be 1-12, not 13", "explore", "(1-12).")]
    [InlineData("fuzz --jobs 65", "--jobs must be auto or 1-64, not '65'", "fuzz", "or 1-64; default 1).")]
    public void A_value_out_of_range_names_the_option_and_the_range_the_help_gives(string line, string message, string command, string help)
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run(line.Split(' ')));
        Assert.Contains("uvmsim: " + message + "\n", cli.Error.Output, StringComparison.Ordinal);
        var helpCli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, helpCli.Run(command, "--help"));
        Assert.Contains(help, helpCli.Out.Output.Replace("\n", " ", StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Jobs_auto_is_accepted()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("explore", "--policy", "dual", "--depth", "2", "--jobs", "auto", "--out", _dir, "--format", "json"));
    }

    [Fact]
    public void The_suggest_directive_completes_commands_and_options()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("[suggest:9]", "uvmsim fu"));
        Assert.Equal("fuzz\n", cli.Out.Output);
        cli = new CliHarness();
        Assert.Equal(0, cli.Run("[suggest:18]", "uvmsim explore --d"));
        Assert.Contains("--depth\n", cli.Out.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_format_junit_has_a_case_per_scenario_and_policy_with_failures_and_parse_errors()
    {
        string bad = Path.Combine(_dir, "bad.scn");
        File.WriteAllText(bad, "proc A\nA: frob\n");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("run", CliHarness.Data("passing.scn"), CliHarness.Data("failing.scn"), bad, "-p", "dual", "--format", "junit"));
        XElement suite = XDocument.Parse(cli.Out.Output).Root!.Element("testsuite")!;
        Assert.Equal("3", suite.Attribute("tests")!.Value);
        Assert.Equal("1", suite.Attribute("failures")!.Value);
        Assert.Equal("1", suite.Attribute("errors")!.Value);
        XElement failing = suite.Elements("testcase").Single(c => c.Attribute("classname")!.Value.EndsWith("failing.scn", StringComparison.Ordinal));
        Assert.Contains("expected == 2, got 1", failing.Element("failure")!.Value, StringComparison.Ordinal);
        Assert.Contains("unknown call 'frob'", suite.Elements("testcase").Single(c => c.Element("error") is not null).Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Shrink_and_emit_c_take_format_json()
    {
        var cli = new CliHarness();
        string s9 = Path.Combine(RepoPaths.Examples, "s9-shm-lock-then-munlock.scn");
        Assert.Equal(0, cli.Run("shrink", s9, "--policy", "netbsd-8", "--out", _dir, "--format", "json"));
        using (var doc = JsonDocument.Parse(cli.Out.Output))
        {
            Assert.True(doc.RootElement.GetProperty("fails").GetBoolean());
            Assert.True(File.Exists(doc.RootElement.GetProperty("output").GetString()));
            Assert.InRange(doc.RootElement.GetProperty("calls").GetInt32(), 1, doc.RootElement.GetProperty("callsBefore").GetInt32());
        }
        cli = new CliHarness();
        Assert.Equal(0, cli.Run("emit-c", CliHarness.Data("passing.scn"), "--target", "linux", "--format", "json"));
        using (var doc = JsonDocument.Parse(cli.Out.Output))
        {
            Assert.Contains("int main(void)", doc.RootElement.GetProperty("program").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("output").ValueKind);
        }
    }

    [Fact]
    public void Progress_is_drawn_only_when_stderr_is_a_terminal_and_never_with_none()
    {
        var live = new CliHarness();
        var report = ProgressReport.For(live.Terminal with { LiveError = true }, "auto", json: false);
        report.Report(() => "42 calls");
        report.Done();
        Assert.Equal("\r\u001b[2K42 calls\r\u001b[2K", live.Error.Output);
        var quiet = new CliHarness();
        ProgressReport.For(quiet.Terminal with { LiveError = true }, "none", json: false).Report(() => "42 calls");
        ProgressReport.For(quiet.Terminal, "auto", json: false).Report(() => "42 calls");  // plain: first line after 5 s
        Assert.Empty(quiet.Error.Output);
    }

    [Fact]
    public void An_unwritable_out_is_a_usage_error_before_the_search()
    {
        string file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("explore", "--policy", "netbsd-8", "--depth", "6", "--out", Path.Combine(file, "found")));
        Assert.StartsWith($"uvmsim: --out {Path.Combine(file, "found")}: cannot write a reproducer there: ", cli.Error.Output, StringComparison.Ordinal);
        Assert.Empty(cli.Out.Output);
    }

    [Fact]
    public void A_reproducer_that_cannot_be_written_is_printed_with_the_finding()
    {
        var policy = UvmSim.Policies.Policy.FromPreset("netbsd-8")!;
        var universe = new UvmSim.Exploration.Universe(policy, 32, 1, null);
        var found = UvmSim.Exploration.Explorer.Run(new UvmSim.Exploration.ExploreOptions(universe, 6), null, TestContext.Current.CancellationToken).Finding!;
        string blocked = Path.Combine(_dir, "a-file");
        File.WriteAllText(blocked, "");
        FindingReport.Reproduction r = FindingReport.Write(found, universe, policy, Path.Combine(blocked, "found"), "uvmsim explore --policy netbsd-8 --depth 6", "depth5");
        Assert.Null(r.Path);
        Assert.NotNull(r.WriteError);
        var json = new CliHarness();
        Assert.Equal(FindingReport.Found, FindingReport.Print(json.Terminal, true, policy, 10, 1, 5, null, found, r, false));
        using (var doc = JsonDocument.Parse(json.Out.Output))
        {
            Assert.StartsWith(FindingReport.Marker, doc.RootElement.GetProperty("reproducerText").GetString(), StringComparison.Ordinal);
            Assert.Equal("violation", doc.RootElement.GetProperty("kind").GetString());
        }
        var text = new CliHarness();
        FindingReport.Print(text.Terminal, false, policy, 10, 1, 5, null, found, r, false);
        Assert.Contains("found a violation", text.Out.Output, StringComparison.Ordinal);
        Assert.Contains("not written; its text:\n" + FindingReport.Marker, text.Out.Output, StringComparison.Ordinal);
        Assert.Contains("check audit == dirty", text.Out.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reproducer_header_gives_the_real_replay_command_and_run_says_it_reproduced()
    {
        var cli = new CliHarness();
        Assert.Equal(1, cli.Run("explore", "--policy", "netbsd-8", "--depth", "6", "--out", _dir, "--format", "json"));
        string path;
        using (var doc = JsonDocument.Parse(cli.Out.Output))
        {
            path = doc.RootElement.GetProperty("reproducer").GetString()!;
            Assert.Null(doc.RootElement.GetProperty("seed").GetString());
            Assert.False(doc.RootElement.GetProperty("interrupted").GetBoolean());
        }
        string[] header = File.ReadAllLines(path).TakeWhile(l => l.StartsWith('#')).ToArray();
        Assert.StartsWith(FindingReport.Marker + "a violation (", header[0], StringComparison.Ordinal);
        string replay = header.Single(l => l.StartsWith("# replay:", StringComparison.Ordinal));
        Assert.EndsWith($"uvmsim run {path} --policy netbsd-8", replay, StringComparison.Ordinal);
        var run = new CliHarness();
        Assert.Equal(0, run.Run("run", path, "--policy", "netbsd-8"));
        Assert.Contains("  reproduced: a violation (", run.Out.Output, StringComparison.Ordinal);
        Assert.Contains(") happened again as recorded\n", run.Out.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_replay_command_quotes_the_path_and_names_every_override()
    {
        var policy = UvmSim.Policies.Policy.FromPreset("netbsd-8")!.With("wiring", "split", out _)!;
        Assert.Equal("uvmsim run 'found/a b'\\''c.scn' --policy netbsd-8 --set wiring=split", FindingReport.ReplayCommand("found/a b'c.scn", policy));
    }

    [Fact]
    public void A_shrink_input_path_with_a_newline_stays_in_its_comment()
    {
        string input = Path.Combine(_dir, "x\nA: munlockall\n.scn");
        File.Copy(Path.Combine(RepoPaths.Examples, "s9-shm-lock-then-munlock.scn"), input);
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("shrink", input, "--policy", "netbsd-8", "--out", _dir));
        string shrunk = Directory.GetFiles(_dir, "*.min.scn").Single();
        string[] lines = File.ReadAllLines(shrunk);
        Assert.DoesNotContain("A: munlockall", lines);
        Assert.Contains("x\\nA: munlockall\\n.scn", lines[0], StringComparison.Ordinal);
        var run = new CliHarness();
        Assert.Equal(0, run.Run("run", shrunk, "--policy", "netbsd-8"));
    }

    [Fact]
    public async Task Ctrl_C_prints_the_summary_so_far_with_the_seed_and_exits_130()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "signals sent with kill(2)");
        string exe = Path.Combine(AppContext.BaseDirectory, "UvmSim.Cli");
        var info = new ProcessStartInfo(exe, ["fuzz", "--policy", "dual", "--seconds", "120", "--seed", "7", "--out", _dir, "--format", "json", "--progress", "plain"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process fuzz = Process.Start(info)!;
        Task<string> stdout = fuzz.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        // The first plain progress line says the search is running (and the handler is in place).
        string? line;
        while ((line = fuzz.StandardError.ReadLine()) is not null && !line.StartsWith("uvmsim: fuzz dual, seed 7", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        Assert.Equal(0, UvmSim.Cli.KernelComparison.Leftovers.Kill(fuzz.Id, 2));
        Assert.True(fuzz.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(ExitCodes.Interrupted, fuzz.ExitCode);
        using var doc = JsonDocument.Parse(await stdout);
        Assert.True(doc.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Equal(7, doc.RootElement.GetProperty("seed").GetInt32());
        Assert.True(doc.RootElement.GetProperty("calls").GetInt64() > 0);
        Assert.True(doc.RootElement.GetProperty("states").GetInt64() > 0);
    }
}
