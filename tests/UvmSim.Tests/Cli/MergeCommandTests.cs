using System.Text.Json;

namespace UvmSim.Tests.Cli;

/// <summary>
/// <c>uvmsim merge</c> as a user meets it (docs/scale-out.md): the shards of a search, merged,
/// write the same reproducer file, that one process writes (but for the directory its replay line names) for the same search,
/// and print the same finding. <c>ShardMergeTests</c> checks the answers in memory; this checks
/// what lands on disk, where a header or a file name could still differ.
/// </summary>
public sealed class MergeCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"uvmsim-merge-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData("explore", "--depth", "6")]
    [InlineData("fuzz", "--steps", "200000")]
    public void Merged_shards_write_the_reproducer_a_single_run_writes(string command, string option, string value)
    {
        string single = Path.Combine(_root, "single");
        string sharded = Path.Combine(_root, "sharded");
        var one = new CliHarness();
        Assert.Equal(1, one.Run(command, "--policy", "netbsd-8", option, value, "--out", single, "--format", "json"));
        JsonElement expected = JsonDocument.Parse(one.Out.Output).RootElement;
        for (int i = 0; i < 3; i++)
        {
            var shard = new CliHarness();
            shard.Run(command, "--policy", "netbsd-8", option, value, "--shard", $"{i}/3", "--out", sharded, "--format", "json");
        }
        var merge = new CliHarness();
        Assert.Equal(1, merge.Run("merge", sharded, "--format", "json"));
        JsonElement merged = JsonDocument.Parse(merge.Out.Output).RootElement;

        Assert.Equal(expected.GetProperty("kind").GetString(), merged.GetProperty("kind").GetString());
        Assert.Equal(expected.GetProperty("message").GetString(), merged.GetProperty("message").GetString());
        string singleFile = expected.GetProperty("reproducer").GetString()!;
        string mergedFile = merged.GetProperty("reproducer").GetString()!;
        Assert.Equal(Path.GetFileName(singleFile), Path.GetFileName(mergedFile));
        // The replay line names the file where it was written; everything else is the same.
        Assert.Equal(File.ReadAllText(singleFile).Replace(single, sharded, StringComparison.Ordinal), File.ReadAllText(mergedFile));
        Assert.Contains(sharded, File.ReadAllText(mergedFile), StringComparison.Ordinal);
        // The shards ran in other processes, whose CPU time the merge cannot know.
        Assert.True(expected.GetProperty("cpuSeconds").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, merged.GetProperty("cpuSeconds").ValueKind);
    }
}
