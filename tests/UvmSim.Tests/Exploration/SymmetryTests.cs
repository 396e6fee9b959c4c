using UvmSim.Checking;
using UvmSim.Exploration;
using UvmSim.Policies;

namespace UvmSim.Tests.Exploration;

/// <summary>
/// <c>explore --symmetry</c>: a state and its mirror (the same processes in another order) hash
/// alike under the symmetric hash and apart under the plain one, and a search that keeps one
/// state of each mirror set still finds what the plain search finds, as a real sequence.
/// </summary>
public class SymmetryTests
{
    private static Universe U(string preset, int procs = 1) => new(Policy.FromPreset(preset)!, Pages: 32, Procs: procs);

    private static readonly Op Map = new(OpKind.Mmap, 0, 1, 2, 0);       // a private anonymous mapping of two pages
    private static readonly Op Fork = new(OpKind.Fork, 0, 0, 0, 0);

    /// <summary>The state after <paramref name="ops"/> from boot.</summary>
    private static OpInterpreter After(Universe u, params Op[] ops)
    {
        var (driver, panic) = u.Replay(ops);
        Assert.Null(panic);
        return driver;
    }

    [Theory]
    [InlineData(PresetNames.Dual, OpKind.Mlock)]
    [InlineData(PresetNames.NetBsd8, OpKind.Mlock)]
    [InlineData(PresetNames.Dual, OpKind.Touch)]
    public void A_call_in_the_parent_and_the_same_call_in_the_child_reach_mirror_states(string preset, OpKind kind)
    {
        Universe u = U(preset);
        int flags = kind == OpKind.Touch ? 1 : 0;
        OpInterpreter parent = After(u, Map, Fork, Op.ExactRange(kind, 0, 0, 0, 2, flags));
        OpInterpreter child = After(u, Map, Fork, Op.ExactRange(kind, 1, 0, 0, 2, flags));
        Assert.Equal(2, parent.ProcessCount);

        Assert.NotEqual(new StateHash().Of(parent.Kernel), new StateHash().Of(child.Kernel));
        Assert.Equal(new StateHash(symmetric: true).Of(parent.Kernel), new StateHash(symmetric: true).Of(child.Kernel));
    }

    [Fact]
    public void States_that_are_not_mirrors_still_hash_apart()
    {
        Universe u = U(PresetNames.Dual);
        var hash = new StateHash(symmetric: true);
        ulong whole = hash.Of(After(u, Map, Fork, Op.ExactRange(OpKind.Mlock, 0, 0, 0, 2)).Kernel);
        ulong firstPage = hash.Of(After(u, Map, Fork, Op.ExactRange(OpKind.Mlock, 0, 0, 0, 1)).Kernel);
        ulong both = hash.Of(After(u, Map, Fork, Op.ExactRange(OpKind.Mlock, 0, 0, 0, 2), Op.ExactRange(OpKind.Mlock, 1, 0, 0, 2)).Kernel);
        ulong forked = hash.Of(After(u, Map, Fork).Kernel);
        Assert.Equal(4, new HashSet<ulong> { whole, firstPage, both, forked }.Count);
    }

    [Fact]
    public void The_symmetric_hash_of_a_state_does_not_depend_on_the_hasher_or_on_hashing_twice()
    {
        Universe u = U(PresetNames.Dual);
        OpInterpreter s = After(u, Map, Fork, Fork, Op.ExactRange(OpKind.Mlock, 1, 0, 0, 1));
        Assert.Equal(3, s.ProcessCount);
        var first = new StateHash(symmetric: true);
        ulong h = first.Of(s.Kernel);
        first.Of(After(u, Map).Kernel); // another state in between
        Assert.Equal(h, first.Of(s.Kernel));
        Assert.Equal(h, new StateHash(symmetric: true).Of(s.Kernel));
    }

    [Theory]
    [InlineData(PresetNames.Dual, 6)]
    [InlineData(PresetNames.NetBsd9, 6)]
    [InlineData(PresetNames.Linux, 5)]
    public void Symmetry_keeps_fewer_states_and_the_same_verdict(string preset, int depth)
    {
        Universe u = U(preset);
        ExploreResult plain = Explorer.Run(new ExploreOptions(u, depth), cancel: TestContext.Current.CancellationToken);
        ExploreResult reduced = Explorer.Run(new ExploreOptions(u, depth, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        Assert.Null(plain.Finding);
        Assert.Null(reduced.Finding);
        Assert.True(reduced.States < plain.States, $"{reduced.States} states with symmetry against {plain.States}");
    }

    [Theory]
    [InlineData(PresetNames.NetBsd8)]
    [InlineData(PresetNames.Thorpej2019)]
    public void Symmetry_finds_a_counterexample_as_short_and_as_severe_that_replays(string preset)
    {
        Universe u = U(preset);
        ExploreResult plain = Explorer.Run(new ExploreOptions(u, 6), cancel: TestContext.Current.CancellationToken);
        ExploreResult reduced = Explorer.Run(new ExploreOptions(u, 6, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        Assert.NotNull(plain.Finding);
        Assert.NotNull(reduced.Finding);
        Assert.Equal(plain.Finding!.Ops.Count, reduced.Finding!.Ops.Count);
        Assert.Equal(plain.Rank, reduced.Rank);

        // The finding is the sequence that reached it: replayed from boot, it fails the same way.
        var engine = new Engine(u);
        engine.Begin(reduced.Finding.Ops.SkipLast(1).ToArray());
        StepResult last = engine.Step(reduced.Finding.Ops[^1]);
        Assert.NotEqual(StepKind.State, last.Kind);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Symmetry_gives_the_same_answer_on_any_number_of_jobs(int jobs)
    {
        Universe u = U(PresetNames.Dual, procs: 2);
        ExploreResult one = Explorer.Run(new ExploreOptions(u, 5, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        ExploreResult many = Explorer.Run(new ExploreOptions(u, 5, Jobs: jobs, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        Assert.Equal(one.States, many.States);
        Assert.Equal(one.Calls, many.Calls);
        Assert.Equal(one.StatesPerDepth, many.StatesPerDepth);
    }

    [Fact]
    public void The_walk_replay_and_snapshots_agree_under_symmetry()
    {
        Universe u = U(PresetNames.Dual);
        ExploreResult walk = Explorer.Run(new ExploreOptions(u, 5, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        ExploreResult replay = Explorer.Run(new ExploreOptions(u, 5, Replay: true, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        ExploreResult snapshots = Explorer.Run(new ExploreOptions(u, 5, Snapshots: true, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        Assert.Equal(walk.StatesPerDepth, replay.StatesPerDepth);
        Assert.Equal(walk.StatesPerDepth, snapshots.StatesPerDepth);
    }
}
