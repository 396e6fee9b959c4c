using UvmSim.Exploration;
using UvmSim.Exploration.Design;
using UvmSim.Exploration.Sharding;
using UvmSim.Policies;

namespace UvmSim.Tests.Exploration;

/// <summary>
/// <c>--shard I/N</c> and <c>uvmsim merge</c>: the merged answer equals one process's (found or
/// not, kind, message, the calls of the finding, distinct states), for several shard counts;
/// a missing, repeated, foreign or damaged shard is an error naming it.
/// </summary>
public sealed class ShardMergeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmsim-shards-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Policy P(string name) => Policy.FromPreset(name)!;

    private string RunExploreShards(ExploreOptions o, int count, int split)
    {
        string dir = Path.Combine(_dir, $"explore-{count}-{Guid.NewGuid():N}");
        for (int i = 0; i < count; i++)
        {
            var shard = new ShardSpec(i, count);
            ExploreResult r = Explorer.Run(o with { Shard = new ExploreShard(i, count, split) }, cancel: TestContext.Current.CancellationToken);
            ShardRuns.Write(dir, shard, o with { Shard = new ExploreShard(i, count, split) }, r);
        }
        return dir;
    }

    /// <summary>Puts shard 1 of 2 from <paramref name="from"/>, another run, into <paramref name="to"/>.</summary>
    private static void TakeShardOne(string from, string to)
    {
        foreach (string file in (string[])["shard-1-of-2.json", "shard-1-of-2.states"])
        {
            File.Copy(Path.Combine(from, file), Path.Combine(to, file), overwrite: true);
        }
    }

    public static TheoryData<string, int, int, int> ExploreCases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (int n in (int[])[1, 2, 3, 7])
        {
            data.Add(PresetNames.NetBsd8, 6, 1, n);     // a finding at depth 5
            data.Add(PresetNames.Thorpej2019, 6, 1, n); // S13/S14's family
            data.Add(PresetNames.Dual, 5, 1, n);        // clean: the state count must match
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ExploreCases))]
    public void Merged_explore_equals_one_process(string preset, int depth, int procs, int shards)
    {
        var u = new Universe(P(preset), Pages: 32, Procs: procs);
        var o = new ExploreOptions(u, depth);
        ExploreResult single = Explorer.Run(o, cancel: TestContext.Current.CancellationToken);

        foreach (int split in (int[])[1, 2, 3])
        {
            string dir = RunExploreShards(o, shards, split);
            MergedSearch? merged = ShardMerge.Merge(dir, out string? error);
            Assert.True(merged is not null, error);
            Assert.Equal(single.States, merged.States);
            Assert.Equal(single.Finding is null, merged.Finding is null);
            if (single.Finding is { } f)
            {
                Assert.Equal(f.Kind, merged.Finding!.Kind);
                Assert.Equal(f.Message, merged.Finding.Message);
                Assert.Equal(f.Ops, merged.Finding.Ops);
            }
        }
    }

    [Fact]
    public void A_shard_alone_explores_less_than_the_whole_search()
    {
        var u = new Universe(P(PresetNames.Dual), Pages: 32, Procs: 1);
        var o = new ExploreOptions(u, 5);
        ExploreResult single = Explorer.Run(o, cancel: TestContext.Current.CancellationToken);
        ExploreResult part = Explorer.Run(o with { Shard = new ExploreShard(0, 3, 2) }, cancel: TestContext.Current.CancellationToken);
        Assert.True(part.States < single.States, $"{part.States} vs {single.States}");
    }

    [Theory]
    [InlineData(PresetNames.NetBsd8, 2)]
    [InlineData(PresetNames.NetBsd8, 3)]
    [InlineData(PresetNames.Dual, 2)]
    [InlineData(PresetNames.Dual, 7)]
    public void Merged_fuzz_equals_jobs_in_one_process(string preset, int shards)
    {
        var u = new Universe(P(preset), Pages: 64, Procs: 2);
        var o = new FuzzOptions(u, Steps: 20_000, Seconds: null, Seed: 5, Jobs: shards);
        FuzzResult single = Fuzzer.Run(o, cancel: TestContext.Current.CancellationToken);
        string dir = Path.Combine(_dir, $"fuzz-{preset}-{shards}");
        for (int i = 0; i < shards; i++)
        {
            FuzzOptions so = o with { Shard = new FuzzShard(i, shards) };
            ShardRuns.Write(dir, new ShardSpec(i, shards), so with { Jobs = 1 }, Fuzzer.Run(so, cancel: TestContext.Current.CancellationToken));
        }
        MergedSearch? merged = ShardMerge.Merge(dir, out string? error);
        Assert.True(merged is not null, error);
        Assert.Equal(single.States, merged.States);
        Assert.Equal(single.Calls, merged.Calls);
        Assert.Equal(single.Seed, merged.Seed);
        Assert.Equal(single.Finding?.Ops, merged.Finding?.Ops);
        Assert.Equal(single.Finding?.Message, merged.Finding?.Message);
    }

    [Fact]
    public void Step_budgeted_fuzz_gives_the_same_answer_every_time()
    {
        var u = new Universe(P(PresetNames.NetBsd8), Pages: 64, Procs: 2);
        var o = new FuzzOptions(u, Steps: 20_000, Seconds: null, Seed: 3, Jobs: 3);
        FuzzResult a = Fuzzer.Run(o, cancel: TestContext.Current.CancellationToken);
        FuzzResult b = Fuzzer.Run(o, cancel: TestContext.Current.CancellationToken);
        Assert.Equal((a.Calls, a.States, a.Seed), (b.Calls, b.States, b.Seed));
        Assert.Equal(a.Finding?.Ops, b.Finding?.Ops);
    }

    private string ThreeShards()
    {
        var u = new Universe(P(PresetNames.Dual), Pages: 32, Procs: 1);
        return RunExploreShards(new ExploreOptions(u, 4), 3, 2);
    }

    [Fact]
    public void A_missing_shard_is_an_error_naming_it()
    {
        string dir = ThreeShards();
        File.Delete(Path.Combine(dir, "shard-1-of-3.json"));
        Assert.Null(ShardMerge.Merge(dir, out string? error));
        Assert.Contains("missing shard-1-of-3.json", error);
    }

    [Fact]
    public void A_damaged_state_file_is_an_error_naming_it()
    {
        string dir = ThreeShards();
        string states = Path.Combine(dir, "shard-2-of-3.states");
        byte[] bytes = File.ReadAllBytes(states);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(states, bytes);
        Assert.Null(ShardMerge.Merge(dir, out string? error));
        Assert.Contains("shard-2-of-3.states", error);
        Assert.Contains("damaged", error);
    }

    [Fact]
    public void A_missing_state_file_is_an_error_naming_it()
    {
        string dir = ThreeShards();
        File.Delete(Path.Combine(dir, "shard-0-of-3.states"));
        Assert.Null(ShardMerge.Merge(dir, out string? error));
        Assert.Contains("shard-0-of-3.states", error);
    }

    [Fact]
    public void A_truncated_shard_file_is_an_error_naming_it()
    {
        string dir = ThreeShards();
        string path = Path.Combine(dir, "shard-1-of-3.json");
        string text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.Length / 2)]);
        Assert.Null(ShardMerge.Merge(dir, out string? error));
        Assert.Contains("shard-1-of-3.json", error);
    }

    [Theory]
    [InlineData(PresetNames.NetBsd8, 6, 3)]
    [InlineData(PresetNames.Dual, 5, 2)]
    public void Merged_symmetric_explore_equals_one_process(string preset, int depth, int shards)
    {
        var u = new Universe(P(preset), Pages: 32, Procs: 1);
        var o = new ExploreOptions(u, depth, Symmetry: true);
        ExploreResult single = Explorer.Run(o, cancel: TestContext.Current.CancellationToken);
        MergedSearch? merged = ShardMerge.Merge(RunExploreShards(o, shards, 2), out string? error);
        Assert.True(merged is not null, error);
        Assert.Equal(single.States, merged.States);
        Assert.True(single.States < Explorer.Run(o with { Symmetry = false }, cancel: TestContext.Current.CancellationToken).States);
        Assert.Equal(single.Finding?.Ops, merged.Finding?.Ops);
    }

    [Fact]
    public void Symmetric_and_plain_shards_do_not_merge()
    {
        var u = new Universe(P(PresetNames.Dual), Pages: 32, Procs: 1);
        string dir = RunExploreShards(new ExploreOptions(u, 4), 2, 2);
        TakeShardOne(RunExploreShards(new ExploreOptions(u, 4, Symmetry: true), 2, 2), dir);
        Assert.Null(ShardMerge.Merge(dir, out string? error));
        Assert.Contains("shard-1-of-2.json", error);
        Assert.Contains("symmetry=true", error);
    }

    [Fact]
    public void Shards_of_different_runs_do_not_merge()
    {
        var u = new Universe(P(PresetNames.Dual), Pages: 32, Procs: 1);
        string dir = RunExploreShards(new ExploreOptions(u, 4), 2, 2);
        TakeShardOne(RunExploreShards(new ExploreOptions(u, 3), 2, 2), dir);
        Assert.Null(ShardMerge.Merge(dir, out string? error));
        Assert.Contains("shard-1-of-2.json", error);
        Assert.Contains("depth=3", error);
    }

    [Fact]
    public void An_empty_directory_is_an_error()
    {
        Assert.Null(ShardMerge.Merge(_dir, out string? error));
        Assert.Contains("no shard files", error);
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    public void Shard_specs_parse(string text, int index, int count) =>
        Assert.Equal(new ShardSpec(index, count), ShardSpec.Parse(text, out _));

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/4/5")]
    [InlineData("0/5000")]
    public void Bad_shard_specs_say_what_is_expected(string text)
    {
        Assert.Null(ShardSpec.Parse(text, out string? error));
        Assert.Contains("I/N", error);
    }

    public static TheoryData<int> DesignShardCounts() => [1, 2, 3, 7];

    [Theory]
    [MemberData(nameof(DesignShardCounts))]
    public void Merged_design_equals_one_process(int shards)
    {
        var o = new DesignOptions(P(PresetNames.NetBsd8), ["wiring", "sysv", "zero-length"], Depth: 4, Ops: OpGroups.ZeroLength);
        DesignResult single = DesignSearch.Run(o, cancel: TestContext.Current.CancellationToken);
        string dir = Path.Combine(_dir, $"design-{shards}");
        for (int i = 0; i < shards; i++)
        {
            var shard = new ShardSpec(i, shards);
            DesignShards.Write(dir, shard, o, DesignSearch.RunShard(o, shard, cancel: TestContext.Current.CancellationToken), 0.5);
        }
        List<ShardFile>? files = ShardMerge.ReadAll(dir, out string? error);
        Assert.True(files is not null, error);
        DesignResult? merged = DesignShards.Merge(dir, files, out error);
        Assert.True(merged is not null, error);
        Assert.Equal(single.Options with { Vary = [] }, merged.Options with { Vary = [] });
        Assert.Equal(single.Options.Vary, merged.Options.Vary);
        Assert.Equal(single.Combinations.Count, merged.Combinations.Count);
        for (int i = 0; i < single.Combinations.Count; i++)
        {
            CombinationResult a = single.Combinations[i], b = merged.Combinations[i];
            Assert.Equal((a.Label, a.Clean, a.Depth, a.States, a.Kind, a.Message, a.Reproducer, a.ReproducerCalls),
                (b.Label, b.Clean, b.Depth, b.States, b.Kind, b.Message, b.Reproducer, b.ReproducerCalls));
            Assert.Equal(a.Switches, b.Switches);
        }
        Assert.Equal(
            DesignAnalysis.Of(o.Base, o.Vary, o.Depth, [.. single.Combinations.Select(c => c.Row)]).Verdict,
            DesignAnalysis.Of(o.Base, o.Vary, o.Depth, [.. merged.Combinations.Select(c => c.Row)]).Verdict);
    }

    [Fact]
    public void A_design_shard_missing_a_row_is_an_error_naming_it()
    {
        var o = new DesignOptions(P(PresetNames.NetBsd8), ["wiring", "sysv"], Depth: 3, Ops: OpGroups.None);
        string dir = Path.Combine(_dir, "design-short");
        for (int i = 0; i < 2; i++)
        {
            var shard = new ShardSpec(i, 2);
            var rows = DesignSearch.RunShard(o, shard, cancel: TestContext.Current.CancellationToken);
            DesignShards.Write(dir, shard, o, i == 1 ? [.. rows.Skip(1)] : rows, 0.5);
        }
        DesignResult? merged = DesignShards.Merge(dir, ShardMerge.ReadAll(dir, out _)!, out string? error);
        Assert.Null(merged);
        Assert.Contains("shard-1-of-2.json", error);
        Assert.Contains("lacks the row", error);
    }
}
