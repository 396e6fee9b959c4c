using System.Text.Json;
using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

/// <summary>
/// <c>fuzz</c>, <c>explore</c> and <c>shrink</c> as a user runs them (SPEC §13): exit 0 when
/// nothing is found, 1 with a reproducer written that <c>run</c> replays to the same failure,
/// 2 for a usage error; the JSON summary has the documented fields, null when nothing was found.
/// </summary>
public sealed class ExplorerCommandTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"uvmsim-found-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public void Explore_that_finds_a_violation_exits_1_and_its_reproducer_replays_under_run()
    {
        var cli = new CliHarness();
        Assert.Equal(1, cli.Run("explore", "--policy", "netbsd-8", "--depth", "6", "--out", _out, "--format", "json"));
        JsonElement summary = Summary(cli);
        Assert.Equal("netbsd-8", summary.GetProperty("policy").GetString());
        Assert.True(summary.GetProperty("found").GetBoolean());
        Assert.Equal("violation", summary.GetProperty("kind").GetString());
        Assert.Contains("underwired", summary.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, summary.GetProperty("reproducerCalls").GetInt32());
        Assert.True(summary.GetProperty("calls").GetInt64() > 0);
        Assert.True(summary.GetProperty("states").GetInt64() > 0);
        Assert.True(summary.GetProperty("cpuSeconds").GetDouble() > 0);
        string reproducer = summary.GetProperty("reproducer").GetString()!;
        AssertReplays(reproducer, "netbsd-8");
    }

    [Fact]
    public void Explore_that_finds_nothing_exits_0_with_nulls_in_the_summary()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("explore", "--policy", "dual", "--depth", "3", "--jobs", "2", "--out", _out, "--format", "json"));
        JsonElement summary = Summary(cli);
        Assert.False(summary.GetProperty("found").GetBoolean());
        foreach (string field in new[] { "kind", "message", "reproducer", "reproducerCalls" })
        {
            Assert.Equal(JsonValueKind.Null, summary.GetProperty(field).ValueKind);
        }
        Assert.False(Directory.Exists(_out) && Directory.EnumerateFiles(_out).Any());
    }

    [Fact]
    public void Explore_with_symmetry_keeps_fewer_states_and_its_reproducer_still_replays()
    {
        var plain = new CliHarness();
        Assert.Equal(1, plain.Run("explore", "--policy", "netbsd-8", "--depth", "6", "--out", _out, "--format", "json"));
        var reduced = new CliHarness();
        Assert.Equal(1, reduced.Run("explore", "--policy", "netbsd-8", "--depth", "6", "--symmetry", "--out", _out, "--format", "json"));
        JsonElement summary = Summary(reduced);
        Assert.True(summary.GetProperty("states").GetInt64() < Summary(plain).GetProperty("states").GetInt64());
        Assert.Equal(5, summary.GetProperty("reproducerCalls").GetInt32());
        AssertReplays(summary.GetProperty("reproducer").GetString()!, "netbsd-8");
    }

    [Fact]
    public void Fuzz_to_the_first_panic_writes_a_shrunk_reproducer_that_panics_again_under_run()
    {
        var cli = new CliHarness();
        Assert.Equal(1, cli.Run("fuzz", "--policy", "netbsd-8", "--stop-on", "panic", "--seed", "1", "--steps", "1000000", "--out", _out, "--format", "json"));
        JsonElement summary = Summary(cli);
        Assert.Equal("panic", summary.GetProperty("kind").GetString());
        Assert.InRange(summary.GetProperty("reproducerCalls").GetInt32(), 1, 8);
        string reproducer = summary.GetProperty("reproducer").GetString()!;
        Assert.Contains("panic", File.ReadAllText(reproducer), StringComparison.Ordinal);
        AssertReplays(reproducer, "netbsd-8");
    }

    [Fact]
    public void Fuzz_of_dual_finds_nothing_and_counts_every_call()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("fuzz", "--policy", "dual", "--steps", "20000", "--jobs", "2", "--out", _out, "--format", "json"));
        JsonElement summary = Summary(cli);
        Assert.False(summary.GetProperty("found").GetBoolean());
        Assert.Equal(20000, summary.GetProperty("calls").GetInt64());
        Assert.True(summary.GetProperty("cpuSeconds").GetDouble() > 0);
    }

    [Fact]
    public void Shrink_reduces_S9_under_netbsd8_to_a_scenario_that_still_fails()
    {
        var cli = new CliHarness();
        string s9 = Path.Combine(RepoPaths.Examples, "s9-shm-lock-then-munlock.scn");
        Assert.Equal(0, cli.Run("shrink", s9, "--policy", "netbsd-8", "--out", _out));
        string shrunk = Path.Combine(_out, "s9-shm-lock-then-munlock.min.scn");
        Assert.True(File.Exists(shrunk), cli.Out.Output + cli.Error.Output);
        int calls = File.ReadAllLines(shrunk).Count(l => l.StartsWith("A: ", StringComparison.Ordinal) || l.StartsWith("P0: ", StringComparison.Ordinal));
        Assert.InRange(calls, 1, 8);
        AssertReplays(shrunk, "netbsd-8");
    }

    [Fact]
    public void Shrink_of_a_scenario_that_does_not_fail_exits_1()
    {
        var cli = new CliHarness();
        string s9 = Path.Combine(RepoPaths.Examples, "s9-shm-lock-then-munlock.scn");
        Assert.Equal(1, cli.Run("shrink", s9, "--policy", "dual", "--out", _out));
        Assert.Contains("does not panic or leave a violation under dual", cli.Error.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explore", "--policy", "dual")]
    [InlineData("explore", "--policy", "dual", "--depth", "13")]
    [InlineData("explore", "--policy", "dual", "--depth", "3", "--jobs", "0")]
    [InlineData("explore", "--policy", "nosuch", "--depth", "3")]
    [InlineData("fuzz", "--policy", "dual", "--steps", "0")]
    [InlineData("fuzz", "--policy", "dual", "--steps", "10", "--jobs", "65")]
    [InlineData("shrink", "/nonexistent/x.scn", "--policy", "dual")]
    public void Usage_errors_exit_2_with_one_message_on_stderr(params string[] args)
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run(args));
        Assert.NotEmpty(cli.Error.Output);
        Assert.DoesNotContain("   at ", cli.Error.Output, StringComparison.Ordinal);
        Assert.Empty(cli.Out.Output);
    }

    private static JsonElement Summary(CliHarness cli) => JsonDocument.Parse(cli.Out.Output).RootElement;

    /// <summary>The reproducer's expectations hold when <c>run</c> replays it: it fails the same way.</summary>
    private static void AssertReplays(string scenario, string policy)
    {
        var replay = new CliHarness();
        Assert.Equal(ExitCodes.Ok, replay.Run("run", scenario, "--policy", policy));
        Assert.Contains($"PASS {scenario} {policy}", replay.Out.Output, StringComparison.Ordinal);
    }
}
