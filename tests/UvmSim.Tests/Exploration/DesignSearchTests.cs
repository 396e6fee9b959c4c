using System.Text.Json;
using UvmSim.Cli;
using UvmSim.Exploration;
using UvmSim.Exploration.Design;
using UvmSim.Policies;
using UvmSim.Tests.Cli;

namespace UvmSim.Tests.Exploration;

/// <summary>
/// <c>uvmsim design</c> against the explorer it runs: the same answer per combination as
/// <c>explore --set</c>, reproducers that <c>run</c> replays to the same failure, and an
/// analysis that follows the universe.
/// </summary>
public sealed class DesignSearchTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"uvmsim-design-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    private static Policy P(string name) => Policy.FromPreset(name)!;

    private static JsonElement Document(CliHarness cli) => JsonDocument.Parse(cli.Out.Output).RootElement;

    [Fact]
    public void Design_agrees_with_explore_set_combination_by_combination()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("design", "--base", "netbsd-8", "--vary", "wiring,sysv,zero-length", "--depth", "4",
            "--ops", "none", "--jobs", "2", "--out", _out, "--format", "json"));
        JsonElement doc = Document(cli);
        JsonElement[] combinations = [.. doc.GetProperty("combinations").EnumerateArray()];
        Assert.Equal(12, combinations.Length);
        foreach (JsonElement c in combinations)
        {
            var sets = c.GetProperty("switches").EnumerateObject()
                .Zip(P(PresetNames.NetBsd8).Switches)
                .Where(x => x.First.Value.GetString() != x.Second.Value)
                .SelectMany(x => new[] { "--set", $"{x.First.Name}={x.First.Value.GetString()}" });
            var explore = new CliHarness();
            int status = explore.Run(["explore", "--policy", "netbsd-8", .. sets, "--depth", "4", "--out", Path.Combine(_out, "explore"), "--format", "json"]);
            JsonElement e = Document(explore);
            Assert.Equal(c.GetProperty("label").GetString(), e.GetProperty("policy").GetString());
            Assert.Equal(c.GetProperty("clean").GetBoolean(), !e.GetProperty("found").GetBoolean());
            Assert.Equal(c.GetProperty("clean").GetBoolean() ? 0 : 1, status);
            Assert.Equal(c.GetProperty("kind").ToString(), e.GetProperty("kind").ToString());
            Assert.Equal(c.GetProperty("message").ToString(), e.GetProperty("message").ToString());
            Assert.Equal(c.GetProperty("reproducerCalls").ToString(), e.GetProperty("reproducerCalls").ToString());
            Assert.Equal(c.GetProperty("states").GetInt64(), e.GetProperty("states").GetInt64());
        }
        // Both outcomes occur, so the comparison tests something.
        Assert.Contains(combinations, c => c.GetProperty("clean").GetBoolean());
        Assert.Contains(combinations, c => !c.GetProperty("clean").GetBoolean());
    }

    [Fact]
    public void Design_with_the_extra_ops_agrees_with_the_explorer_run_on_each_policy()
    {
        var o = new DesignOptions(P(PresetNames.Dual), ["zero-length", "unwire-by", "length-wrap"], Depth: 4);
        DesignResult design = DesignSearch.Run(o, jobs: 2, cancel: TestContext.Current.CancellationToken);
        IReadOnlyList<Policy> lattice = Lattice.Combinations(o.Base, o.Vary);
        Assert.Equal(lattice.Select(p => p.Label), design.Combinations.Select(c => c.Label));
        for (int i = 0; i < lattice.Count; i++)
        {
            ExploreResult r = Explorer.Run(new ExploreOptions(new Universe(lattice[i], 32, 1), 4, Ops: OpGroups.All), cancel: TestContext.Current.CancellationToken);
            CombinationResult c = design.Combinations[i];
            Assert.Equal(r.Finding is null, c.Clean);
            Assert.Equal(r.States, c.States);
            Assert.Equal(r.Finding?.Message, c.Message);
            Assert.Equal(r.Finding?.Ops.Count ?? 4, c.Depth);
        }
    }

    [Fact]
    public void Reproducers_replay_under_run_to_the_same_failure()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("design", "--base", "netbsd-8", "--vary", "wiring,sysv,zero-length,unwire-by", "--depth", "5",
            "--jobs", "2", "--out", _out, "--format", "json"));
        JsonElement[] found = [.. Document(cli).GetProperty("combinations").EnumerateArray().Where(c => !c.GetProperty("clean").GetBoolean())];
        Assert.NotEmpty(found);
        // A sample: every third finding, the first and the last.
        foreach (JsonElement c in found.Where((_, i) => i % 3 == 0 || i == found.Length - 1))
        {
            string path = c.GetProperty("reproducer").GetString()!;
            Assert.Equal(c.GetProperty("label").GetString() + ".scn", Path.GetFileName(path));
            string text = File.ReadAllText(path);
            Assert.Contains(c.GetProperty("kind").GetString() == "panic" ? "panic" : "check audit == dirty", text, StringComparison.Ordinal);
            var sets = c.GetProperty("switches").EnumerateObject()
                .Zip(P(PresetNames.NetBsd8).Switches)
                .Where(x => x.First.Value.GetString() != x.Second.Value)
                .SelectMany(x => new[] { "--set", $"{x.First.Name}={x.First.Value.GetString()}" });
            var replay = new CliHarness();
            Assert.Equal(ExitCodes.Ok, replay.Run(["run", path, "--policy", "netbsd-8", .. sets]));
            Assert.Contains($"PASS {path} {c.GetProperty("label").GetString()}", replay.Out.Output, StringComparison.Ordinal);
            // The written replay command is the one just run.
            Assert.Contains("replay: uvmsim run FILE --policy netbsd-8" + string.Concat(sets.Chunk(2).Select(s => $" {s[0]} {s[1]}")), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_verdict_follows_the_universe_a_different_switch_becomes_necessary()
    {
        CancellationToken cancel = TestContext.Current.CancellationToken;
        string[] vary = ["zero-length", "unwire-by"];
        DesignAnalysis Analyse(OpGroups ops)
        {
            var o = new DesignOptions(P(PresetNames.Dual), vary, Depth: 4, Ops: ops);
            DesignResult r = DesignSearch.Run(o, jobs: 2, cancel: cancel);
            return DesignAnalysis.Of(o.Base, o.Vary, o.Depth, [.. r.Combinations.Select(c => c.Row)]);
        }
        DesignAnalysis zero = Analyse(OpGroups.ZeroLength);
        Assert.Equal(["zero-length=noop"], zero.Needs.Select(c => c.ToString()));
        Assert.Equal(["unwire-by"], zero.Irrelevant);
        DesignAnalysis protect = Analyse(OpGroups.Protect);
        Assert.Equal(["unwire-by=pages"], protect.Needs.Select(c => c.ToString()));
        Assert.Equal(["zero-length"], protect.Irrelevant);
        Assert.NotEqual(zero.Verdict, protect.Verdict);
        Assert.Contains("safety needs unwire-by=pages, and that is enough; zero-length is irrelevant", protect.Verdict, StringComparison.Ordinal);
        DesignAnalysis both = Analyse(OpGroups.ZeroLength | OpGroups.Protect);
        Assert.Equal(["zero-length=noop", "unwire-by=pages"], both.Needs.Select(c => c.ToString()));
        Assert.Equal([P(PresetNames.Dual).Label], both.Safe);
    }

    /// <summary>The lattice point with the switch values of <paramref name="preset"/>.</summary>
    private static Policy PointOf(string preset) =>
        Lattice.Combinations(P(PresetNames.NetBsd8), Policy.SwitchNames).Single(p => p.Switches.SequenceEqual(P(preset).Switches));

    [Fact]
    public void In_the_explorers_universe_the_presets_points_find_their_known_families_at_depth_6()
    {
        CancellationToken cancel = TestContext.Current.CancellationToken;
        var plain = new DesignOptions(P(PresetNames.NetBsd8), Policy.SwitchNames, Depth: 6, Ops: OpGroups.None);
        var transient = plain with { Transient = true };

        CombinationResult legacy = DesignSearch.RunOne(plain, PointOf(PresetNames.NetBsd8), cancel);
        Assert.False(legacy.Clean);
        Assert.Contains("underwired", legacy.Message, StringComparison.Ordinal);
        Assert.Contains("munlock", legacy.Reproducer, StringComparison.Ordinal);   // S9's family
        Assert.Contains("SHM_UNLOCK => EIO", legacy.Reproducer, StringComparison.Ordinal);

        CombinationResult thorpej = DesignSearch.RunOne(plain, PointOf(PresetNames.Thorpej2019), cancel);
        Assert.False(thorpej.Clean);
        Assert.Contains("SHM_UNLOCK => EIO", thorpej.Reproducer, StringComparison.Ordinal);   // S13/S14's family
        Assert.DoesNotContain(thorpej.Reproducer!.Split('\n'), l => !l.StartsWith('#') && l.Contains("munlock", StringComparison.Ordinal));

        Assert.True(DesignSearch.RunOne(plain, PointOf(PresetNames.NetBsd9), cancel).Clean);
        CombinationResult netbsd9 = DesignSearch.RunOne(transient, PointOf(PresetNames.NetBsd9), cancel);
        Assert.False(netbsd9.Clean);
        foreach (string call in new[] { "vslock", "munmap" })   // S26's family
        {
            Assert.Contains(call, netbsd9.Reproducer, StringComparison.Ordinal);
        }

        CombinationResult dual = DesignSearch.RunOne(transient, PointOf(PresetNames.Dual), cancel);
        Assert.True(dual.Clean);
        Assert.Equal(6, dual.Depth);
    }

    [Fact]
    public void With_every_op_group_netbsd9s_point_fails_by_unwire_by_and_duals_stays_clean()
    {
        CancellationToken cancel = TestContext.Current.CancellationToken;
        var all = new DesignOptions(P(PresetNames.NetBsd8), Policy.SwitchNames, Depth: 4);
        CombinationResult netbsd9 = DesignSearch.RunOne(all, PointOf(PresetNames.NetBsd9), cancel);
        Assert.False(netbsd9.Clean);
        Assert.Contains("mprotect", netbsd9.Reproducer, StringComparison.Ordinal);
        Assert.Contains("leak", netbsd9.Message, StringComparison.Ordinal);
        Assert.True(DesignSearch.RunOne(all with { Transient = true }, PointOf(PresetNames.Dual), cancel).Clean);
    }

    [Theory]
    [InlineData("--depth", "0")]
    [InlineData("--depth", "3", "--vary", "nosuch")]
    [InlineData("--depth", "3", "--base", "dual,netbsd-8")]
    [InlineData("--depth", "3", "--ops", "nosuch")]
    [InlineData("--depth", "3", "--jobs", "0")]
    [InlineData("--vary", "wiring")]
    public void Usage_errors_exit_2_with_one_message_on_stderr(params string[] args)
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run(["design", .. args]));
        Assert.NotEmpty(cli.Error.Output);
        Assert.DoesNotContain("   at ", cli.Error.Output, StringComparison.Ordinal);
        Assert.Empty(cli.Out.Output);
    }
}
