using UvmSim.Exploration;
using UvmSim.Policies;

namespace UvmSim.Tests.Snapshots;

/// <summary>
/// The explorer computes each state's successors from a snapshot of the state instead of
/// replaying its calls from boot; the answer must not change: the states met, the depth
/// reached, the counterexample and its severity, on one job or several, in a shard too.
/// </summary>
public class SnapshotExplorerTests
{
    internal static void AssertSameAnswer(ExploreResult replay, ExploreResult snapshots)
    {
        Assert.Equal((replay.States, replay.Depth, replay.Rank), (snapshots.States, snapshots.Depth, snapshots.Rank));
        Assert.Equal(replay.Finding?.Ops, snapshots.Finding?.Ops);
        Assert.Equal(replay.Finding?.Message, snapshots.Finding?.Message);
        Assert.Equal(replay.Finding?.Panic, snapshots.Finding?.Panic);
        Assert.Equal(replay.Levels?.Select(l => l.ToList()), snapshots.Levels?.Select(l => l.ToList()));
        Assert.Equal(replay.StatesPerDepth, snapshots.StatesPerDepth);
    }

    [Theory]
    [InlineData(PresetNames.NetBsd8, 1, false, true)]
    [InlineData(PresetNames.NetBsd8, 1, false, false)]
    [InlineData(PresetNames.Thorpej2019, 1, false, true)]
    [InlineData(PresetNames.NetBsd9, 2, true, true)]
    [InlineData(PresetNames.Dual, 2, true, true)]
    [InlineData(PresetNames.Dual, 1, false, false)]
    public void Snapshots_and_replay_give_the_same_answer(string preset, int procs, bool transient, bool diagnostics)
    {
        var u = new Universe(Policy.FromPreset(preset)!, Pages: 24, Procs: procs, Diagnostics: diagnostics);
        CancellationToken cancel = TestContext.Current.CancellationToken;
        int depth = procs == 2 ? 4 : 6;
        ExploreResult replay = Explorer.Run(new ExploreOptions(u, depth, transient, Replay: true), cancel: cancel);
        foreach (int jobs in new[] { 1, 2 })
        {
            AssertSameAnswer(replay, Explorer.Run(new ExploreOptions(u, depth, transient, Jobs: jobs, Snapshots: true), cancel: cancel));
        }
    }

    [Fact]
    public void A_shard_gives_the_same_states_with_snapshots()
    {
        var u = new Universe(Policy.FromPreset(PresetNames.Dual)!, Pages: 32, Procs: 1);
        CancellationToken cancel = TestContext.Current.CancellationToken;
        var shard = new ExploreShard(1, 3, SplitDepth: 2);
        AssertSameAnswer(
            Explorer.Run(new ExploreOptions(u, 5, Shard: shard, Replay: true), cancel: cancel),
            Explorer.Run(new ExploreOptions(u, 5, Shard: shard, Snapshots: true), cancel: cancel));
    }
}
