using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Tests.Snapshots;

namespace UvmSim.Tests.Undo;

/// <summary>
/// The explorer's default walk (one kernel per job, successors undone with the undo log) gives
/// the answer replaying from boot gives: the states met per depth, the depth reached, the
/// counterexample and its severity, the shard's per-level hashes, under every preset, on one
/// job or two, with the transient calls and the optional op groups.
/// </summary>
public class UndoExplorerTests
{
    [Theory]
    [InlineData(PresetNames.NetBsd8, 1, false, true, OpGroups.None)]
    [InlineData(PresetNames.NetBsd8, 2, false, false, OpGroups.None)]
    [InlineData(PresetNames.Thorpej2019, 1, false, true, OpGroups.None)]
    [InlineData(PresetNames.NetBsd9, 2, true, true, OpGroups.None)]
    [InlineData(PresetNames.Dual, 2, true, true, OpGroups.None)]
    [InlineData(PresetNames.Dual, 1, false, false, OpGroups.None)]
    [InlineData(PresetNames.Linux, 1, false, true, OpGroups.None)]
    [InlineData(PresetNames.Linux, 2, true, false, OpGroups.None)]
    [InlineData(PresetNames.Dual, 1, true, true, OpGroups.ZeroLength | OpGroups.Protect | OpGroups.SubRange | OpGroups.LengthWrap)]
    [InlineData(PresetNames.NetBsd9, 1, false, true, OpGroups.Protect | OpGroups.SubRange)]
    public void The_undo_walk_and_replay_give_the_same_answer(string preset, int procs, bool transient, bool diagnostics, OpGroups ops)
    {
        var u = new Universe(Policy.FromPreset(preset)!, Pages: 24, Procs: procs, Diagnostics: diagnostics);
        CancellationToken cancel = TestContext.Current.CancellationToken;
        int depth = procs == 2 ? 4 : 6;
        ExploreResult replay = Explorer.Run(new ExploreOptions(u, depth, transient, Ops: ops, Replay: true), cancel: cancel);
        foreach (int jobs in new[] { 1, 2 })
        {
            SnapshotExplorerTests.AssertSameAnswer(replay, Explorer.Run(new ExploreOptions(u, depth, transient, Jobs: jobs, Ops: ops), cancel: cancel));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_shard_gives_the_same_states_with_the_undo_walk(int jobs)
    {
        var u = new Universe(Policy.FromPreset(PresetNames.Dual)!, Pages: 32, Procs: 1);
        CancellationToken cancel = TestContext.Current.CancellationToken;
        var shard = new ExploreShard(1, 3, SplitDepth: 2);
        SnapshotExplorerTests.AssertSameAnswer(
            Explorer.Run(new ExploreOptions(u, 5, Shard: shard, Replay: true), cancel: cancel),
            Explorer.Run(new ExploreOptions(u, 5, Jobs: jobs, Shard: shard), cancel: cancel));
    }
}
